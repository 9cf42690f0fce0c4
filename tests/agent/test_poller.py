"""The command path against real SQS (moto server): received → result →
delete, idempotent redelivery, poison messages to the DLQ, reconnects."""
import threading
import time

import botocore.exceptions

from agent import aws
from agent.backoff import Backoff
from agent.events import EventSender
from agent.executors import ExecutorError, SimulateExecutor
from agent.heartbeat import Heartbeat
from agent.poller import Poller
from agent.session import Session, SessionHolder
from tests.agent.sqs_helpers import of_type, queue_is_empty, read_events, send_command


def make_poller(holder, executor, **kwargs):
    kwargs.setdefault("retry_delay", lambda attempt, unparseable: 1)  # the test queue's timeout
    return Poller(holder, executor, EventSender(holder), threading.Event(), wait_seconds=1, **kwargs)


def test_a_ping_is_received_executed_reported_and_deleted(sqs, queues, holder, tmp_path):
    send_command(sqs, queues.commands, "cmd1")
    assert make_poller(holder, SimulateExecutor(tmp_path)).poll_once() == 1
    events = read_events(sqs, queues.events, until=lambda e: len(e) >= 2, seconds=5)
    assert [e["type"] for e in events] == ["command_received", "command_result"]
    assert all(e["command_id"] == "cmd1" for e in events)
    result = events[1]
    assert result["ok"] is True and result["error"] is None
    assert result["result"] == {"pong": True, "executor": "simulate", "namespace": "team-a",
                                "operator": "deployment.apps/mendix-operator"}
    assert queue_is_empty(sqs, queues.commands)


def test_a_redelivered_command_reports_the_stored_result_without_running_again(
        sqs, queues, holder, tmp_path):
    executor = SimulateExecutor(tmp_path)
    poller = make_poller(holder, executor)
    send_command(sqs, queues.commands, "cmd2")
    poller.poll_once()
    send_command(sqs, queues.commands, "cmd2")  # SQS delivers at least once
    poller.poll_once()
    results = of_type(read_events(sqs, queues.events, until=lambda e: len(e) >= 4, seconds=5),
                      "command_result")
    assert len(results) == 2 and results[0]["result"] == results[1]["result"]
    assert executor.state()["commands_run"] == 1
    assert queue_is_empty(sqs, queues.commands)


def test_an_unknown_type_is_a_clean_failure_and_is_deleted(sqs, queues, holder, tmp_path):
    send_command(sqs, queues.commands, "cmd3", type="reticulate")
    make_poller(holder, SimulateExecutor(tmp_path)).poll_once()
    result = of_type(read_events(sqs, queues.events, until=lambda e: len(e) >= 2, seconds=5),
                     "command_result")[0]
    assert result["ok"] is False and "unknown command type 'reticulate'" in result["error"]
    assert queue_is_empty(sqs, queues.commands)


def retry_until_dead_lettered(sqs, queues, poller) -> list[dict]:
    """Attempt 1, attempt 2 (the last), then SQS moves the message to the DLQ."""
    seen = []
    for _ in range(3):
        poller.poll_once()
        seen += read_events(sqs, queues.events)
        time.sleep(1.1)  # the queue's visibility timeout
    dead = sqs.receive_message(QueueUrl=queues.dlq, WaitTimeSeconds=1).get("Messages", [])
    assert len(dead) == 1, "the message did not reach the dead-letter queue"
    return seen


def test_an_unparseable_message_is_retried_then_reported_once_and_dead_lettered(
        sqs, queues, holder, tmp_path, caplog):
    send_command(sqs, queues.commands, "cmd4", body="{not json")
    events = retry_until_dead_lettered(sqs, queues, make_poller(holder, SimulateExecutor(tmp_path)))
    assert [e["type"] for e in events] == ["command_result"]  # only on the last attempt
    assert events[0]["command_id"] == "cmd4" and events[0]["ok"] is False
    assert "not JSON" in events[0]["error"] and "dead-letter" in events[0]["error"]
    assert "attempt 1 of 2" in caplog.text and "failed for good" in caplog.text


class Broken(SimulateExecutor):
    def handlers(self):
        def ping(command, target):
            raise ExecutorError("the cluster did not answer")
        return {"ping": ping}


def test_an_executor_error_is_retried_then_reported_and_dead_lettered(sqs, queues, holder, tmp_path):
    send_command(sqs, queues.commands, "cmd5")
    events = retry_until_dead_lettered(sqs, queues, make_poller(holder, Broken(tmp_path)))
    assert [e["type"] for e in events] == ["command_received", "command_received", "command_result"]
    assert events[-1]["ok"] is False and "the cluster did not answer" in events[-1]["error"]


def test_the_poller_survives_an_sqs_outage_and_reconnects_without_a_restart(
        sqs, queues, session_data, tmp_path):
    holder = SessionHolder()
    holder.replace(Session({**session_data, "endpoint_url": "http://127.0.0.1:9"}))  # down
    poller = make_poller(holder, SimulateExecutor(tmp_path), backoff=Backoff(0.05, 0.2))
    thread = threading.Thread(target=poller.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while poller.backoff.attempt < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert poller.backoff.attempt >= 2, "the outage was not noticed"
        holder.replace(Session(session_data))  # e.g. the next session, SQS back
        send_command(sqs, queues.commands, "cmd6")
        events = read_events(sqs, queues.events, seconds=20,
                             until=lambda e: of_type(e, "command_result"))
        assert of_type(events, "command_result")[0]["ok"] is True
    finally:
        poller.stop.set()
        thread.join(5)
    assert not thread.is_alive()


def test_a_heartbeat_is_signed_and_names_the_executor(sqs, queues, holder):
    stop = threading.Event()
    heartbeat = Heartbeat(holder, EventSender(holder), "simulate", stop, lambda: 1)
    heartbeat.beat()
    heartbeat.beat()
    beats = read_events(sqs, queues.events, until=lambda e: len(e) >= 2, seconds=5)
    assert all(b["type"] == "heartbeat" and b["executor"] == "simulate" for b in beats)
    assert beats[0]["agent_version"]
    assert sorted(b["seq"] for b in beats) == [0, 1]  # counts this process's heartbeats


def test_rejected_credentials_ask_for_a_new_session():
    def error(code):
        return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": "x"}}, "ReceiveMessage")

    assert aws.is_credential_error(error("ExpiredToken"))
    assert aws.is_credential_error(error("InvalidClientTokenId"))
    assert not aws.is_credential_error(error("AWS.SimpleQueueService.NonExistentQueue"))
    # a deleted namespace's queue is gone: the session endpoint will say 401
    assert aws.needs_new_session(error("AWS.SimpleQueueService.NonExistentQueue"))
    assert aws.needs_new_session(error("AccessDenied"))
    assert not aws.needs_new_session(error("ServiceUnavailable"))
    woken = []
    holder = SessionHolder(wake=lambda: woken.append(1))
    holder.request_refresh("ExpiredToken")
    assert holder.refresh_requested and woken


def test_the_default_retry_delays_are_quick_for_poison_and_back_off_for_errors():
    from agent.poller import retry_delay

    assert [retry_delay(a, True) for a in (1, 2, 4)] == [1, 1, 1]
    assert [retry_delay(a, False) for a in (1, 2, 3, 4, 5, 9)] == [5, 10, 20, 40, 60, 60]


def test_an_unparseable_message_comes_back_within_seconds_not_the_queues_timeout(
        sqs, holder, session_data, tmp_path):
    """The namespace queue's visibility timeout is 60 s; the agent shortens it
    (ChangeMessageVisibility, which its session allows) so a poison message
    reaches the dead-letter queue — and its failure the user — quickly."""
    url = sqs.create_queue(QueueName=f"agent-test-slow-{time.monotonic_ns()}",
                           Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
    try:
        holder = SessionHolder()
        holder.replace(Session({**session_data, "command_queue_url": url}))
        send_command(sqs, url, "cmd7", body="{not json")
        poller = Poller(holder, SimulateExecutor(tmp_path), EventSender(holder), threading.Event(),
                        wait_seconds=1)
        assert poller.poll_once() == 1
        started = time.monotonic()
        again = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5).get("Messages", [])
        assert again and time.monotonic() - started < 4
    finally:
        sqs.delete_queue(QueueUrl=url)


def test_a_command_past_its_deadline_is_refused_and_reported_as_expired(sqs, queues, holder,
                                                                       tmp_path):
    """Issue 12 item 5: the backend already told the user it failed; it must not run."""
    import json

    executor = SimulateExecutor(tmp_path)
    send_command(sqs, queues.commands, "late1", body=json.dumps({
        "command_id": "late1", "type": "ping", "payload": {},
        "issued_at": "2026-01-01T00:00:00.000Z", "deadline": "2026-01-01T00:10:00.000Z"}))
    send_command(sqs, queues.commands, "ontime1", body=json.dumps({
        "command_id": "ontime1", "type": "ping", "payload": {},
        "issued_at": "2026-01-01T00:00:00.000Z", "deadline": "2999-01-01T00:00:00.000Z"}))
    poller = make_poller(holder, executor)
    while not queue_is_empty(sqs, queues.commands):
        poller.poll_once()
    results = {e["command_id"]: e for e in of_type(read_events(
        sqs, queues.events, until=lambda e: len(of_type(e, "command_result")) >= 2, seconds=5),
        "command_result")}
    late = results["late1"]
    assert late["ok"] is False and late["error"].startswith("expired")
    assert "2026-01-01T00:10:00.000Z" in late["error"]
    assert late["result"] == {"expired": True, "deadline": "2026-01-01T00:10:00.000Z"}
    assert results["ontime1"]["ok"] is True
    assert executor.state()["commands_run"] == 1
