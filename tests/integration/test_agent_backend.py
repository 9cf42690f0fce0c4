"""The backend half of the agent protocol, against the AWS stand-in."""
import json
from datetime import timedelta

import boto3
import pytest
from botocore.exceptions import ClientError

from chalicelib import clock, models, queues, settings
from chalicelib.domain import agents, clusters, commands, liveness, namespaces
from chalicelib.errors import Conflict, Unauthorized
from chalicelib.events import agent_events, envelope


@pytest.fixture
def ns(alice):
    cluster = clusters.create(alice, name="c", type="kubernetes", description=None, platform=None).cluster
    return namespaces.create(alice, cluster.cluster_id, name="team-a", installation_type="connected")[1]


def secret_of(namespace):
    return agents.stored_secret(namespace.namespace_id)["secret"]


def queue_exists(name):
    try:
        boto3.client("sqs").get_queue_url(QueueName=name)
        return True
    except boto3.client("sqs").exceptions.QueueDoesNotExist:
        return False


def test_namespace_gets_queues_and_a_hashed_secret(ns):
    assert queue_exists(queues.command_queue_name(ns.namespace_id))
    assert queue_exists(queues.command_dlq_name(ns.namespace_id))
    secret = secret_of(ns)
    assert secret.startswith("cma_") and len(secret) > 40
    item = models.Namespace.get(ns.pk, ns.sk)
    assert item.agent_secret_hash == agents.secret_hash(secret)
    raw = json.dumps(boto3.client("dynamodb").get_item(
        TableName=settings.table_name(), Key={"pk": {"S": ns.pk}, "sk": {"S": ns.sk}})["Item"])
    assert secret not in raw  # only the hash is stored
    redrive = json.loads(boto3.client("sqs").get_queue_attributes(
        QueueUrl=queues.url(queues.command_queue_name(ns.namespace_id)),
        AttributeNames=["RedrivePolicy"])["Attributes"]["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"].endswith(queues.command_dlq_name(ns.namespace_id))


def test_deleting_the_namespace_removes_queues_and_secret(alice, ns):
    namespaces.delete(alice, ns.cluster_id, "team-a")
    assert not queue_exists(queues.command_queue_name(ns.namespace_id))
    assert not queue_exists(queues.command_dlq_name(ns.namespace_id))
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        agents.stored_secret(ns.namespace_id)


def test_session_policy_is_exactly_own_queue_and_events_send(ns):
    nid = ns.namespace_id
    prefix = settings.queue_prefix()
    region, account = settings.region(), settings.account_id()
    assert agents.session_policy(nid) == {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "OwnCommandQueue", "Effect": "Allow",
             "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"],
             "Resource": f"arn:aws:sqs:{region}:{account}:{prefix}ns-{nid}"},
            {"Sid": "SharedEventsQueue", "Effect": "Allow", "Action": ["sqs:SendMessage"],
             "Resource": f"arn:aws:sqs:{region}:{account}:{settings.events_queue_name()}"},
        ],
    }


def test_session_gives_short_lived_credentials_for_the_right_secret_only(ns):
    session = agents.open_session(ns.namespace_id, secret_of(ns))
    assert session["credentials"]["access_key_id"]
    assert session["command_queue_url"].endswith(queues.command_queue_name(ns.namespace_id))
    assert session["event_signing_key"] == agents.event_key(ns.namespace_id, 1)
    for bad in ("cma_wrong", "", secret_of(ns) + "x"):
        with pytest.raises(Unauthorized):
            agents.open_session(ns.namespace_id, bad)
    with pytest.raises(Unauthorized):
        agents.open_session("0" * 26, secret_of(ns))
    with pytest.raises(Unauthorized):
        agents.open_session("../etc", secret_of(ns))


def test_rotation_revokes_the_old_secret(ns):
    old = secret_of(ns)
    new, generation = agents.rotate(models.Namespace.get(ns.pk, ns.sk))
    assert generation == 2 and new != old and secret_of(ns) == new
    with pytest.raises(Unauthorized):
        agents.open_session(ns.namespace_id, old)
    assert agents.open_session(ns.namespace_id, new)["credential_generation"] == 2
    with pytest.raises(Conflict):  # a rotation based on stale data is refused
        agents.rotate(ns)


def signed(ns_item, event, generation=1, key=None):
    key = key or agents.event_key(ns_item.namespace_id, generation)
    return json.dumps({"v": 1, "namespace_id": ns_item.namespace_id, "generation": generation,
                       "event": event, "sig": envelope.sign(event, key)})


def heartbeat():
    return {"type": "heartbeat", "sent_at": clock.now_iso(), "agent_version": "test",
            "executor": "simulate"}


def test_heartbeat_connects_sweep_disconnects_next_heartbeat_reconnects(ns):
    agent_events.reset_cache()
    assert agent_events.process(signed(ns, heartbeat())) == "heartbeat"
    item = models.Namespace.get(ns.pk, ns.sk)
    assert item.status == "connected" and item.connected_since and item.last_seen
    first_since, last_seen = item.connected_since, item.last_seen
    assert agent_events.process(signed(ns, heartbeat())) == "heartbeat"
    assert models.Namespace.get(ns.pk, ns.sk).connected_since == first_since

    later = clock.now() + timedelta(seconds=3 * item.heartbeat_seconds + 1)
    liveness.sweep(later)
    item = models.Namespace.get(ns.pk, ns.sk)
    assert item.status == "disconnected" and item.last_seen >= last_seen
    assert item.gsi2pk is None  # out of the due index until the next heartbeat

    assert agent_events.process(signed(ns, heartbeat())) == "heartbeat"
    item = models.Namespace.get(ns.pk, ns.sk)
    assert item.status == "connected" and item.connected_since > first_since


def test_sweep_reads_only_overdue_namespaces(private_table, alice):
    cluster = clusters.create(alice, name="c", type="kubernetes", description=None, platform=None).cluster
    long_ago = clock.parse_iso("2001-01-01T00:00:00.000Z")
    made = [namespaces.create(alice, cluster.cluster_id, name=f"n{i}", installation_type="connected")[1]
            for i in range(6)]
    for i, n in enumerate(made):
        ref = {"namespace_id": n.namespace_id, "pk": n.pk, "sk": n.sk, "heartbeat_seconds": 30}
        # two namespaces went silent back in 2001, the others beat just now
        liveness.record_heartbeat(ref, 1, long_ago if i < 2 else clock.now())
    report = liveness.sweep(long_ago + timedelta(minutes=5))
    assert report == {"items_read": 2, "disconnected": 2}
    assert [models.Namespace.get(n.pk, n.sk).status for n in made] == (
        ["disconnected"] * 2 + ["connected"] * 4)


def test_events_from_rotated_credentials_are_ignored(ns):
    agent_events.reset_cache()
    old_key = agents.event_key(ns.namespace_id, 1)
    agents.rotate(models.Namespace.get(ns.pk, ns.sk))
    assert agent_events.process(signed(ns, heartbeat(), 1, old_key)).startswith("ignored")
    assert models.Namespace.get(ns.pk, ns.sk).status == "waiting_for_connection"


def test_batch_reports_exactly_the_poison_messages(ns):
    agent_events.reset_cache()
    good = signed(ns, heartbeat())
    forged = signed(ns, heartbeat(), key="00" * 32)
    records = [
        {"messageId": "good", "body": good},
        {"messageId": "not-json", "body": "{nope"},
        {"messageId": "forged", "body": forged},
        {"messageId": "future", "body": signed(ns, heartbeat(), generation=9)},
        {"messageId": "unknown-type", "body": signed(ns, {"type": "dance", "sent_at": "x"})},
    ]
    event = {"Records": [{**r, "receiptHandle": r["messageId"], "attributes": {},
                          "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
                          "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:q",
                          "awsRegion": "us-east-1"} for r in records]}
    result = agent_events.handle(event, None)
    assert sorted(f["itemIdentifier"] for f in result["batchItemFailures"]) == [
        "forged", "future", "not-json", "unknown-type"]
    assert models.Namespace.get(ns.pk, ns.sk).status == "connected"


def test_command_lifecycle_is_forward_only_and_idempotent(alice, ns):
    agent_events.reset_cache()
    cmd = commands.send(alice, ns.cluster_id, "team-a", "ping", {})
    assert cmd.state == "queued"
    sqs = boto3.client("sqs")
    msg = sqs.receive_message(QueueUrl=queues.url(queues.command_queue_name(ns.namespace_id)),
                              MessageAttributeNames=["All"], WaitTimeSeconds=1)["Messages"][0]
    assert json.loads(msg["Body"])["command_id"] == cmd.command_id
    assert msg["MessageAttributes"]["command_id"]["StringValue"] == cmd.command_id

    received = {"type": "command_received", "sent_at": "t", "command_id": cmd.command_id}
    result = {"type": "command_result", "sent_at": "t", "command_id": cmd.command_id,
              "ok": True, "result": {"pong": True}, "error": None}
    assert agent_events.process(signed(ns, received)) == "delivered"
    assert agent_events.process(signed(ns, received)) == "duplicate"
    assert agent_events.process(signed(ns, result)) == "finished"
    late_failure = {**result, "ok": False, "error": "boom"}
    assert agent_events.process(signed(ns, late_failure)) == "duplicate"
    assert agent_events.process(signed(ns, received)) == "duplicate"
    final = commands.get(alice, ns.cluster_id, "team-a", cmd.command_id)
    assert final.state == "succeeded" and final.result == {"pong": True}
    assert final.gsi2pk is None


def test_unanswered_commands_fail_by_sweep(alice, ns):
    cmd = commands.send(alice, ns.cluster_id, "team-a", "ping", {})
    later = clock.now() + timedelta(seconds=settings.command_timeout_seconds() + 1)
    commands.sweep(later)
    final = commands.get(alice, ns.cluster_id, "team-a", cmd.command_id)
    assert final.state == "failed" and "no result from the agent" in final.error


def test_standalone_namespaces_get_no_commands(alice):
    cluster = clusters.create(alice, name="c", type="kubernetes", description=None, platform=None).cluster
    namespaces.create(alice, cluster.cluster_id, name="solo", installation_type="standalone")[1]
    with pytest.raises(Conflict) as err:
        commands.send(alice, cluster.cluster_id, "solo", "ping", {})
    assert "standalone" in err.value.message
