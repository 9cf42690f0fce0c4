"""The reconfiguration script against the real local stack: rendered from the
Installation tab's parameters, driven through a pseudo-terminal as a user
would (pexpect), and checked through the API with the user's own token."""
import io
import json
import shutil
import subprocess

import pexpect
import pytest

from chalicelib.scripts.reconfiguration import render_reconfiguration_script
from tests.agent.process import AgentProcess, wait_for
from tests.e2e.helpers import ONE, add_namespace

BASH = shutil.which("bash")
CONFIGURATION = ONE + "/configuration"
PLANS = ONE + "/plans"


class Namespace:
    def __init__(self, user, tmp_path, cluster_type="kubernetes", platform=None):
        body = {"name": "rc", "type": cluster_type, **({"platform": platform} if platform else {})}
        resp = user.post("/clusters", json=body)
        assert resp.status_code == 201, resp.text
        self.user, self.tmp_path = user, tmp_path
        self.where = {"cluster_id": resp.json()["cluster_id"], "namespace": "team-a"}
        add_namespace(user, self.where["cluster_id"], "team-a")
        params = user.get(ONE + "/installation", **self.where).json()["parameters"]
        self.params = params
        self.script = tmp_path / "reconfigure.sh"
        self.script.write_text(render_reconfiguration_script(
            api_url=params["api_url"], cluster_id=self.where["cluster_id"],
            namespace=params["namespace"], namespace_id=params["namespace_id"],
            agent_secret=params["agent_secret"], cluster_type=params["cluster_type"],
            platform=resp.json()["platform"]))

    def spawn(self):
        child = pexpect.spawn(BASH, [str(self.script)], encoding="utf-8", timeout=15,
                              cwd=str(self.tmp_path),
                              env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "TERM": "dumb"})
        child.logfile_read = io.StringIO()  # everything the user saw
        return child

    def configuration(self):
        resp = self.user.get(CONFIGURATION, **self.where)
        assert resp.status_code == 200, resp.text
        body = resp.json()
        return ({name: s["settings"] for name, s in body["sections"].items()},
                {p["name"]: p for p in body["plans"]})


@pytest.fixture
def ns(user, tmp_path):
    return Namespace(user, tmp_path)


def answer(child, *pairs):
    """Waits for each prompt in turn and types the answer."""
    for prompt, text in pairs:
        child.expect_exact(prompt)
        child.sendline(text)


def finish(child):
    child.expect_exact("What do you want to do?")
    child.sendline("0")
    child.expect_exact("Summary of this run")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.logfile_read.getvalue()
    return child.logfile_read.getvalue()


def operator_config(folder):
    """The simulated agent's operator configuration, once it has one."""
    path = folder / "operator-config.json"
    return path.exists() and json.loads(path.read_text())


def test_initial_configuration_end_to_end(ns, tmp_path):
    secrets = ["pg-Pa55 word$(x)", "minio-S3cret'\"", "registry-T0ken\\", "proxy-Pa55!"]
    agent = AgentProcess(ns.params, tmp_path / "sim")  # the namespace's agent, connected
    wait_for(lambda: ns.user.get(ONE, **ns.where).json()["status"] == "connected", 30,
             "the agent to connect")
    child = ns.spawn()
    answer(child, ("What do you want to do?", "1"),
           ("Pick a database type:", "1"), ("Plan name", "pg-main"), ("Host", "db.example.com"),
           ("Port [5432]", ""), ("Database", "apps"), ("User", "mendix"),
           ("Password (typing is hidden)", secrets[0]))
    child.expect_exact("Database plan 'pg-main' (Postgres): created")
    answer(child, ("Pick a storage type:", "1"), ("Plan name", "files"),
           ("Endpoint", "https://minio.example.com"), ("Access key", "minio-ak"),
           ("Secret key (typing is hidden)", secrets[1]))
    child.expect_exact("Storage plan 'files' (MinIO): created")
    answer(child, ("Pick an ingress type:", "1"), ("Domain", "apps.example.com"),
           ("Enable TLS?", "1"))
    child.expect_exact("Ingress (Ingress, TLS on): created")
    answer(child, ("Pick a registry type:", "1"), ("Pull URL", "registry.example.com/apps"),
           ("Push URL (where images are pushed to) [registry.example.com/apps]", ""),
           ("Name (the registry user)", "robot"),
           ("Secret (the registry password or token) (typing is hidden)", secrets[2]))
    child.expect_exact("Registry (Generic registry with authentication): created")
    answer(child, ("Do you want to configure the proxy?", "1"), ("Host", "proxy.example.com"),
           ("Port", "3128"), ("User (optional", "squid"),
           ("Password (typing is hidden)", secrets[3]), ("No proxy (optional", "localhost,.svc"))
    child.expect_exact("Proxy (on): created")
    child.expect_exact("Initial configuration complete.")
    output = finish(child)

    for secret in secrets:
        assert secret not in output  # never echoed, never printed
    for line in ["Database plan 'pg-main' (Postgres): created", "Storage plan 'files' (MinIO): created",
                 "Ingress (Ingress, TLS on): created", "Proxy (on): created"]:
        assert f"  {line}" in output.split("Summary of this run")[1]
    sections, plans = ns.configuration()
    assert sections == {
        "ingress": {"type": "ingress", "domain": "apps.example.com", "tls": True},
        "registry": {"type": "generic_auth", "pull_url": "registry.example.com/apps",
                     "push_url": "registry.example.com/apps", "repository": None,
                     "name": "robot", "secret": "***"},
        "proxy": {"enabled": True, "host": "proxy.example.com", "port": 3128, "user": "squid",
                  "no_proxy": "localhost,.svc", "password": "***"},
    }
    assert plans["pg-main"]["kind"] == "database" and plans["pg-main"]["type"] == "postgres"
    assert plans["pg-main"]["settings"] == {"host": "db.example.com", "port": 5432,
                                            "database": "apps", "user": "mendix", "password": "***"}
    assert plans["files"]["settings"] == {"endpoint": "https://minio.example.com",
                                          "access_key": "minio-ak", "secret_key": "***",
                                          "prevent_data_deletion": False}
    assert plans["pg-main"]["updated_by"] == "agent:team-a"
    listed = ns.user.get(PLANS, **ns.where).json()["items"]
    assert {p["name"] for p in listed} == {"pg-main", "files"}

    # … and the namespace's agent has all of it (references, never the secrets)
    try:
        spec = wait_for(lambda: (doc := operator_config(tmp_path / "sim"))
                        and "proxy" in doc["spec"] and doc["spec"], 30,
                        "the whole configuration in the agent's folder")
    finally:
        agent.stop()
    assert spec["ingress"]["domain"] == "apps.example.com"
    assert spec["proxy"]["host"] == "proxy.example.com" and spec["proxy"]["secret_ref"]
    assert [p["name"] for p in spec["database_plans"]] == ["pg-main"]
    assert [p["name"] for p in spec["storage_plans"]] == ["files"]
    written = (tmp_path / "sim" / "operator-config.json").read_text()
    assert not any(secret in written for secret in secrets)


def test_reconfigure_go_back_to_the_start_then_turn_the_proxy_off(ns):
    child = ns.spawn()
    answer(child, ("What do you want to do?", "2"), ("What do you want to reconfigure?", "2"))
    child.expect_exact("Pick a storage type:")
    child.expect_exact("4) Go back to the start")
    child.sendline("4")
    answer(child, ("What do you want to do?", "2"), ("What do you want to reconfigure?", "5"),
           ("Do you want to configure the proxy?", "2"))
    child.expect_exact("Proxy (off): created")
    # the same answer again changes nothing, and says so
    answer(child, ("What do you want to do?", "2"), ("What do you want to reconfigure?", "5"))
    child.expect_exact("Current proxy: enabled=false")
    answer(child, ("Do you want to configure the proxy?", "2"))
    child.expect_exact("Proxy (off): unchanged")
    output = finish(child)
    assert "Proxy (off): unchanged" in output.split("Summary of this run")[1]
    sections, plans = ns.configuration()
    assert sections == {"proxy": {"enabled": False}}
    assert plans == {}


def test_an_invalid_choice_is_asked_again(ns):
    child = ns.spawn()
    child.expect_exact("What do you want to do?")
    for wrong in ("7", "abc", ""):
        child.expect_exact("Type a number [0-2]: ")
        child.sendline(wrong)
        child.expect_exact(f"'{wrong}' is not one of the choices: type a number from 0 to 2.")
    child.expect_exact("Type a number [0-2]: ")
    child.sendline("2")
    child.expect_exact("Type a number [1-6]: ")
    child.sendline("9")
    child.expect_exact("'9' is not one of the choices: type a number from 1 to 6.")
    child.sendline("6")
    output = finish(child)
    assert "nothing was changed" in output


def test_a_refused_answer_shows_the_apis_message_and_can_be_retried(ns):
    child = ns.spawn()
    answer(child, ("What do you want to do?", "2"), ("What do you want to reconfigure?", "3"),
           ("Pick an ingress type:", "1"), ("Domain", "Not A Domain"), ("Enable TLS?", "2"))
    child.expect_exact("Ingress (Ingress, TLS off) was not saved: The ingress configuration is not "
                       "valid: domain 'Not A Domain' is not a DNS name")
    child.expect_exact("(HTTP 422, invalid_ingress)")
    child.expect_exact('Answer again, or choose "Go back to the start".')
    answer(child, ("Pick an ingress type:", "1"), ("Domain (apps get addresses under it, e.g. "
                                                   "apps.example.com) [Not A Domain]", "apps.example.com"),
           ("Enable TLS?", "1"))
    child.expect_exact("Ingress (Ingress, TLS on): created")
    finish(child)
    sections, _ = ns.configuration()
    assert sections["ingress"] == {"type": "ingress", "domain": "apps.example.com", "tls": True}


def test_saving_an_existing_plan_updates_it(ns):
    ns.user.post(PLANS, json={"name": "pg-main", "kind": "database", "type": "postgres",
                              "host": "old.example.com", "port": 6543, "database": "apps",
                              "user": "mendix", "password": "old-password"}, **ns.where)
    child = ns.spawn()
    answer(child, ("What do you want to do?", "2"), ("What do you want to reconfigure?", "1"))
    child.expect_exact("Current database plans: pg-main (postgres, active)")
    answer(child, ("Pick a database type:", "1"), ("Plan name", "pg-main"))
    child.expect_exact("Plan 'pg-main' exists")
    answer(child, ("Host [old.example.com]", "new.example.com"), ("Port [6543]", ""),
           ("Database [apps]", ""), ("User [mendix]", ""),
           ("Password (typing is hidden)", "new-password"))
    child.expect_exact("Database plan 'pg-main' (Postgres): updated")
    output = finish(child)
    assert "new-password" not in output
    _, plans = ns.configuration()
    assert plans["pg-main"]["settings"]["host"] == "new.example.com"
    assert plans["pg-main"]["settings"]["port"] == 6543


def test_non_interactive_run(user, tmp_path):
    ns = Namespace(user, tmp_path, cluster_type="openshift", platform="eks")
    (tmp_path / "s3.key").write_text("s3-secret-key\n")
    config = tmp_path / "namespace.conf"
    config.write_text("# automation\n"
                      "storage=s3\nstorage-plan=buckets\nstorage-region=eu-west-1\n"
                      "storage-access-key=AKIAEXAMPLE\nstorage-secret-key-file=s3.key\n"
                      "ingress=openshift-route\ningress-tls=yes\n"
                      "registry=openshift4\n")
    config.chmod(0o600)
    env = {"PATH": "/usr/bin:/bin", "CM_PROXY_PASSWORD": "proxy-secret"}

    def run(*args):
        return subprocess.run([BASH, str(ns.script), *args], capture_output=True, text=True,
                              timeout=60, cwd=tmp_path, env=env, stdin=subprocess.DEVNULL,
                              start_new_session=True)

    out = run("--non-interactive", "--config", str(config),
              "--database", "ephemeral", "--database-plan", "scratch",
              "--proxy", "yes", "--proxy-host", "proxy.corp.example", "--proxy-port", "8080",
              "--proxy-user", "ops")
    assert out.returncode == 0, out.stdout + out.stderr
    for line in ["Database plan 'scratch' (Ephemeral): created",
                 "Storage plan 'buckets' (Amazon S3): created",
                 "Ingress (OpenShift Route, TLS on): created",
                 "Registry (OpenShift 4 Registry): created", "Proxy (on): created"]:
        assert line in out.stdout
    assert "s3-secret-key" not in out.stdout + out.stderr
    sections, plans = ns.configuration()
    assert sections["ingress"] == {"type": "openshift_route", "domain": None, "tls": True}
    assert sections["registry"]["type"] == "openshift4"
    assert sections["proxy"] == {"enabled": True, "host": "proxy.corp.example", "port": 8080,
                                 "user": "ops", "no_proxy": None, "password": "***"}
    assert plans["scratch"]["type"] == "ephemeral"
    assert plans["buckets"]["settings"] == {"region": "eu-west-1", "access_key": "AKIAEXAMPLE",
                                            "secret_key": "***", "prevent_data_deletion": False}

    again = run("--config", str(config), "--registry", "ecr",
                "--registry-pull-url", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/apps")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Storage plan 'buckets' (Amazon S3): updated" in again.stdout
    assert "Ingress (OpenShift Route, TLS on): unchanged" in again.stdout
    assert "Registry (Amazon Elastic Container Registry (AWS ECR)): updated" in again.stdout
    assert ns.configuration()[0]["registry"]["type"] == "ecr"

    missing = run("--database", "postgres", "--database-plan", "Bad_Name", "--database-host", "h",
                  "--database-port", "5432", "--database-name", "d", "--database-user", "u",
                  "--proxy", "no")
    assert missing.returncode == 2 and "CM_DATABASE_PASSWORD" in missing.stderr
    assert ns.configuration()[0]["proxy"]["enabled"] is True  # nothing was changed
    env["CM_DATABASE_PASSWORD"] = "x"
    refused = run("--database", "postgres", "--database-plan", "Bad_Name", "--database-host", "h",
                  "--database-port", "5432", "--database-name", "d", "--database-user", "u",
                  "--proxy", "no")
    assert refused.returncode == 1
    assert "DNS-1123" in refused.stderr
    assert "NOT SAVED: Database plan 'Bad_Name' (Postgres)" in refused.stdout
    assert "Proxy (off): updated" in refused.stdout
    assert ns.configuration()[0]["proxy"] == {"enabled": False}
