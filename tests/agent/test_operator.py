"""``python -m agent operator``: the operator's Deployment runs it from the
agent's image; it checks the configuration the agent applies."""
import json
import threading

from agent import operator
from agent.commands import Command
from agent.executors import SimulateExecutor
from agent.session import Target
from tests.agent.test_configure import payload


def test_it_reports_the_applied_configuration_and_notices_tampering(tmp_path):
    read = operator.reader(str(tmp_path), "kubectl", None)
    op = operator.Operator(read, 0.01, threading.Event())
    assert op.tick()[0] == "warning"  # nothing applied yet
    SimulateExecutor(tmp_path).execute(Command("c1", "configure", payload(),
                                               "2026-01-01T00:00:01.000Z"), Target("team-a"))
    level, message = op.tick()
    assert level == "info" and "sections ingress, registry" in message
    assert '"database": 1' in message
    doc = json.loads((tmp_path / "operator-config.json").read_text())
    doc["spec"]["ingress"]["domain"] = "edited.by.hand"
    (tmp_path / "operator-config.json").write_text(json.dumps(doc))
    assert op.tick() == ("error", operator.check(doc)[1]) and "digest" in op.tick()[1]


def test_it_stops_when_asked(tmp_path):
    stop = threading.Event()
    op = operator.Operator(lambda: None, 0.05, stop)
    thread = threading.Thread(target=op.run)
    thread.start()
    stop.set()
    thread.join(2)
    assert not thread.is_alive()
