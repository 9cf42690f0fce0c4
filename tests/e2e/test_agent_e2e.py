"""Agent connection, end to end: the real agent process (simulate mode, with
the Installation tab's parameters) against the whole local stack — API,
event runner, moto.  The stack runs with HEARTBEAT_SECONDS=1 and
SWEEP_SECONDS=1.  Each scenario has its own namespace and agent."""
import json
import time
import uuid

import boto3
import pytest

from chalicelib import queues
from tests.agent.process import AgentProcess, installation_parameters, wait_for
from tests.e2e.helpers import ONE, add_namespace

HEARTBEAT, SWEEP = 1, 1
COMMANDS = ONE + "/commands"
COMMAND = COMMANDS + "/{command_id}"
CONFIG = ONE + "/configuration/{section}"


@pytest.fixture
def ns(user, cluster):
    """A fresh connected-type namespace: where (path params) and its parameters."""
    name = f"agent-{uuid.uuid4().hex[:8]}"
    add_namespace(user, cluster["cluster_id"], name)
    where = {"cluster_id": cluster["cluster_id"], "namespace": name}
    return where, installation_parameters(user, where)


def namespace(user, where) -> dict:
    resp = user.get(ONE, **where)
    assert resp.status_code == 200, resp.text
    return resp.json()


def status_is(user, where, wanted: str):
    return lambda: (ns := namespace(user, where))["status"] == wanted and ns


def finished(user, where, command_id):
    def check():
        command = user.get(COMMAND, command_id=command_id, **where).json()
        return command["state"] in ("succeeded", "failed") and command
    return check


def test_connect_die_reconnect_and_a_rotated_secret(user, ns, tmp_path):
    where, params = ns
    assert namespace(user, where)["status"] == "waiting_for_connection"
    with AgentProcess(params, tmp_path / "sim", name="first") as first:
        wait_for(status_is(user, where, "connected"), 30, "the first agent to connect")
        first.kill()
        killed = time.monotonic()
        wait_for(status_is(user, where, "disconnected"), 30, "disconnected after SIGKILL",
                 interval=0.1)
        took = time.monotonic() - killed
        print(f"\ndisconnected {took:.1f} s after SIGKILL (2.5 heartbeats + one sweep = "
              f"{2.5 * HEARTBEAT + SWEEP} s)")
        assert took <= 2.5 * HEARTBEAT + SWEEP + 3, f"took {took:.1f} s"

    # started again, nothing else done: connected
    with AgentProcess(params, tmp_path / "sim", name="second") as second:
        back = wait_for(status_is(user, where, "connected"), 30, "the restarted agent")
        rotated = user.post(ONE + "/agent-credentials/rotate", **where)
        assert rotated.status_code == 200, rotated.text
        assert second.wait(timeout=60) == 3, "the old agent should stop with exit code 3"
        # not by waiting for its next renewal (40 min away): the command queue's
        # policy refused the old session, and the session endpoint said 401
        assert "AccessDenied" in second.log()
        assert "credentials revoked or rotated" in second.log()
        assert params["agent_secret"] not in second.log()  # never logged

    wait_for(status_is(user, where, "disconnected"), 30, "disconnected once the old agent stopped")
    fresh = {**params, "agent_secret": rotated.json()["agent_secret"]}
    with AgentProcess(fresh, tmp_path / "sim", name="third") as third:
        again = wait_for(status_is(user, where, "connected"), 30, "the agent with the new secret")
        assert again["connected_since"] > back["connected_since"]
        assert third.proc.poll() is None


def test_deleting_the_namespace_stops_its_agent(user, ns, tmp_path):
    where, params = ns
    with AgentProcess(params, tmp_path / "sim") as agent:
        wait_for(status_is(user, where, "connected"), 30, "the agent to connect")
        gone = user.delete(ONE, **where)
        assert gone.status_code == 200, gone.text
        # its queue is gone; the session endpoint, asked again, says 401
        assert agent.wait(timeout=60) == 3, agent.log()
        assert "credentials revoked or rotated" in agent.log()


def test_a_ping_round_trips(user, ns, tmp_path):
    where, params = ns
    with AgentProcess(params, tmp_path / "sim"):
        wait_for(status_is(user, where, "connected"), 30, "the agent to connect")
        sent = user.post(COMMANDS, json={"type": "ping"}, **where)
        assert sent.status_code == 201, sent.text
        done = wait_for(finished(user, where, sent.json()["command_id"]), 30, "the ping's result")
    assert done["state"] == "succeeded", done
    assert done["result"] == {"pong": True, "executor": "simulate", "namespace": where["namespace"],
                              "operator": "deployment.apps/mendix-operator"}
    assert done["delivered_at"] and done["finished_at"] and done["error"] is None


def test_a_poison_message_ends_in_the_dlq_and_fails_its_command(user, ns, tmp_path):
    """A real command is queued while no agent runs; its message is swapped
    for one with the same command_id attribute and a body that does not
    parse.  The agent retries it (quickly: it shortens the visibility
    timeout), reports the failure on the last attempt, and SQS moves it to the
    namespace's dead-letter queue."""
    where, params = ns
    command_id = user.post(COMMANDS, json={"type": "ping"}, **where).json()["command_id"]
    assert user.get(COMMAND, command_id=command_id, **where).json()["state"] == "queued"
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=queues.command_queue_name(params["namespace_id"]))["QueueUrl"]
    dlq = sqs.get_queue_url(QueueName=queues.command_dlq_name(params["namespace_id"]))["QueueUrl"]
    (real,) = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5)["Messages"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=real["ReceiptHandle"])
    sqs.send_message(QueueUrl=url, MessageBody="{this is not json", MessageAttributes={
        "command_id": {"DataType": "String", "StringValue": command_id}})

    with AgentProcess(params, tmp_path / "sim") as agent:
        done = wait_for(finished(user, where, command_id), 60, "the poison command to fail")
        dead = wait_for(lambda: sqs.receive_message(
            QueueUrl=dlq, WaitTimeSeconds=1, MessageAttributeNames=["All"]).get("Messages"),
            30, "the message in the dead-letter queue")
        assert "failed for good after 5 attempts" in agent.log()
    assert done["state"] == "failed"
    assert "not JSON" in done["error"] and "dead-letter queue" in done["error"]
    assert "5 attempts" in done["error"]
    assert dead[0]["Body"] == "{this is not json"
    assert dead[0]["MessageAttributes"]["command_id"]["StringValue"] == command_id


def test_configuration_changes_reach_the_operator_configuration(user, ns, tmp_path):
    """Set before the agent runs: it gets the configuration when it connects.
    Changed while it runs: a configure command rewrites the file."""
    where, params = ns
    config = tmp_path / "sim" / "operator-config.json"
    resp = user.put(CONFIG, section="ingress", **where,
                    json={"type": "ingress", "domain": "apps.example.com", "tls": True})
    assert resp.status_code == 200, resp.text
    resp = user.put(CONFIG, section="registry", **where,
                    json={"type": "generic_auth", "pull_url": "registry.example.com/apps",
                          "name": "robot", "secret": "registry-token-XYZ"})
    assert resp.status_code == 200, resp.text
    with AgentProcess(params, tmp_path / "sim"):
        wait_for(config.exists, 30, "operator-config.json after connecting")
        first = json.loads(config.read_text())
        assert first["reason"] == "agent connected"
        assert first["spec"]["ingress"] == {"type": "ingress", "domain": "apps.example.com",
                                            "tls": True, "secret_ref": None}
        assert first["spec"]["registry"]["secret_ref"]  # a reference …
        assert "registry-token-XYZ" not in config.read_text()  # … never the value

        resp = user.put(CONFIG, section="ingress", **where,
                        json={"type": "ingress", "domain": "new.example.com", "tls": False})
        assert resp.status_code == 200 and resp.json()["result"] == "updated"
        changed = wait_for(
            lambda: (doc := json.loads(config.read_text()))["spec"]["ingress"]["domain"]
            == "new.example.com" and doc, 30, "operator-config.json to change")
    assert changed["reason"] == "ingress updated" and changed["spec"]["ingress"]["tls"] is False
    assert changed["command_id"] != first["command_id"]
    configures = [c for c in user.get(COMMANDS, **where).json()["items"] if c["type"] == "configure"]
    assert len(configures) == 2 and all(c["state"] == "succeeded" for c in configures)
    assert {c["result"]["changed"] for c in configures} == {True}
