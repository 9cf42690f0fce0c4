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
    key = agents.event_key(ns_item.namespace_id, generation)
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
    for states in workflows.STATES.values():
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


# --- item 4: deletes racing with creates; a missing parent is "gone", never a 500 -----

def _queue_exists(namespace_id):
    import boto3

    from chalicelib import queues

    try:
        boto3.client("sqs").get_queue_url(QueueName=queues.command_queue_name(namespace_id))
        return True
    except boto3.client("sqs").exceptions.QueueDoesNotExist:
        return False


def test_a_namespace_added_while_the_cluster_is_deleted_goes_with_it(alice, monkeypatch):
    """The delete read the cluster, then a namespace was added, then the delete went on:
    the late namespace used to survive (with its queues and secret)."""
    from chalicelib.domain import access

    cluster = clusters.create(alice, name="c", type="kubernetes", description=None,
                              platform=None).cluster
    late = {}
    real = access.authorize

    def authorize_then_someone_adds_a_namespace(*args, **kwargs):
        grant = real(*args, **kwargs)
        if kwargs.get("resume_delete") and not late:
            late["ns"] = namespaces.create(alice, cluster.cluster_id, name="late",
                                           installation_type="connected")[1]
        return grant

    monkeypatch.setattr(clusters, "authorize", authorize_then_someone_adds_a_namespace)
    clusters.delete(alice, cluster.cluster_id)
    assert list(models.Item.query(models.cluster_pk(cluster.cluster_id))) == []
    assert list(models.Item.query(models.namespace_pk(late["ns"].namespace_id))) == []
    assert not _queue_exists(late["ns"].namespace_id)


def test_an_environment_created_during_the_delete_stops_an_unconfirmed_delete(alice, apps,
                                                                              monkeypatch):
    from chalicelib.domain import access
    from chalicelib.errors import Conflict

    real = access.authorize

    def authorize_then_someone_adds_an_environment(*args, **kwargs):
        grant = real(*args, **kwargs)
        if kwargs.get("resume_delete"):
            environment(apps, "sneaky", state="ready")
            models.Namespace(apps.pk, apps.sk).update(
                actions=[models.Namespace.environment_count.add(1)], add_version_condition=False)
        return grant

    monkeypatch.setattr(clusters, "authorize", authorize_then_someone_adds_an_environment)
    with pytest.raises(Conflict) as err:
        clusters.delete(alice, apps.cluster_id)
    assert "sneaky" in err.value.message and "confirm=true" in err.value.message
    assert models.Cluster.get(models.cluster_pk(apps.cluster_id), "CLUSTER").deleting is None
    assert models.Namespace.get(apps.pk, apps.sk).deleting is None
    assert models.Environment.get(models.namespace_pk(apps.namespace_id),
                                  models.environment_sk("sneaky")).state == "ready"


def test_an_agent_whose_cluster_is_gone_is_refused_not_a_500(ns):
    from chalicelib.errors import Unauthorized

    secret = agents.stored_secret(ns.namespace_id)["secret"]
    models.Cluster(models.cluster_pk(ns.cluster_id), models.CLUSTER_SK).delete(
        add_version_condition=False)
    with pytest.raises(Unauthorized):
        agents.open_session(ns.namespace_id, secret)


# --- item 18: removing from the manager leaves the platform alone --------------------

def test_a_cluster_with_environments_goes_only_when_confirmed_and_says_what_stays(alice, apps):
    from chalicelib.errors import Conflict

    environment(apps, "shop", state="ready")
    models.Namespace(apps.pk, apps.sk).update(
        actions=[models.Namespace.environment_count.add(1)], add_version_condition=False)
    with pytest.raises(Conflict) as err:
        clusters.delete(alice, apps.cluster_id)
    assert "confirm=true" in err.value.message and "shop" in err.value.message
    left = clusters.delete(alice, apps.cluster_id, confirm=True)
    assert left == {"namespaces": ["apps"], "environments": [{"namespace": "apps",
                                                             "name": "shop"}]}
    assert list(models.Item.query(models.cluster_pk(apps.cluster_id))) == []
    assert list(models.Item.query(models.namespace_pk(apps.namespace_id))) == []


# --- item 9: rotation takes effect within a heartbeat; no event key at rest ------------

def test_the_table_holds_nothing_an_event_can_be_signed_with(ns):
    import boto3

    from chalicelib import settings

    session = agents.open_session(ns.namespace_id, agents.stored_secret(ns.namespace_id)["secret"])
    raw = json.dumps(boto3.client("dynamodb").get_item(
        TableName=settings.table_name(), Key={"pk": {"S": ns.pk}, "sk": {"S": ns.sk}})["Item"])
    assert session["event_signing_key"] not in raw and "event_key" not in raw
    agent_events.reset_cache()
    beat = {"type": "heartbeat", "sent_at": clock.now_iso(), "agent_version": "t",
            "executor": "simulate"}
    body = {"v": 1, "namespace_id": ns.namespace_id, "generation": 1, "event": beat,
            "sig": envelope.sign(beat, session["event_signing_key"])}
    assert agent_events.process(json.dumps(body)) == "heartbeat"


def test_rotation_locks_the_old_sessions_out_of_the_command_queue(ns):
    """AWS credentials of the rotated-away generation keep no access to the command
    queue: the queue's policy denies every agent session but the current generation's
    (effective as the policy propagates: seconds, within one heartbeat)."""
    import boto3

    from chalicelib import queues, settings

    def policy():
        attrs = boto3.client("sqs").get_queue_attributes(
            QueueUrl=queues.url(queues.command_queue_name(ns.namespace_id)),
            AttributeNames=["Policy"])["Attributes"]
        return json.loads(attrs["Policy"])

    def denied_unless(statement):
        return statement["Condition"]["StringNotLike"]["aws:userid"]

    (deny,) = policy()["Statement"]
    assert deny["Effect"] == "Deny" and deny["Principal"] == {"AWS": "*"}
    assert deny["Condition"]["ArnLike"]["aws:PrincipalArn"] == settings.agent_role_arn()
    assert denied_unless(deny) == f"*:{agents.session_name(ns.namespace_id, 1)}"
    agents.rotate(models.Namespace.get(ns.pk, ns.sk))
    (deny,) = policy()["Statement"]
    assert denied_unless(deny) == f"*:{agents.session_name(ns.namespace_id, 2)}"
    session = agents.open_session(ns.namespace_id, agents.stored_secret(ns.namespace_id)["secret"])
    assert session["credential_generation"] == 2
    assert session["event_signing_key"] == agents.event_key(ns.namespace_id, 2)
    assert agents.event_key(ns.namespace_id, 1) != agents.event_key(ns.namespace_id, 2)


# --- item 5: commands carry their deadline; sweep and agent agree ---------------------

def test_a_command_carries_its_deadline_and_an_expired_report_fails_it(alice, ns):
    import boto3

    from chalicelib import queues
    from chalicelib.domain import commands

    agent_events.reset_cache()
    cmd = commands.send(alice, ns.cluster_id, "team-a", "ping", {})
    msg = boto3.client("sqs").receive_message(
        QueueUrl=queues.url(queues.command_queue_name(ns.namespace_id)),
        WaitTimeSeconds=1)["Messages"][0]
    body = json.loads(msg["Body"])
    assert body["deadline"] == cmd.gsi2sk  # the sweep's deadline, exactly
    report = {"type": "command_result", "sent_at": clock.now_iso(), "command_id": cmd.command_id,
              "ok": False, "result": {"expired": True, "deadline": body["deadline"]},
              "error": f"expired: not run, its deadline {body['deadline']} passed"}
    assert agent_events.process(signed(ns, report)) == "finished"
    final = commands.get(alice, ns.cluster_id, "team-a", cmd.command_id)
    assert final.state == "failed" and final.error.startswith("expired")


def test_the_sweep_says_a_timed_out_command_will_not_run(alice, ns):
    from datetime import timedelta

    from chalicelib import settings
    from chalicelib.domain import commands

    cmd = commands.send(alice, ns.cluster_id, "team-a", "ping", {})
    commands.sweep(clock.now() + timedelta(seconds=settings.command_timeout_seconds() + 1))
    final = commands.get(alice, ns.cluster_id, "team-a", cmd.command_id)
    assert final.state == "failed" and "will not run" in final.error


def test_an_invitation_racing_the_namespace_delete_leaves_nothing(alice, ns, monkeypatch):
    """Same class as item 4: a write under a namespace checks the namespace is still there."""
    from chalicelib import mail
    from chalicelib.domain import members
    from chalicelib.errors import ApiError

    def delete_the_namespace_meanwhile(*args, **kwargs):
        namespaces.delete(alice, ns.cluster_id, "team-a")
        return "sent"

    monkeypatch.setattr(mail, "send", delete_the_namespace_meanwhile)
    with pytest.raises(ApiError) as err:
        members.invite(alice, ns.cluster_id, "team-a", email="late@example.com",
                       role="developer", rights=None, base_url="http://api.example.com")
    assert err.value.status in (404, 409)
    assert list(models.Item.query(models.namespace_pk(ns.namespace_id))) == []


def test_a_provisioning_task_says_when_its_attempt_times_out(alice, apps):
    """The agent refuses a task delivered after its attempt timed out (same class as
    item 5); the workflow's message gives it what it needs to know."""
    import time

    import boto3

    from chalicelib import queues, settings
    from chalicelib.domain import environments

    environments.create(alice, apps.cluster_id, "apps", name="timed", app=None,
                        database_plan="db", storage_plan="files")
    sqs, task = boto3.client("sqs"), None
    deadline = time.monotonic() + 30
    while task is None and time.monotonic() < deadline:
        for m in sqs.receive_message(QueueUrl=queues.url(queues.command_queue_name(
                apps.namespace_id)), WaitTimeSeconds=2).get("Messages", []):
            body = json.loads(m["Body"])
            if "task_token" in body:
                task = body
    assert task is not None, "no task arrived"
    assert task["timeout_seconds"] == settings.provisioning_retry()["attempt_timeout_seconds"]
    from agent.commands import _parse_time  # what the agent makes of it (AWS: …000Z)

    issued = _parse_time(task["issued_at"])
    assert issued is not None and issued <= clock.now()



def _write_plan(alice, ns):
    from chalicelib.domain import plans

    plans.upsert(alice, ns.cluster_id, "team-a", {"name": "pg", "kind": "database", "type": "ephemeral"})


def _write_section(alice, ns):
    from chalicelib.domain import configuration

    configuration.put_section(alice, ns.cluster_id, "team-a", "ingress",
                              {"type": "ingress", "domain": "apps.example.com", "tls": True})


def _write_operate(alice, ns):
    from chalicelib.domain import operate

    operate.put(alice, ns.cluster_id, "team-a", {"logs": "https://logs.example.com/team-a"})


def _write_command(alice, ns):
    from chalicelib.domain import commands

    commands.issue(ns, "ping", {}, requested_by=alice.email)  # ns: as read before the delete


@pytest.mark.parametrize("how", ["deleted", "marked"])
@pytest.mark.parametrize("write, reader", [(_write_plan, "plans"), (_write_section, "configuration"),
                                           (_write_operate, "operate"), (_write_command, None)],
                         ids=["plan", "section", "operate", "command"])
def test_a_write_racing_the_namespace_delete_leaves_nothing_under_it(alice, ns, write, reader, how,
                                                                      monkeypatch):
    """The class of the invitation race above: every write under a namespace
    checks that the namespace is still there.  The delete lands after the
    write has read the namespace, before it writes: whole ("deleted"), or only
    its first step ("marked": the purge, which reads what is under the
    namespace, comes after the write)."""
    import importlib

    from chalicelib.errors import ApiError

    def race():
        if how == "deleted":
            namespaces.delete(alice, ns.cluster_id, "team-a")
        else:
            assert namespaces.mark_deleting(ns, allow_environments=True)

    if reader is None:
        race()
    else:
        module = importlib.import_module(f"chalicelib.domain.{reader}")
        real = module.authorize

        def authorize_then_race(*args, **kwargs):
            grant = real(*args, **kwargs)
            race()
            return grant

        monkeypatch.setattr(module, "authorize", authorize_then_race)
    with pytest.raises(ApiError) as err:
        write(alice, ns)
    assert err.value.status == 404 and err.value.code == "namespace_not_found", err.value
    left = [item.sk for item in models.Item.query(models.namespace_pk(ns.namespace_id))]
    assert left == [], left
