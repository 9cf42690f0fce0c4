"""The provisioning workflow on moto's Step Functions, with this test playing
the agent over the real queues (the end-to-end tests use the real agent)."""
import json
import time

import boto3
import pytest

from chalicelib import clock, models, queues, settings
from chalicelib.api import views
from chalicelib.domain import agents, clusters, environments, namespaces, plans
from chalicelib.events import envelope
from tests.agent.process import wait_for


@pytest.fixture
def ns(alice):
    cluster = clusters.create(alice, name="c", type="kubernetes", description=None, platform=None).cluster
    namespace = namespaces.create(alice, cluster.cluster_id, name="apps", installation_type="connected")[1]
    plans.upsert(alice, cluster.cluster_id, "apps", {"name": "db", "kind": "database", "type": "ephemeral"})
    plans.upsert(alice, cluster.cluster_id, "apps", {"name": "files", "kind": "storage", "type": "ephemeral"})
    return namespace


class FakeAgentSide:
    """Receives tasks from the namespace queue and answers on the events queue."""

    def __init__(self, namespace):
        self.ns = models.Namespace.get(namespace.pk, namespace.sk)
        self.sqs = boto3.client("sqs")
        self.queue = queues.url(queues.command_queue_name(self.ns.namespace_id))
        self.events = queues.url(settings.events_queue_name())

    def next_task(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.sqs.receive_message(QueueUrl=self.queue, WaitTimeSeconds=2).get("Messages", [])
            for m in got:
                self.sqs.delete_message(QueueUrl=self.queue, ReceiptHandle=m["ReceiptHandle"])
                body = json.loads(m["Body"])
                if "task_token" in body:
                    return body
        raise AssertionError("no task arrived")

    def answer(self, task, ok, error=None):
        event = {"type": "task_result", "sent_at": clock.now_iso(),
                 "task_token": task["task_token"], "environment": task["environment"], "ok": ok,
                 "result": {"step": task["step"]} if ok else None, "error": error}
        body = {"v": 1, "namespace_id": self.ns.namespace_id, "generation": 1, "event": event,
                "sig": envelope.sign(event, agents.event_key(self.ns.namespace_id, 1))}
        self.sqs.send_message(QueueUrl=self.events, MessageBody=json.dumps(body))


def env_item(ns, name):
    return models.Environment.get(models.namespace_pk(ns.namespace_id), models.environment_sk(name))


def test_fail_fail_success_becomes_ready_on_the_third_attempt(alice, ns):
    agent = FakeAgentSide(ns)
    environments.create(alice, ns.cluster_id, "apps", name="shop", app=None,
                        database_plan="db", storage_plan="files")
    for attempt in (1, 2):
        task = agent.next_task()
        assert (task["type"], task["step"], task["attempt"]) == ("provision", "database", attempt)
        agent.answer(task, ok=False, error=f"database unreachable (try {attempt})")
        wait_for(lambda attempt=attempt: env_item(ns, "shop").last_error
                 == f"database unreachable (try {attempt})", 30, "the workflow")
        details = views.environment(env_item(ns, "shop"))
        assert details["state"] == "provisioning" and details["attempt"] == attempt
    task = agent.next_task()
    assert task["attempt"] == 3 and task["plans"]["database"]["name"] == "db"
    agent.answer(task, ok=True)
    task = agent.next_task()
    assert (task["step"], task["attempt"]) == ("storage", 1)
    agent.answer(task, ok=True)
    wait_for(lambda: env_item(ns, "shop").state == "ready", 30, "the workflow")
    item = env_item(ns, "shop")
    assert item.step == "done" and item.last_error is None


def test_last_failure_ends_provisioning_failed_with_the_agents_message(alice, ns, monkeypatch):
    monkeypatch.setenv("PROVISIONING_MAX_ATTEMPTS", "2")
    agent = FakeAgentSide(ns)
    environments.create(alice, ns.cluster_id, "apps", name="web", app=None,
                        database_plan="db", storage_plan="files")
    for _ in range(2):
        agent.answer(agent.next_task(), ok=False, error="disk full on node-3")
    wait_for(lambda: env_item(ns, "web").state == "provisioning_failed", 30, "the workflow")
    details = views.environment(env_item(ns, "web"))
    assert details["last_error"] == "disk full on node-3" and details["attempt"] == 2
    # after the cause is fixed, retry-provisioning makes it ready
    environments.retry(alice, ns.cluster_id, "apps", "web")
    for _ in range(2):
        agent.answer(agent.next_task(), ok=True)
    wait_for(lambda: env_item(ns, "web").state == "ready", 30, "the workflow")


def test_delete_deprovisions_in_reverse_and_frees_the_name(alice, ns):
    agent = FakeAgentSide(ns)
    environments.create(alice, ns.cluster_id, "apps", name="tmp", app=None,
                        database_plan="db", storage_plan="files")
    for _ in range(2):
        agent.answer(agent.next_task(), ok=True)
    wait_for(lambda: env_item(ns, "tmp").state == "ready", 30, "the workflow")
    assert models.Namespace.get(ns.pk, ns.sk).environment_count == 1
    environments.delete(alice, ns.cluster_id, "apps", "tmp")
    steps = []
    for _ in range(2):
        task = agent.next_task()
        steps.append((task["type"], task["step"]))
        agent.answer(task, ok=True)
    assert steps == [("deprovision", "storage"), ("deprovision", "database")]
    wait_for(lambda: models.Namespace.get(ns.pk, ns.sk).environment_count == 0, 30, "the workflow")
    with pytest.raises(models.Environment.DoesNotExist):
        env_item(ns, "tmp")
    environments.create(alice, ns.cluster_id, "apps", name="tmp", app=None,
                        database_plan="db", storage_plan="files")


def test_a_cluster_with_environments_is_not_deleted(alice, ns):
    from chalicelib.errors import Conflict

    environments.create(alice, ns.cluster_id, "apps", name="keep", app=None,
                        database_plan="db", storage_plan="files")
    with pytest.raises(Conflict) as err:
        clusters.delete(alice, ns.cluster_id)
    assert "apps" in err.value.message
    assert models.Cluster.get(models.cluster_pk(ns.cluster_id), models.CLUSTER_SK).deleting is None
    assert models.Namespace.get(ns.pk, ns.sk).deleting is None
