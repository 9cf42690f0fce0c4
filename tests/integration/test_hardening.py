"""Issue 12 (hardening): races, forged events, stuck states, against the AWS stand-in."""
import json

import pytest

from chalicelib import clock, models
from chalicelib.domain import agents, clusters, namespaces
from chalicelib.events import agent_events, envelope


@pytest.fixture
def ns(alice):
    cluster = clusters.create(alice, name="c", type="kubernetes", description=None,
                              platform=None).cluster
    return namespaces.create(alice, cluster.cluster_id, name="team-a",
                             installation_type="connected")[1]


def signed(ns_item, event, generation=1):
    key = agents.event_key(agents.stored_secret(ns_item.namespace_id)["secret"])
    return json.dumps({"v": 1, "namespace_id": ns_item.namespace_id, "generation": generation,
                       "event": event, "sig": envelope.sign(event, key)})


def environment(ns_item, name="app1", state="provisioning"):
    env = models.Environment(
        models.namespace_pk(ns_item.namespace_id), models.environment_sk(name), name=name,
        app=name, namespace_id=ns_item.namespace_id, namespace=ns_item.name,
        cluster_id=ns_item.cluster_id, database_plan="db", storage_plan="files", state=state,
        created_at=clock.now_iso())
    env.save()
    return env


# --- item 10: a forged task result writes nothing -------------------------------------

def test_a_task_result_with_a_forged_token_writes_no_last_error(ns):
    agent_events.reset_cache()
    env = environment(ns)
    forged = {"type": "task_result", "sent_at": clock.now_iso(), "task_token": "forged-token",
              "environment": env.name, "ok": False, "error": "rm -rf told me so"}
    assert agent_events.process(signed(ns, forged)) == "duplicate"
    assert models.Environment.get(env.pk, env.sk).last_error is None
