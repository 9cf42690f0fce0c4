"""Provisioning tasks (docs/agent-protocol.md §5) against real SQS (moto
server): executed through the executor, answered with a signed
``task_result`` carrying the task token, deleted; idempotent per token;
injected failures and hangs."""
import json
import threading
import time
import uuid

import pytest

from agent import faults
from agent.commands import BadCommand, Task, read
from agent.events import EventSender
from agent.executors import SimulateExecutor
from agent.executors.base import ExecutorError
from agent.poller import Poller
from agent.session import Target
from tests.agent.sqs_helpers import of_type, queue_is_empty, read_events

# Ephemeral plans: the task mechanics without a server (tests/agent/test_provisioners.py
# provisions real databases and buckets).
PLANS = {"database": {"name": "mem", "type": "ephemeral", "secret_ref": None},
         "storage": {"name": "files", "type": "ephemeral", "secret_ref": None}}
TARGET = Target("team-a", "kubernetes")


def task_body(step="database", type="provision", env="shop", attempt=1, token=None, **extra):
    return {"type": type, "task_token": token or f"tok-{uuid.uuid4().hex}", "step": step,
            "attempt": attempt, "environment": env, "plans": PLANS, **extra}


def send_task(sqs, url, body) -> dict:
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(body) if isinstance(body, dict) else body)
    return body


def make_poller(holder, executor):
    return Poller(holder, executor, EventSender(holder), threading.Event(), wait_seconds=1,
                  retry_delay=lambda attempt, unparseable: 1)


def results(sqs, queues, n=1, seconds=5):
    return of_type(read_events(sqs, queues.events, seconds=seconds,
                               until=lambda e: len(of_type(e, "task_result")) >= n), "task_result")


# --- parsing -------------------------------------------------------------------------

def message(body):
    return {"Body": json.dumps(body) if not isinstance(body, str) else body}


def test_a_task_body_reads_as_a_task_and_a_command_as_a_command():
    task = read(message(task_body(attempt=3, token="t1")))
    assert isinstance(task, Task)
    assert (task.type, task.step, task.environment, task.attempt) == ("provision", "database",
                                                                      "shop", 3)
    assert task.plan == PLANS["database"] and len(task.key) == 40
    command = read(message({"command_id": "c1", "type": "ping"}))
    assert command.id == "c1"


@pytest.mark.parametrize("body,reason", [
    ({"type": "provision", "task_token": "", "environment": "shop"}, "task_token"),
    ({"type": "provision", "task_token": "t", "step": "database"}, "environment"),
])
def test_a_task_that_cannot_be_answered_is_poison(body, reason):
    with pytest.raises(BadCommand, match=reason):
        read(message(body))


# --- through SQS -------------------------------------------------------------------

def test_provision_writes_the_step_answers_with_the_token_and_deletes(sqs, queues, holder, tmp_path):
    sent = send_task(sqs, queues.commands, task_body())
    assert make_poller(holder, SimulateExecutor(tmp_path)).poll_once() == 1
    (result,) = results(sqs, queues)
    assert result["task_token"] == sent["task_token"] and result["environment"] == "shop"
    assert result["ok"] is True and result["error"] is None
    assert result["result"]["file"] == "environments/shop/database.json"
    stored = json.loads((tmp_path / "environments" / "shop" / "database.json").read_text())
    assert stored["plan"] == PLANS["database"]  # the secret stays a reference
    assert stored["namespace"] == "team-a"
    assert queue_is_empty(sqs, queues.commands)
    # no command events for a task
    assert not of_type(read_events(sqs, queues.events), "command_received")


def test_a_redelivered_task_reports_the_stored_outcome_without_running_again(
        sqs, queues, holder, tmp_path):
    poller = make_poller(holder, SimulateExecutor(tmp_path))
    faults.edit(tmp_path, fail_next=1, message="first try fails")
    body = task_body(token="same-token")
    send_task(sqs, queues.commands, body)
    poller.poll_once()
    send_task(sqs, queues.commands, body)  # SQS delivers at least once
    poller.poll_once()
    first, second = results(sqs, queues, n=2)
    assert first == {**second, "sent_at": first["sent_at"]}
    assert first["ok"] is False and first["error"] == "first try fails"
    assert faults.read(tmp_path)["failures_injected"] == 1  # the redelivery ran nothing
    # the workflow's next attempt has a fresh token: that one runs
    send_task(sqs, queues.commands, task_body(attempt=2))
    poller.poll_once()
    assert results(sqs, queues)[0]["ok"] is True


def test_deprovision_removes_the_files_and_absence_is_success(sqs, queues, holder, tmp_path):
    poller = make_poller(holder, SimulateExecutor(tmp_path))
    for step in ("database", "storage"):
        send_task(sqs, queues.commands, task_body(step=step))
        poller.poll_once()
    assert all(r["ok"] for r in results(sqs, queues, n=2))
    assert sorted(p.name for p in (tmp_path / "environments" / "shop").iterdir()) == [
        "database.json", "storage.json"]
    for step in ("storage", "database"):
        send_task(sqs, queues.commands, task_body(step=step, type="deprovision"))
        poller.poll_once()
    answers = results(sqs, queues, n=2)
    assert [a["result"]["removed"] for a in answers] == [True, True]
    assert not (tmp_path / "environments" / "shop").exists()
    send_task(sqs, queues.commands, task_body(step="database", type="deprovision", env="never"))
    poller.poll_once()
    (again,) = results(sqs, queues)
    assert again["ok"] is True and again["result"]["removed"] is False


def test_an_injected_hang_takes_the_task_and_never_answers(sqs, queues, holder, tmp_path):
    poller = make_poller(holder, SimulateExecutor(tmp_path))
    faults.edit(tmp_path, hang_next=1)
    body = send_task(sqs, queues.commands, task_body(token="hung"))
    poller.poll_once()
    send_task(sqs, queues.commands, body)  # even a redelivery stays silent
    poller.poll_once()
    assert results(sqs, queues, seconds=2) == []
    assert queue_is_empty(sqs, queues.commands)
    assert not (tmp_path / "environments" / "shop").exists()
    send_task(sqs, queues.commands, task_body(attempt=2))  # the next attempt works
    poller.poll_once()
    assert results(sqs, queues)[0]["ok"] is True
    assert faults.read(tmp_path)["hangs_injected"] == 1


@pytest.mark.parametrize("change,words", [
    ({"step": "cache"}, "unknown provisioning step 'cache'"),
    ({"type": "resize"}, "unknown provisioning task type 'resize'"),
    ({"environment": "../etc"}, "DNS-1123"),
    ({"plans": {}}, "no database plan"),
])
def test_a_task_it_cannot_carry_out_is_answered_as_a_clean_failure(
        sqs, queues, holder, tmp_path, change, words):
    send_task(sqs, queues.commands, {**task_body(), **change})
    make_poller(holder, SimulateExecutor(tmp_path)).poll_once()
    (result,) = results(sqs, queues)
    assert result["ok"] is False and words in result["error"]
    assert queue_is_empty(sqs, queues.commands)


class Broken(SimulateExecutor):
    def provision(self, task, target):
        raise ExecutorError("the cluster did not answer")


def test_an_executor_error_is_answered_as_a_failure_the_workflow_retries(
        sqs, queues, holder, tmp_path):
    send_task(sqs, queues.commands, task_body())
    make_poller(holder, Broken(tmp_path)).poll_once()
    (result,) = results(sqs, queues)
    assert result["ok"] is False and "the cluster did not answer" in result["error"]
    assert queue_is_empty(sqs, queues.commands)


def test_a_task_without_a_token_is_left_to_the_dead_letter_queue(sqs, queues, holder, tmp_path):
    send_task(sqs, queues.commands, {"type": "provision", "step": "database", "environment": "x",
                                     "task_token": None})
    poller = make_poller(holder, SimulateExecutor(tmp_path))
    for _ in range(3):
        poller.poll_once()
        time.sleep(1.1)  # the test queue's visibility timeout
    assert sqs.receive_message(QueueUrl=queues.dlq, WaitTimeSeconds=1).get("Messages")
    assert results(sqs, queues, seconds=0) == []


def test_timings_are_recorded_only_when_asked(sqs, queues, holder, tmp_path):
    send_task(sqs, queues.commands, task_body())
    make_poller(holder, SimulateExecutor(tmp_path / "quiet")).poll_once()
    assert not (tmp_path / "quiet" / "timings.jsonl").exists()
    send_task(sqs, queues.commands, task_body())
    make_poller(holder, SimulateExecutor(tmp_path / "loud", record_timings=True)).poll_once()
    (line,) = (tmp_path / "loud" / "timings.jsonl").read_text().splitlines()
    timing = json.loads(line)
    assert timing["kind"] == "task" and timing["type"] == "provision/database"
    assert 0 <= timing["answered"] - timing["received"] < 5


def test_a_task_whose_attempt_has_timed_out_is_not_run(sqs, queues, holder, tmp_path):
    """Same class as issue 12 item 5: the workflow gave up on this attempt (its token is
    dead, a retry may already be under way), so a late delivery must not run it."""
    executor = SimulateExecutor(tmp_path)
    send_task(sqs, queues.commands, task_body(env="late", issued_at="2026-01-01T00:00:00.000Z",
                                              timeout_seconds=20))
    make_poller(holder, executor).poll_once()
    assert queue_is_empty(sqs, queues.commands)
    assert not (tmp_path / "environments" / "late").exists()
    assert results(sqs, queues, seconds=2) == []
    fresh = task_body(env="fresh", issued_at=time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                      timeout_seconds=20)
    send_task(sqs, queues.commands, fresh)
    make_poller(holder, executor).poll_once()
    assert results(sqs, queues)[0]["ok"] is True
    assert (tmp_path / "environments" / "fresh").exists()
