"""The AWS stand-in's meter (devstack/meter.py): requests by service and
action, and DynamoDB write units by AWS's rules — here, what one heartbeat
costs (docs/liveness.md: 1 write unit, 3 on every second one)."""
from datetime import timedelta

import requests

from chalicelib import clock, db, models
from chalicelib.domain import clusters, liveness, namespaces


def meter(stack, reset=False):
    return requests.request("DELETE" if reset else "GET", f"{stack.aws_url}/moto-api/meter",
                            timeout=10).json()


def written(report, table):
    return {label: sum(v for k, v in units.items() if k.startswith("write:"))
            for label, units in report["dynamodb"].items() if label.startswith(table)}


def test_heartbeats_cost_one_write_unit_and_three_every_second_one(stack, private_table, alice):
    cluster = clusters.create(alice, name="c", type="kubernetes", description=None, platform=None).cluster
    n = namespaces.create(alice, cluster.cluster_id, name="team-a", installation_type="connected")[1]
    db.update_fields(models.Namespace, n.pk, n.sk, [models.Namespace.heartbeat_seconds.set(30)])
    ref = {"namespace_id": n.namespace_id, "pk": n.pk, "sk": n.sk, "heartbeat_seconds": 30}
    t0 = clock.now()
    liveness.record_heartbeat(ref, 1, t0, seq=0)  # connects

    def cost(seq, seconds):
        meter(stack, reset=True)
        assert liveness.record_heartbeat(ref, 1, t0 + timedelta(seconds=seconds), seq=seq)
        report = meter(stack)
        assert report["requests"].get("dynamodb:UpdateItem") == 1
        return written(report, private_table)

    assert cost(1, 30) == {private_table: 1, f"{private_table}/lookup": 0, f"{private_table}/due": 0}
    assert cost(2, 60) == {private_table: 1, f"{private_table}/lookup": 0, f"{private_table}/due": 2}
    assert sum(cost(3, 90).values()) + sum(cost(4, 120).values()) == 4  # 2 on average


def test_requests_are_counted_by_service_action_and_queue_kind(stack, alice):
    meter(stack, reset=True)
    cluster = clusters.create(alice, name="c", type="kubernetes", description=None, platform=None).cluster
    namespaces.create(alice, cluster.cluster_id, name="team-b", installation_type="connected")
    counts = meter(stack)["requests"]
    assert counts.get("sqs:CreateQueue:namespace-queue", 0) >= 1
    assert counts.get("sqs:CreateQueue:namespace-queue-dlq", 0) >= 1
    assert counts.get("ssm:PutParameter", 0) >= 1
    assert any(k.startswith("dynamodb:") for k in counts)
