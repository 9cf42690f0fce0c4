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
    """An environment item as a workflow left it (no workflow running)."""
    env = models.Environment(
        models.namespace_pk(ns_item.namespace_id), models.environment_sk(name), name=name,
        app=name, namespace_id=ns_item.namespace_id, namespace=ns_item.name,
        cluster_id=ns_item.cluster_id, database_plan="db", storage_plan="files", state=state,
        created_at=clock.now_iso(), attempt=5, max_attempts=5)
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


# --- item 2: execution names, and no state is a dead end -----------------------------

@pytest.fixture
def apps(alice):
    from chalicelib.domain import plans

    cluster = clusters.create(alice, name="c", type="kubernetes", description=None,
                              platform=None).cluster
    namespace = namespaces.create(alice, cluster.cluster_id, name="apps",
                                  installation_type="connected")[1]
    for plan in ({"name": "db", "kind": "database", "type": "ephemeral"},
                 {"name": "files", "kind": "storage", "type": "ephemeral"}):
        plans.upsert(alice, cluster.cluster_id, "apps", plan)
    return namespace


def test_longest_names_with_a_shared_prefix_all_provision_and_deprovision(alice, apps):
    """Execution names used to be cut to 80 characters, dropping the attempt id:
    the second start with the same long prefix failed with ExecutionAlreadyExists."""
    from chalicelib.domain import environments

    names = ["a" * 62 + "1", "a" * 62 + "2"]
    arns = set()
    for name in names:
        env = environments.create(alice, apps.cluster_id, "apps", name=name, app=None,
                                  database_plan="db", storage_plan="files")
        assert env.state == "provisioning" and env.execution_arn, env.last_error
        arns.add(env.execution_arn)
    for name in ("b" * 62 + "1", "b" * 62 + "2"):  # and deleting long-named ones works
        environment(apps, name, state="ready")
        env = environments.delete(alice, apps.cluster_id, "apps", name)
        assert env.state == "deprovisioning" and env.execution_arn not in arns, env.last_error
        arns.add(env.execution_arn)
    assert len(arns) == 4


def test_no_failed_state_is_a_dead_end(alice, apps):
    """From every state a workflow can leave an environment in on failure, an API
    action moves it on (and the namespace and cluster can then be deleted)."""
    from chalicelib import workflows
    from chalicelib.domain import environments

    moves = {"retry": environments.retry, "delete": environments.delete}
    walked = []
    for operation, states in workflows.STATES.items():
        failed = states["failed_state"]
        for action, move in moves.items():
            name = f"{failed.replace('_', '-')}-{action}"
            environment(apps, name, state=failed)
            env = move(alice, apps.cluster_id, "apps", name)
            assert env.state in ("provisioning", "deprovisioning"), (failed, action, env.state)
            assert env.execution_arn, env.last_error
            walked.append((failed, action, env.state))
    assert {(f, a) for f, a, _ in walked} == {
        (s["failed_state"], a) for s in workflows.STATES.values() for a in moves}


def test_an_expired_invitation_is_no_dead_end_either(alice, ns):
    from chalicelib.domain import members

    email = f"late-{clock.new_id()}@example.com"
    members.invite(alice, ns.cluster_id, "team-a", email=email, role="developer", rights=None,
                   base_url="http://api.example.com")
    M = models.Member
    M(models.namespace_pk(ns.namespace_id),
      models.member_sk(email)).update(actions=[M.status.set("expired")],
                                      add_version_condition=False)
    member, refreshed = members.invite(alice, ns.cluster_id, "team-a", email=email,
                                       role="developer", rights=None,
                                       base_url="http://api.example.com")
    assert refreshed and member.status == "pending"
