"""Executors: each command runs once per command id; clean outcomes only."""
import json
import sys

import pytest

from agent.commands import Command
from agent.executors import KubectlExecutor, Outcome, SimulateExecutor
from agent.session import Target

TARGET = Target("team-a", "kubernetes")


def test_simulate_ping_runs_once_per_command_id_even_across_restarts(tmp_path):
    executor = SimulateExecutor(tmp_path)
    executor.started(TARGET)
    first = executor.execute(Command("c1", "ping"), TARGET)
    assert first.ok and first.result["pong"] is True
    assert first.result["operator"] == "deployment.apps/mendix-operator"
    assert executor.execute(Command("c1", "ping"), TARGET) == first
    assert SimulateExecutor(tmp_path).execute(Command("c1", "ping"), TARGET) == first
    state = json.loads((tmp_path / "agent.json").read_text())
    assert state["commands_run"] == 1 and state["status"] == "running"
    assert state["namespace"] == "team-a"
    assert json.loads((tmp_path / "commands" / "c1.json").read_text()) == first.to_dict()
    executor.execute(Command("c2", "ping"), TARGET)
    assert json.loads((tmp_path / "agent.json").read_text())["commands_run"] == 2


def test_simulate_state_follows_the_agent(tmp_path):
    executor = SimulateExecutor(tmp_path / "new" / "dir")
    executor.started(TARGET)
    executor.stopped()
    state = json.loads((tmp_path / "new" / "dir" / "agent.json").read_text())
    assert state["status"] == "stopped" and "stopped_at" in state


def test_an_unknown_type_is_a_clean_failure_that_names_what_is_understood(tmp_path):
    executor = SimulateExecutor(tmp_path)
    outcome = executor.execute(Command("c3", "reticulate"), TARGET)
    assert outcome == Outcome(False, None, outcome.error)
    assert "unknown command type 'reticulate'" in outcome.error and "ping" in outcome.error
    assert executor.execute(Command("c3", "reticulate"), TARGET) == outcome


@pytest.fixture
def fake_kubectl(tmp_path, monkeypatch):
    """kubectl that records its argv and knows the operator's deployment if asked."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "kubectl"
    script.write_text(f"""#!{sys.executable}
import json, os, sys
open(os.environ["FAKE_LOG"], "a").write(json.dumps(sys.argv[1:]) + "\\n")
if os.environ.get("FAKE_NO_OPERATOR"):
    sys.exit(print('Error from server (NotFound): deployments.apps "mendix-operator" not found',
                   file=sys.stderr) or 1)
print("deployment.apps/mendix-operator")
""")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("FAKE_LOG", str(tmp_path / "log"))
    return tmp_path / "log"


def test_kubectl_ping_reports_the_operator(fake_kubectl):
    outcome = KubectlExecutor().execute(Command("c1", "ping"), TARGET)
    assert outcome == Outcome(True, {"pong": True, "executor": "kubectl",
                                     "operator": "deployment.apps/mendix-operator"})
    assert json.loads(fake_kubectl.read_text()) == [
        "get", "deployment", "mendix-operator", "-o", "name", "-n", "team-a"]


def test_kubectl_ping_without_the_operator_still_answers(fake_kubectl, monkeypatch):
    monkeypatch.setenv("FAKE_NO_OPERATOR", "1")
    outcome = KubectlExecutor().execute(Command("c1", "ping"), TARGET)
    assert outcome.ok and outcome.result["operator"] is None
    assert "not found" in outcome.result["operator_error"]


def test_kubectl_missing_is_a_clean_failure(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    outcome = KubectlExecutor().execute(Command("c1", "ping"), TARGET)
    assert not outcome.ok and "kubectl" in outcome.error


def test_openshift_prefers_oc():
    found = {"oc": "/x/oc", "kubectl": "/x/kubectl"}
    executor = KubectlExecutor(which=found.get)
    assert executor.binary(Target("a", "openshift")) == "oc"
    assert executor.binary(Target("a", "kubernetes")) == "kubectl"
    assert executor.binary(Target("a", None)) == "kubectl"
    assert KubectlExecutor(which={"oc": "/x/oc"}.get).binary(Target("a", None)) == "oc"
