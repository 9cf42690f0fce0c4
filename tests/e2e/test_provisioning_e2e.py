"""Provisioning that really provisions, end to end: the API, the workflow
(moto's Step Functions), the real agent process (simulate executor: the
namespace is a folder) and real servers — a throwaway PostgreSQL server and
moto's S3 and IAM for S3 plans.  The agent reads plan secrets through
``POST /agent/secrets`` with its namespace's own credentials."""
import json
import uuid

import boto3
import botocore.exceptions
import psycopg
import pytest
import requests

from chalicelib import models
from tests.agent.process import AgentProcess, installation_parameters, wait_for
from tests.e2e.helpers import ONE, add_namespace
from tests.e2e.test_environments_e2e import ENV, ENVS, PLANS, details, watch


def namespace(user, cluster, name=None):
    name = name or f"prov-{uuid.uuid4().hex[:8]}"
    add_namespace(user, cluster["cluster_id"], name)
    return {"cluster_id": cluster["cluster_id"], "namespace": name}


def plan(user, where, body):
    resp = user.post(PLANS, json=body, **where)
    assert resp.status_code in (200, 201), resp.text
    return resp.json()


def pg_plan_body(postgres, password):
    return {"name": "pg", "kind": "database", "type": "postgres", "host": "127.0.0.1",
            "port": postgres.port, "database": "postgres", "user": "postgres",
            "password": password}


def secret_ref(params, plan_name):
    return models.Plan.get(models.namespace_pk(params["namespace_id"]),
                           models.plan_sk(plan_name)).secret_ref


def test_an_agent_reads_its_own_namespaces_secrets_and_no_others(stack, user, cluster):
    a, b = namespace(user, cluster), namespace(user, cluster)
    for where, password in ((a, "secret-of-A-123"), (b, "secret-of-B-456")):
        plan(user, where, {"name": "pg", "kind": "database", "type": "postgres",
                           "host": "db.example.com", "port": 5432, "database": "apps",
                           "user": "mx", "password": password})
    pa, pb = installation_parameters(user, a), installation_parameters(user, b)
    url = stack.api_url + "/agent/secrets"

    def ask(params, ref, secret=None):
        return requests.post(url, json={"namespace_id": params["namespace_id"],
                                        "secret": secret or params["agent_secret"],
                                        "secret_ref": ref}, timeout=30)

    mine = ask(pa, secret_ref(pa, "pg"))
    assert mine.status_code == 200, mine.text
    assert mine.json()["values"] == {"password": "secret-of-A-123"}
    theirs = ask(pa, secret_ref(pb, "pg"))
    assert theirs.status_code == 404 and theirs.json()["error"] == "secret_not_found"
    assert "secret-of-B" not in theirs.text
    agent_secret = ask(pa, f"{secret_ref(pa, 'pg').rsplit('/', 2)[0]}/agent")
    assert agent_secret.status_code == 404  # only plan and configuration secrets
    wrong = ask(pa, secret_ref(pa, "pg"), secret="cma_wrong")
    assert wrong.status_code == 401 and "secret-of-A" not in wrong.text
    assert ask(pb, secret_ref(pb, "pg")).json()["values"] == {"password": "secret-of-B-456"}

    # a task issued before the plan was rewritten: its reference is gone, the
    # same plan's current one answers (and never another plan's or namespace's)
    before = secret_ref(pa, "pg")
    plan(user, a, {"name": "pg", "kind": "database", "type": "postgres", "host": "db.example.com",
                   "port": 5432, "database": "apps", "user": "mx", "password": "rotated-A-789"})
    stale = ask(pa, before)
    assert stale.status_code == 200, stale.text
    assert stale.json() == {"secret_ref": secret_ref(pa, "pg"),
                            "values": {"password": "rotated-A-789"}}
    assert ask(pb, before).status_code == 404  # not B's, stale or not
    assert ask(pa, before.rsplit("/", 1)[0]).status_code == 404  # not a per-write reference
    assert ask(pa, before.replace("/pg/", "/other/")).status_code == 404  # no such plan


@pytest.fixture
def agent(user, cluster, stack, tmp_path):
    """A namespace and its running agent (with moto standing in for S3 plans' AWS)."""
    where = namespace(user, cluster)
    directory = tmp_path / "sim"
    env = {"AWS_ENDPOINT_URL_S3": stack.aws_url, "AWS_ENDPOINT_URL_IAM": stack.aws_url}
    with AgentProcess(installation_parameters(user, where), directory, env=env) as proc:
        wait_for(lambda: user.get(ONE, **where).json()["status"] == "connected", 30,
                 "the agent to connect")
        proc.where, proc.dir = where, directory
        yield proc


def connection(agent, env, step):
    return json.loads((agent.dir / "environments" / env / f"{step}.connection.json").read_text())


def pg_state(postgres, name):
    with psycopg.connect(postgres.url, autocommit=True) as conn:
        return (conn.execute("SELECT count(*) FROM pg_database WHERE datname = %s",
                             (name,)).fetchone()[0],
                conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s",
                             (name,)).fetchone()[0])


def test_wrong_password_fails_then_fixed_plan_and_retry_give_a_working_database(
        user, agent, postgres, stack):
    where = agent.where
    plan(user, where, pg_plan_body(postgres, "not-the-password"))
    plan(user, where, {"name": "files", "kind": "storage", "type": "ephemeral"})
    resp = user.post(ENVS, json={"name": "shop", "database_plan": "pg", "storage_plan": "files"},
                     **where)
    assert resp.status_code == 201, resp.text
    seen = watch(user, where, "shop", ("ready", "provisioning_failed"), 90)
    failed = seen[-1]
    assert failed["state"] == "provisioning_failed", failed
    assert 'password authentication failed for user "postgres"' in failed["last_error"]
    assert failed["attempt"] == failed["max_attempts"]
    assert any(s["state"] == "provisioning" and s["last_error"] for s in seen)  # retries shown

    assert plan(user, where, pg_plan_body(postgres, postgres.password))["result"] == "updated"
    again = user.post(ENV + "/retry-provisioning", env="shop", **where)
    assert again.status_code == 202, again.text
    ready = watch(user, where, "shop", ("ready", "provisioning_failed"), 60)[-1]
    assert ready["state"] == "ready" and ready["last_error"] is None, ready

    db = connection(agent, "shop", "database")
    assert ready["provisioned"]["database"]["database"] == db["database"]
    assert ready["provisioned"]["database"]["details_in"] == "environments/shop/database.connection.json"
    assert db["password"] not in json.dumps(ready)
    with psycopg.connect(host=db["host"], port=db["port"], dbname=db["database"],
                         user=db["user"], password=db["password"], autocommit=True) as app:
        app.execute("CREATE TABLE visits (n int)")
        app.execute("INSERT INTO visits VALUES (42)")
        assert app.execute("SELECT n FROM visits").fetchone() == (42,)
    assert pg_state(postgres, db["database"]) == (1, 1)

    gone = user.delete(ENV, env="shop", **where)
    assert gone.status_code == 202
    wait_for(lambda: details(user, where, "shop") is None, 60, "the environment to be removed")
    assert pg_state(postgres, db["database"]) == (0, 0)
    # secret values travel neither in the agent's log nor in the stack's logs
    logs = agent.log() + "".join(p.read_text(errors="replace")
                                 for p in (stack.state_dir / "logs").glob("*.log"))
    assert postgres.password not in logs and db["password"] not in logs


def test_two_environments_at_once_with_postgres_and_s3_get_their_own(user, agent, postgres):
    where = agent.where
    plan(user, where, pg_plan_body(postgres, postgres.password))
    plan(user, where, {"name": "files", "kind": "storage", "type": "s3", "region": "us-east-1",
                       "access_key": "AKIAPLATFORMTEAM0001", "secret_key": "s3-plan-secret"})
    names = ("twin-a", "twin-b")
    for name in names:
        resp = user.post(ENVS, json={"name": name, "database_plan": "pg",
                                     "storage_plan": "files"}, **where)
        assert resp.status_code == 201, resp.text
    for name in names:
        final = watch(user, where, name, ("ready", "provisioning_failed"), 60)[-1]
        assert final["state"] == "ready", final
    dbs = [connection(agent, n, "database") for n in names]
    buckets = [connection(agent, n, "storage") for n in names]
    assert dbs[0]["database"] != dbs[1]["database"] and dbs[0]["user"] != dbs[1]["user"]
    assert buckets[0]["bucket"] != buckets[1]["bucket"]
    iam = boto3.client("iam")
    for bucket in buckets:
        assert iam.get_user(UserName=bucket["bucket"])["User"]["UserName"] == bucket["bucket"]
        s3 = boto3.client("s3", aws_access_key_id=bucket["access_key_id"],
                          aws_secret_access_key=bucket["secret_access_key"])
        s3.put_object(Bucket=bucket["bucket"], Key="k", Body=b"v")
        assert s3.get_object(Bucket=bucket["bucket"], Key="k")["Body"].read() == b"v"
    for name in names:
        assert user.delete(ENV, env=name, **where).status_code == 202
    for name in names:
        wait_for(lambda name=name: details(user, where, name) is None, 60,
                 f"{name} to be removed")
    for db, bucket in zip(dbs, buckets, strict=True):
        assert pg_state(postgres, db["database"]) == (0, 0)
        with pytest.raises(botocore.exceptions.ClientError, match="NoSuchEntity"):
            iam.get_user(UserName=bucket["bucket"])
        assert bucket["bucket"] not in [b["Name"] for b in
                                        boto3.client("s3").list_buckets()["Buckets"]]


def test_a_standalone_namespaces_installation_script_installs_no_agent(user, cluster):
    where = {"cluster_id": cluster["cluster_id"], "namespace": f"alone-{uuid.uuid4().hex[:6]}"}
    add_namespace(user, cluster["cluster_id"], where["namespace"], "standalone")
    resp = user.get(ONE + "/installation", **where)
    assert resp.status_code == 200, resp.text
    script = resp.json()["installation_script"]
    assert "INSTALL_AGENT=no" in script and "is standalone" in script
    assert resp.json()["parameters"]["agent_secret"] not in script
    assert "CM_AGENT_SECRET" not in script


def test_an_s3_plan_that_prevents_data_deletion_keeps_the_bucket(user, agent):
    where = agent.where
    plan(user, where, {"name": "db", "kind": "database", "type": "ephemeral"})
    plan(user, where, {"name": "keep", "kind": "storage", "type": "s3", "region": "us-east-1",
                       "access_key": "AKIAPLATFORMTEAM0002", "secret_key": "s3-plan-secret",
                       "prevent_data_deletion": True})
    resp = user.post(ENVS, json={"name": "vault", "database_plan": "db", "storage_plan": "keep"},
                     **where)
    assert resp.status_code == 201, resp.text
    ready = watch(user, where, "vault", ("ready", "provisioning_failed"), 60)[-1]
    assert ready["state"] == "ready", ready
    assert ready["provisioned"]["database"]["plan_type"] == "ephemeral"
    bucket = connection(agent, "vault", "storage")
    s3 = boto3.client("s3")
    s3.put_object(Bucket=bucket["bucket"], Key="ledger.csv", Body=b"1,2,3")
    assert user.delete(ENV, env="vault", **where).status_code == 202
    wait_for(lambda: details(user, where, "vault") is None, 60, "the environment to be removed")
    assert s3.get_object(Bucket=bucket["bucket"], Key="ledger.csv")["Body"].read() == b"1,2,3"
    with pytest.raises(botocore.exceptions.ClientError, match="NoSuchEntity"):
        boto3.client("iam").get_user(UserName=bucket["bucket"])


def test_a_stopped_database_server_is_retried_with_backoff_until_it_is_back(
        user, agent, postgres):
    where = agent.where
    plan(user, where, pg_plan_body(postgres, postgres.password))
    plan(user, where, {"name": "files", "kind": "storage", "type": "ephemeral"})
    postgres.stop()
    try:
        resp = user.post(ENVS, json={"name": "patient", "database_plan": "pg",
                                     "storage_plan": "files"}, **where)
        assert resp.status_code == 201, resp.text
        down = wait_for(lambda: (lambda d: d if d and d["last_error"] else None)(
            details(user, where, "patient")), 30, "a failed attempt")
        assert "could not connect to PostgreSQL" in down["last_error"]
        assert down["state"] == "provisioning"  # retried, not given up
    finally:
        postgres.start()
    final = watch(user, where, "patient", ("ready", "provisioning_failed"), 60)[-1]
    assert final["state"] == "ready", final
    record = json.loads((agent.dir / "environments" / "patient" / "database.json").read_text())
    assert record["attempt"] >= 2  # provisioned by a retry, with no manual step
