"""The whole agent in one process, its sessions built by the test (the API's
session endpoint is exercised by the backend's own tests): connecting through
an API outage, renewing, revocation (exit 3), and a prompt stop on a signal."""
import json
import logging
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from agent.backoff import Backoff
from agent.executors import SimulateExecutor
from agent.runner import EXIT_OK, EXIT_REVOKED, Agent
from agent.session import Revoked, Session, Unavailable
from tests.agent.sqs_helpers import of_type, read_events, send_command

ROOT = Path(__file__).resolve().parents[2]


def quick() -> Backoff:
    return Backoff(0.01, 0.05)


def scripted(*answers):
    """An open_session that gives these answers in turn (the last repeats)."""
    calls = []

    def open_session():
        answer = answers[min(len(calls), len(answers) - 1)]
        calls.append(answer)
        if isinstance(answer, Exception):
            raise answer
        return Session(answer)

    open_session.calls = calls
    return open_session


def run_in_thread(agent: Agent) -> dict:
    outcome = {}
    thread = threading.Thread(target=lambda: outcome.update(code=agent.run()), daemon=True)
    thread.start()
    outcome["thread"] = thread
    return outcome


def test_revoked_credentials_stop_it_with_exit_code_3(tmp_path, caplog):
    agent = Agent(scripted(Revoked("Unknown namespace id or wrong agent secret")),
                  SimulateExecutor(tmp_path), backoff=quick)
    assert agent.run() == EXIT_REVOKED
    assert "credentials revoked or rotated" in caplog.text
    assert "Installation tab" in caplog.text


def test_it_waits_out_an_api_outage_then_serves_commands_and_heartbeats(
        sqs, queues, session_data, tmp_path, caplog):
    open_session = scripted(Unavailable("HTTP 503"), Unavailable("connection refused"), session_data)
    agent = Agent(open_session, SimulateExecutor(tmp_path), wait_seconds=1, backoff=quick)
    running = run_in_thread(agent)
    try:
        send_command(sqs, queues.commands, "cmd-run")
        events = read_events(sqs, queues.events, seconds=20,
                             until=lambda e: of_type(e, "command_result") and of_type(e, "heartbeat"))
        assert of_type(events, "command_result")[0]["ok"] is True
        assert of_type(events, "heartbeat")[0]["executor"] == "simulate"
        assert len(open_session.calls) == 3
        assert caplog.text.count("cannot open a session") == 2
    finally:
        agent.request_stop("test")
        running["thread"].join(5)
    assert running["code"] == EXIT_OK
    assert json.loads((tmp_path / "agent.json").read_text())["status"] == "stopped"


def test_it_renews_early_keeps_the_old_session_through_a_failed_renewal_then_obeys_a_revocation(
        session_data, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="agent")
    data = {**session_data, "refresh_after_seconds": 1}  # renew after 0.8 s
    open_session = scripted(data, Unavailable("HTTP 502"), data, Revoked("secret rotated"))
    agent = Agent(open_session, SimulateExecutor(tmp_path), wait_seconds=1, backoff=quick)
    started = time.monotonic()
    assert agent.run() == EXIT_REVOKED
    assert 1.4 < time.monotonic() - started < 10
    assert len(open_session.calls) == 4
    assert "carrying on with the current one" in caplog.text
    assert "session renewed" in caplog.text
    assert "credentials revoked or rotated (secret rotated)" in caplog.text


def test_the_heartbeat_interval_flag_then_session_then_installed_value(session_data, tmp_path):
    def interval(session_value, **kwargs):
        agent = Agent(scripted(session_data), SimulateExecutor(tmp_path), **kwargs)
        agent.holder.replace(Session({**session_data, "heartbeat_seconds": session_value}))
        return agent.heartbeat_seconds()

    assert interval(7, heartbeat_override=3, heartbeat_fallback=45) == 3
    assert interval(7, heartbeat_fallback=45) == 7
    assert interval(None, heartbeat_fallback=45) == 45
    assert interval(None) == 30


STANDALONE = """
import json, sys
from agent.cli import configure_logging, run_until_signalled
from agent.executors import SimulateExecutor
from agent.runner import Agent
from agent.session import Session

configure_logging(False)
data = json.loads(sys.argv[1])
sys.exit(run_until_signalled(Agent(lambda: Session(data), SimulateExecutor(sys.argv[2]))))
"""


def test_sigterm_during_a_20_second_long_poll_exits_0_at_once(session_data, tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", STANDALONE, json.dumps(session_data),
                             str(tmp_path)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        state = tmp_path / "agent.json"
        deadline = time.monotonic() + 20
        while not state.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert state.exists(), "the agent did not connect"
        time.sleep(1)  # the poller is now inside its 20 s long poll
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert time.monotonic() - started < 3
        assert "stopping (SIGTERM)" in proc.stderr.read()
        assert json.loads(state.read_text())["status"] == "stopped"
    finally:
        proc.kill()
        proc.wait()
