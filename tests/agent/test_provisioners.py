"""The provisioners against real servers: a throwaway PostgreSQL server, and
moto's S3 and IAM (the local stack's; one with IAM enforcement on for the
"only its own bucket" check).  Each runs through an executor, as the agent
does, so what lands in the namespace is checked too."""
import json
import os
import stat
import subprocess
import sys
import threading
import uuid

import boto3
import botocore.exceptions
import psycopg
import pytest

from agent.commands import Task
from agent.executors import KubectlExecutor, SimulateExecutor
from agent.provisioners import Names
from agent.session import Target
from tests.agent.test_configure import kube  # noqa: F401  (the fake kubectl fixture)

NAMESPACE_ID = "01jabcdefghjkmnpqrstvwxyz0"
TARGET = Target("team-a", "kubernetes", NAMESPACE_ID)


class Secrets:
    """Stands in for the API's /agent/secrets (tested against the real API in
    tests/e2e/test_provisioning_e2e.py): reference → values."""

    def __init__(self, values: dict):
        self.values = values

    def read(self, ref):
        return self.values[ref]


def executor_for(tmp_path, secrets: dict, kind=SimulateExecutor):
    executor = kind(tmp_path) if kind is SimulateExecutor else kind()
    executor.secrets = Secrets(secrets)
    return executor


def task(operation, step, env, plan, attempt=1):
    return Task(f"tok-{uuid.uuid4().hex}", operation, step, env, attempt, {step: plan})


def connection(tmp_path, env, step="database") -> dict:
    path = tmp_path / "environments" / env / f"{step}.connection.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    return json.loads(path.read_text())


# --- postgres ---------------------------------------------------------------------------

def pg_plan(server, password_ref="pg-ref", **overrides):
    return {"name": "pg", "type": "postgres", "host": "127.0.0.1", "port": server.port,
            "database": "postgres", "user": "postgres", "secret_ref": password_ref, **overrides}


def admin(server):
    return psycopg.connect(server.url, autocommit=True)


def exists(server, name) -> tuple[bool, bool]:
    with admin(server) as conn:
        db = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        role = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
    return db is not None, role is not None


def test_postgres_database_and_role_per_environment_idempotent_both_ways(postgres, tmp_path):
    executor = executor_for(tmp_path, {"pg-ref": {"password": postgres.password}})
    plan = pg_plan(postgres)
    done = executor.run_task(task("provision", "database", "shop", plan), TARGET)
    assert done.ok, done.error
    details = connection(tmp_path, "shop")
    name = Names("team-a", NAMESPACE_ID, "shop").database
    assert details["database"] == details["user"] == name and details["port"] == postgres.port
    assert done.result["database"] == name and done.result["created"] == {"role": True,
                                                                         "database": True}
    assert details["password"] not in json.dumps(done.result)  # never back to the backend
    with psycopg.connect(host="127.0.0.1", port=details["port"], dbname=details["database"],
                         user=details["user"], password=details["password"],
                         autocommit=True) as app:
        app.execute("CREATE TABLE orders (id int PRIMARY KEY, item text)")
        app.execute("INSERT INTO orders VALUES (1, 'tea')")
        assert app.execute("SELECT item FROM orders").fetchone() == ("tea",)
    with admin(postgres) as conn:
        role = conn.execute("SELECT rolcanlogin, rolcreatedb, rolcreaterole, rolsuper "
                            "FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
        assert role == (True, False, False, False)
        owner, public = conn.execute(
            "SELECT pg_get_userbyid(datdba), has_database_privilege('public', datname, 'CONNECT')"
            " FROM pg_database WHERE datname = %s", (name,)).fetchone()
        assert owner == name and public is False
    # another environment's role may not even connect
    other = executor.run_task(task("provision", "database", "other", plan), TARGET)
    theirs = connection(tmp_path, "other")
    with pytest.raises(psycopg.OperationalError, match="permission denied"):
        psycopg.connect(host="127.0.0.1", port=postgres.port, dbname=name,
                        user=theirs["user"], password=theirs["password"]).close()
    assert other.ok

    again = executor.run_task(task("provision", "database", "shop", plan, 2), TARGET)
    assert again.ok and again.result["created"] == {"role": False, "database": False}
    assert connection(tmp_path, "shop") == details  # a second run changes nothing

    # deprovision while the app is still connected: its session is terminated first
    app = psycopg.connect(host="127.0.0.1", port=postgres.port, dbname=name,
                          user=details["user"], password=details["password"])
    gone = executor.run_task(task("deprovision", "database", "shop", plan), TARGET)
    assert gone.ok, gone.error
    assert gone.result["dropped"] == {"database": True, "role": True}
    assert exists(postgres, name) == (False, False)
    assert not (tmp_path / "environments" / "shop").exists()
    app.close()
    absent = executor.run_task(task("deprovision", "database", "shop", plan), TARGET)
    assert absent.ok and absent.result["removed"] is False


def test_postgres_rerun_after_a_crash_half_way_finishes_the_job(postgres, tmp_path):
    name = Names("team-a", NAMESPACE_ID, "crashy").database
    with admin(postgres) as conn:  # the role was created, then the agent died
        conn.execute(f'CREATE ROLE "{name}" LOGIN PASSWORD \'lost-forever\'')
    executor = executor_for(tmp_path, {"pg-ref": {"password": postgres.password}})
    done = executor.run_task(task("provision", "database", "crashy", pg_plan(postgres)), TARGET)
    assert done.ok and done.result["created"] == {"role": False, "database": True}
    details = connection(tmp_path, "crashy")
    psycopg.connect(host="127.0.0.1", port=postgres.port, dbname=name, user=name,
                    password=details["password"]).close()  # a fresh password that works
    with admin(postgres) as conn:  # deprovisioning died after dropping the database
        conn.execute(f'DROP DATABASE "{name}"')
    gone = executor.run_task(task("deprovision", "database", "crashy", pg_plan(postgres)), TARGET)
    assert gone.ok and gone.result["dropped"] == {"database": False, "role": True}
    assert exists(postgres, name) == (False, False)


@pytest.mark.parametrize("plan_change,secret,words", [
    ({}, {"password": "wrong"}, 'password authentication failed for user "postgres"'),
    ({"port": 1}, None, "could not connect to PostgreSQL at 127.0.0.1:1"),
    ({"user": 'x"; DROP DATABASE postgres; --'}, None, "password authentication failed"),
])
def test_postgres_failures_carry_the_servers_words(postgres, tmp_path, plan_change, secret, words):
    executor = executor_for(tmp_path, {"pg-ref": secret or {"password": postgres.password}})
    outcome = executor.run_task(task("provision", "database", "bad",
                                     pg_plan(postgres, **plan_change)), TARGET)
    assert not outcome.ok and words in outcome.error, outcome.error
    assert postgres.password not in outcome.error
    assert not (tmp_path / "environments" / "bad").exists()
    assert exists(postgres, "postgres") == (True, True)  # nothing was injected


def test_postgres_database_owned_by_someone_else_is_refused_and_never_dropped(postgres, tmp_path):
    name = Names("team-a", NAMESPACE_ID, "taken").database
    with admin(postgres) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # owned by postgres, not the env's role
    executor = executor_for(tmp_path, {"pg-ref": {"password": postgres.password}})
    outcome = executor.run_task(task("provision", "database", "taken", pg_plan(postgres)), TARGET)
    assert not outcome.ok
    assert f"database '{name}' already exists" in outcome.error and "'postgres'" in outcome.error
    gone = executor.run_task(task("deprovision", "database", "taken", pg_plan(postgres)), TARGET)
    assert gone.ok and "left in place" in gone.result["note"]
    assert exists(postgres, name)[0]
    with admin(postgres) as conn:
        conn.execute(f'DROP DATABASE "{name}"')


def test_postgres_two_environments_at_the_same_moment_get_their_own(postgres, tmp_path):
    executor = executor_for(tmp_path, {"pg-ref": {"password": postgres.password}})
    outcomes = {}

    def go(env):
        outcomes[env] = executor.run_task(task("provision", "database", env,
                                               pg_plan(postgres)), TARGET)

    threads = [threading.Thread(target=go, args=(env,)) for env in ("twin-a", "twin-b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(o.ok for o in outcomes.values()), outcomes
    a, b = connection(tmp_path, "twin-a"), connection(tmp_path, "twin-b")
    assert a["database"] != b["database"] and a["user"] != b["user"]
    assert a["password"] != b["password"]


def test_kubectl_writes_the_connection_details_into_a_secret(postgres, kube):  # noqa: F811
    executor = executor_for(None, {"pg-ref": {"password": postgres.password}}, KubectlExecutor)
    done = executor.run_task(task("provision", "database", "shop", pg_plan(postgres)), TARGET)
    assert done.ok, done.error
    assert done.result["details_in"] == "secret/mendix-env-shop-database"
    stored = executor.load_details("shop", "database", TARGET)
    assert stored["user"] == Names("team-a", NAMESPACE_ID, "shop").database
    assert not any(stored["password"] in " ".join(c["argv"]) for c in kube.calls())
    gone = executor.run_task(task("deprovision", "database", "shop", pg_plan(postgres)), TARGET)
    assert gone.ok and kube.object("secret", "mendix-env-shop-database") is None


# --- S3 and MinIO (moto) ---------------------------------------------------------------------

def s3_plan(**overrides):
    return {"name": "files", "type": "s3", "region": "us-east-1", "access_key": "AKIAPLANKEY0000",
            "secret_ref": "s3-ref", **overrides}


S3_SECRETS = {"s3-ref": {"secret_key": "plan-secret-key"}}


def client(service, details=None):
    if details is None:
        return boto3.client(service, region_name="us-east-1")
    return boto3.client(service, region_name="us-east-1",
                        aws_access_key_id=details["access_key_id"],
                        aws_secret_access_key=details["secret_access_key"])


def test_s3_bucket_user_key_and_policy_per_environment(stack, tmp_path):
    executor = executor_for(tmp_path, S3_SECRETS)
    env = f"shop-{uuid.uuid4().hex[:6]}"
    done = executor.run_task(task("provision", "storage", env, s3_plan()), TARGET)
    assert done.ok, done.error
    details = connection(tmp_path, env, "storage")
    bucket = Names("team-a", NAMESPACE_ID, env).bucket
    assert details["bucket"] == bucket and bucket.startswith("mendix-team-a-") and len(bucket) <= 63
    assert details["secret_access_key"] not in json.dumps(done.result)
    iam = client("iam")
    assert [k["AccessKeyId"] for k in iam.list_access_keys(UserName=bucket)["AccessKeyMetadata"]
            ] == [details["access_key_id"]]
    policy = iam.get_user_policy(UserName=bucket, PolicyName="cluster-manager-bucket-access")
    resources = {r for s in policy["PolicyDocument"]["Statement"] for r in
                 ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])}
    assert resources == {f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"}
    own = client("s3", details)
    own.put_object(Bucket=bucket, Key="hello.txt", Body=b"hi")
    assert own.get_object(Bucket=bucket, Key="hello.txt")["Body"].read() == b"hi"

    again = executor.run_task(task("provision", "storage", env, s3_plan(), 2), TARGET)
    assert again.ok and again.result["created"] == {"user": False, "access_key": False}
    assert connection(tmp_path, env, "storage") == details

    gone = executor.run_task(task("deprovision", "storage", env, s3_plan()), TARGET)
    assert gone.ok, gone.error
    assert gone.result["objects_removed"] == 1 and gone.result["bucket_removed"] is True
    with pytest.raises(botocore.exceptions.ClientError, match="NoSuchEntity"):
        iam.get_user(UserName=bucket)
    assert bucket not in [b["Name"] for b in client("s3").list_buckets()["Buckets"]]
    absent = executor.run_task(task("deprovision", "storage", env, s3_plan()), TARGET)
    assert absent.ok and absent.result["removed"] is False


def test_s3_a_key_whose_secret_was_never_stored_is_replaced_and_never_blocks_deletion(stack, tmp_path):
    """A run that stopped between creating the user's key and storing it left
    a key nobody can use (IAM allows two per user): the next run replaces it,
    and deprovisioning removes keys the agent never knew."""
    executor = executor_for(tmp_path, S3_SECRETS)
    env = f"crash-{uuid.uuid4().hex[:6]}"
    bucket = Names("team-a", NAMESPACE_ID, env).bucket
    iam = client("iam")
    iam.create_user(UserName=bucket)  # as the stopped run left it
    for _ in range(2):
        iam.create_access_key(UserName=bucket)
    done = executor.run_task(task("provision", "storage", env, s3_plan()), TARGET)
    assert done.ok, done.error
    assert done.result["stale_keys_removed"] == 2
    details = connection(tmp_path, env, "storage")
    assert [k["AccessKeyId"] for k in iam.list_access_keys(UserName=bucket)["AccessKeyMetadata"]
            ] == [details["access_key_id"]]

    iam.create_access_key(UserName=bucket)  # another unknown one
    gone = executor.run_task(task("deprovision", "storage", env, s3_plan()), TARGET)
    assert gone.ok, gone.error
    assert gone.result["user_removed"] is True


def test_s3_prevent_data_deletion_keeps_the_bucket_and_says_so(stack, tmp_path):
    executor = executor_for(tmp_path, S3_SECRETS)
    env = f"keep-{uuid.uuid4().hex[:6]}"
    plan = s3_plan(prevent_data_deletion=True)
    assert executor.run_task(task("provision", "storage", env, plan), TARGET).ok
    bucket = connection(tmp_path, env, "storage")["bucket"]
    client("s3").put_object(Bucket=bucket, Key="precious", Body=b"data")
    gone = executor.run_task(task("deprovision", "storage", env, plan), TARGET)
    assert gone.ok and "kept" in gone.result["note"]
    assert client("s3").get_object(Bucket=bucket, Key="precious")["Body"].read() == b"data"
    with pytest.raises(botocore.exceptions.ClientError, match="NoSuchEntity"):
        client("iam").get_user(UserName=bucket)  # the user and its key are gone all the same


def test_s3_plan_keys_need_no_more_than_the_policy_the_api_serves(stack, tmp_path):
    """Every call made with the plan's keys, with the resource it acts on,
    is allowed by chalicelib.domain.plans.s3_policy (evaluated by moto's IAM
    policy engine)."""
    from moto.iam.access_control import IAMPolicy, PermissionResult

    from agent.provisioners import buckets
    from chalicelib.domain.plans import s3_policy

    calls = []
    real_session = buckets._session

    def recording_session(access_key, secret_key, region):
        session = real_session(access_key, secret_key, region)
        if access_key == s3_plan()["access_key"]:
            def record(model, params, **_):
                calls.append((model.service_model.service_name, model.name, params))
            session.events.register("provide-client-params.*.*", record)
        return session

    buckets._session = recording_session
    try:
        executor = executor_for(tmp_path, S3_SECRETS)
        env = f"pol-{uuid.uuid4().hex[:6]}"
        assert executor.run_task(task("provision", "storage", env, s3_plan()), TARGET).ok
        client("s3").put_object(Bucket=Names("team-a", NAMESPACE_ID, env).bucket, Key="k",
                                Body=b"x")
        assert executor.run_task(task("deprovision", "storage", env, s3_plan()), TARGET).ok
    finally:
        buckets._session = real_session
    policy = IAMPolicy(json.dumps(s3_policy("123456789012")))
    assert {(service, name) for service, name, _ in calls} >= {
        ("s3", "CreateBucket"), ("iam", "CreateUser"), ("iam", "PutUserPolicy"),
        ("iam", "CreateAccessKey"), ("s3", "DeleteBucket"), ("iam", "DeleteUser")}
    for service, name, params in calls:
        resource = (f"arn:aws:s3:::{params['Bucket']}" if service == "s3"
                    else f"arn:aws:iam::123456789012:user/{params['UserName']}")
        assert policy.is_action_permitted(f"{service}:{name}", resource) == \
            PermissionResult.PERMITTED, (service, name, resource)


def test_s3_bucket_name_taken_by_another_account_is_a_clear_failure(stack, tmp_path, monkeypatch):
    from agent.provisioners import buckets

    def taken(*args, **kwargs):
        raise botocore.exceptions.ClientError(
            {"Error": {"Code": "BucketAlreadyExists",
                       "Message": "The requested bucket name is not available."}}, "CreateBucket")

    class TakenS3:  # what S3 answers when another account owns the name
        def create_bucket(self, **kwargs):
            taken()

    monkeypatch.setattr(buckets.Plan, "client", lambda self, service, session=None: TakenS3())
    outcome = executor_for(tmp_path, S3_SECRETS).run_task(
        task("provision", "storage", "taken", s3_plan()), TARGET)
    assert not outcome.ok and "is taken by another account" in outcome.error
    assert "The requested bucket name is not available" in outcome.error


def test_minio_bucket_per_environment_through_the_s3_api(stack, tmp_path):
    executor = executor_for(tmp_path, {"minio-ref": {"secret_key": "minio-secret"}})
    plan = {"name": "minio", "type": "minio", "endpoint": stack.aws_url, "access_key": "minio",
            "secret_ref": "minio-ref"}
    env = f"mini-{uuid.uuid4().hex[:6]}"
    done = executor.run_task(task("provision", "storage", env, plan), TARGET)
    assert done.ok, done.error
    details = connection(tmp_path, env, "storage")
    assert details["endpoint"] == stack.aws_url and details["access_key_id"] == "minio"
    s3 = boto3.client("s3", endpoint_url=stack.aws_url, region_name="us-east-1")
    s3.put_object(Bucket=details["bucket"], Key="a", Body=b"1")
    gone = executor.run_task(task("deprovision", "storage", env, plan), TARGET)
    assert gone.ok and gone.result["bucket_removed"] is True
    assert details["bucket"] not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    down = executor.run_task(task("provision", "storage", env,
                                  {**plan, "endpoint": "http://127.0.0.1:1"}), TARGET)
    assert not down.ok and "Could not connect to the endpoint URL" in down.error


# --- IAM enforced: the environment's key reaches its own bucket only ---------------------------

@pytest.fixture
def enforcing_moto(tmp_path, monkeypatch):
    """A moto server of its own that enforces IAM after 3 unchecked calls: an
    admin user for the platform team, its inline policy, its key."""
    from tests.conftest import free_port

    port = free_port()
    # the admin calls below are the unchecked ones: any key will do (on its own,
    # this test has no stack fixture to lend it one)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    log = open(tmp_path / "moto-iam.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p",
                             str(port)], stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "3"})
    url = f"http://127.0.0.1:{port}"
    try:
        from devstack.stack import wait_http

        wait_http(f"{url}/moto-api/data.json", 60, proc)  # (not an AWS action: not counted)
        iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1")
        iam.create_user(UserName="platform-admin")
        # the served S3 policy; its IAM statement widened to "*" because moto checks
        # IAM actions against "*" (the exact resources are checked in the test above)
        from chalicelib.domain.plans import s3_policy

        policy = s3_policy("123456789012")
        for statement in policy["Statement"]:
            if statement["Sid"] == "iamPermissions":
                statement["Resource"] = "*"
        iam.put_user_policy(UserName="platform-admin", PolicyName="plan",
                            PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName="platform-admin")["AccessKey"]
        monkeypatch.setenv("AWS_ENDPOINT_URL_S3", url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_IAM", url)
        yield key
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


def test_with_iam_enforced_an_environments_key_reaches_its_own_bucket_only(
        enforcing_moto, tmp_path):
    plan = s3_plan(access_key=enforcing_moto["AccessKeyId"])
    executor = executor_for(tmp_path, {"s3-ref": {"secret_key": enforcing_moto["SecretAccessKey"]}})
    for env in ("env-a", "env-b"):
        outcome = executor.run_task(task("provision", "storage", env, plan), TARGET)
        assert outcome.ok, outcome.error
    a, b = connection(tmp_path, "env-a", "storage"), connection(tmp_path, "env-b", "storage")
    own = client("s3", a)
    own.put_object(Bucket=a["bucket"], Key="mine.txt", Body=b"A")
    assert own.get_object(Bucket=a["bucket"], Key="mine.txt")["Body"].read() == b"A"
    for call in (lambda: own.put_object(Bucket=b["bucket"], Key="x", Body=b"no"),
                 lambda: own.list_objects_v2(Bucket=b["bucket"])):
        with pytest.raises(botocore.exceptions.ClientError, match="AccessDenied"):
            call()
    with pytest.raises(botocore.exceptions.ClientError, match="AccessDenied|InvalidAccessKeyId"):
        client("s3", {"access_key_id": "AKIAWRONGWRONGWRONG", "secret_access_key": "x"}
               ).list_buckets()
    gone = executor.run_task(task("deprovision", "storage", "env-a", plan), TARGET)
    assert gone.ok, gone.error
    assert gone.result["objects_removed"] == 1 and gone.result["bucket_removed"] is True
