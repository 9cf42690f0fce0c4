"""The ``configure`` command: the namespace's configuration (sections and
plans, secret references only) becomes the operator's configuration — a file
in the simulation, the ConfigMap mendix-operator-config with kubectl."""
import json
import sys
import textwrap

import pytest

from agent.commands import Command
from agent.executors import KubectlExecutor, SimulateExecutor
from agent.session import Target

TARGET = Target("team-a", "kubernetes")
REF = "arn:aws:secretsmanager:us-east-1:123456789012:secret:cluster-manager/ns/x/config/registry"


def payload(**overrides):
    return {"reason": "ingress updated", "namespace": "team-a",
            "sections": {"ingress": {"type": "ingress", "domain": "apps.example.com", "tls": True,
                                     "secret_ref": None},
                         "registry": {"type": "generic_auth", "pull_url": "r.example.com/a",
                                      "push_url": "r.example.com/a", "name": "robot",
                                      "secret_ref": REF}},
            "plans": [{"name": "pg", "kind": "database", "type": "postgres", "active": True,
                       "host": "db.example.com", "port": 5432, "database": "apps", "user": "mx",
                       "secret_ref": REF + "-pg"},
                      {"name": "files", "kind": "storage", "type": "ephemeral", "active": False,
                       "secret_ref": None}],
            **overrides}


def configure(executor, command_id, issued_at="2026-01-01T00:00:01.000Z", **overrides):
    return executor.execute(Command(command_id, "configure", payload(**overrides), issued_at),
                            TARGET)


def test_simulate_writes_the_operator_configuration_with_secret_references(tmp_path):
    outcome = configure(SimulateExecutor(tmp_path), "c1")
    assert outcome.ok, outcome.error
    assert outcome.result["changed"] is True and outcome.result["where"] == "operator-config.json"
    assert outcome.result["sections"] == ["ingress", "registry"]
    assert outcome.result["plans"] == {"database": ["pg"], "storage": ["files"]}
    doc = json.loads((tmp_path / "operator-config.json").read_text())
    assert doc["command_id"] == "c1" and doc["reason"] == "ingress updated"
    spec = doc["spec"]
    assert spec["namespace"] == "team-a"
    assert spec["ingress"]["domain"] == "apps.example.com"
    assert spec["registry"]["secret_ref"] == REF
    assert spec["database_plans"][0]["secret_ref"] == REF + "-pg"
    assert spec["storage_plans"][0]["active"] is False  # deactivated plans still serve
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_the_same_configuration_again_is_unchanged_and_a_new_one_replaces_it(tmp_path):
    executor = SimulateExecutor(tmp_path)
    configure(executor, "c1")
    assert configure(executor, "c2", issued_at="2026-01-01T00:00:02.000Z").result["changed"] is False
    sections = payload()["sections"]
    sections["ingress"] = {**sections["ingress"], "domain": "new.example.com"}
    outcome = configure(executor, "c3", issued_at="2026-01-01T00:00:03.000Z", sections=sections)
    assert outcome.result["changed"] is True
    doc = json.loads((tmp_path / "operator-config.json").read_text())
    assert doc["spec"]["ingress"]["domain"] == "new.example.com" and doc["command_id"] == "c3"


def test_an_older_configuration_delivered_late_does_not_win(tmp_path):
    executor = SimulateExecutor(tmp_path)
    configure(executor, "new", issued_at="2026-01-01T00:00:09.000Z")
    late = configure(executor, "old", issued_at="2026-01-01T00:00:01.000Z",
                     sections={"ingress": {"type": "ingress", "domain": "stale.example.com"}})
    assert late.ok and late.result["applied"] is False and "newer" in late.result["reason"]
    assert json.loads((tmp_path / "operator-config.json").read_text())["command_id"] == "new"


def test_a_secret_value_in_the_payload_never_reaches_the_file(tmp_path):
    sections = payload()["sections"]
    sections["proxy"] = {"enabled": True, "host": "p.example.com", "port": 3128,
                         "password": "hunter2", "secret_ref": REF}
    outcome = configure(SimulateExecutor(tmp_path), "c1", sections=sections)
    assert outcome.ok and outcome.result["dropped_secret_values"] == ["proxy.password"]
    text = (tmp_path / "operator-config.json").read_text()
    assert "hunter2" not in text and REF in text


@pytest.mark.parametrize("overrides,words", [
    ({"sections": []}, "'sections'"),
    ({"plans": [{"kind": "database"}]}, "'plans'"),
    ({"namespace": "team-b"}, "for namespace 'team-b'"),
])
def test_a_payload_it_cannot_use_is_a_clean_failure(tmp_path, overrides, words):
    outcome = configure(SimulateExecutor(tmp_path), "c1", **overrides)
    assert not outcome.ok and words in outcome.error
    assert not (tmp_path / "operator-config.json").exists()


# --- kubectl ------------------------------------------------------------------------

# Records each call (argv, stdin); keeps applied objects in FAKE_STATE; answers like kubectl.
FAKE = textwrap.dedent("""\
    #!{python}
    import json, os, sys
    argv = sys.argv[1:]
    stdin = sys.stdin.read() if "-f" in argv else None
    with open(os.environ["FAKE_LOG"], "a") as log:
        log.write(json.dumps({{"cli": os.path.basename(sys.argv[0]), "argv": argv,
                               "stdin": stdin}}) + "\\n")
    if os.environ.get("FAKE_FAIL") and os.environ["FAKE_FAIL"] in " ".join(argv):
        print("error: simulated failure of " + argv[0], file=sys.stderr)
        sys.exit(1)
    state = os.environ["FAKE_STATE"]
    def path(kind, name):
        return os.path.join(state, kind.lower() + "." + name + ".json")
    if argv[0] == "apply":
        doc = json.loads(stdin)
        if doc["kind"] == "Secret":  # the API server stores stringData as base64 data
            import base64
            doc["data"] = {{k: base64.b64encode(v.encode()).decode()
                           for k, v in doc.pop("stringData", {{}}).items()}}
        with open(path(doc["kind"], doc["metadata"]["name"]), "w") as f:
            json.dump(doc, f)
        print("%s/%s" % (doc["kind"].lower(), doc["metadata"]["name"]))
    elif argv[0] == "get" and argv[1] in ("configmap", "secret"):
        if os.path.exists(path(argv[1], argv[2])):
            print(open(path(argv[1], argv[2])).read())
        elif "--ignore-not-found" not in argv:
            sys.exit(print('Error from server (NotFound)', file=sys.stderr) or 1)
    elif argv[0] == "delete" and argv[1] in ("configmap", "secret"):
        if os.path.exists(path(argv[1], argv[2])):
            os.remove(path(argv[1], argv[2]))
            print('%s "%s" deleted' % (argv[1], argv[2]))
    elif argv[:2] == ["get", "deployment"]:
        print("deployment.apps/mendix-operator")
    else:
        sys.exit(print("fake: unexpected call", file=sys.stderr) or 99)
""")


@pytest.fixture
def kube(tmp_path, monkeypatch):
    """A fake kubectl on PATH; returns a reader of its calls and of the cluster's objects."""
    bin_dir, state = tmp_path / "bin", tmp_path / "cluster"
    bin_dir.mkdir()
    state.mkdir()
    for name in ("kubectl", "oc"):
        (bin_dir / name).write_text(FAKE.format(python=sys.executable))
        (bin_dir / name).chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("FAKE_LOG", str(tmp_path / "log"))
    monkeypatch.setenv("FAKE_STATE", str(state))

    class Kube:
        def calls(self):
            log = tmp_path / "log"
            return [json.loads(x) for x in log.read_text().splitlines()] if log.exists() else []

        def object(self, kind, name):
            path = state / f"{kind}.{name}.json"
            return json.loads(path.read_text()) if path.exists() else None

    return Kube()


def test_kubectl_applies_the_configuration_as_a_configmap(kube):
    outcome = configure(KubectlExecutor(), "c1")
    assert outcome.ok, outcome.error
    assert outcome.result["where"] == "configmap/mendix-operator-config"
    get, apply = kube.calls()
    assert get["argv"] == ["get", "configmap", "mendix-operator-config", "--ignore-not-found",
                           "-o", "json", "-n", "team-a"]
    assert apply["argv"] == ["apply", "-f", "-", "-o", "name", "-n", "team-a"]
    configmap = kube.object("configmap", "mendix-operator-config")
    assert configmap["metadata"]["namespace"] == "team-a"
    assert configmap["metadata"]["annotations"]["cluster-manager.io/command-id"] == "c1"
    doc = json.loads(configmap["data"]["config.json"])
    assert doc["spec"]["registry"]["secret_ref"] == REF and doc["command_id"] == "c1"
    again = configure(KubectlExecutor(), "c2", issued_at="2026-01-01T00:00:02.000Z")
    assert again.result["changed"] is False
    late = configure(KubectlExecutor(), "c0", issued_at="2025-12-31T00:00:00.000Z")
    assert late.result["applied"] is False and len(kube.calls()) == 5  # no third apply


def test_kubectl_configure_failure_is_clean(kube, monkeypatch):
    monkeypatch.setenv("FAKE_FAIL", "apply")
    outcome = configure(KubectlExecutor(), "c1")
    assert not outcome.ok and "simulated failure of apply" in outcome.error


def test_kubectl_keeps_connection_details_in_a_secret_per_step(kube):
    """The Secret's mechanics with a stand-in provisioner (the real ones, against
    real servers, are in test_provisioners.py)."""

    executor = KubectlExecutor()
    target = Target("team-a", "kubernetes", "01jabcdefghjkmnpqrstvwxyz0")
    details = {"type": "postgres", "host": "db", "port": 5432, "user": "u", "password": "pw-XYZ"}
    executor.store_details("shop", "database", target, details)
    secret = kube.object("secret", "mendix-env-shop-database")
    assert secret["metadata"]["labels"]["cluster-manager.io/environment"] == "shop"
    assert executor.load_details("shop", "database", target) == details
    assert not any("pw-XYZ" in " ".join(c["argv"]) for c in kube.calls())  # stdin only
    assert executor.remove_details("shop", "database", target) is True
    assert kube.object("secret", "mendix-env-shop-database") is None
    assert executor.remove_details("shop", "database", target) is False
    assert executor.load_details("shop", "database", target) is None


def test_kubectl_ephemeral_step_creates_nothing_and_says_so(kube):
    from agent.commands import Task

    plans = {"database": {"name": "mem", "type": "ephemeral", "secret_ref": None}}
    executor = KubectlExecutor()
    outcome = executor.run_task(Task("t1", "provision", "database", "shop", 1, plans), TARGET)
    assert outcome.ok and "nothing is created outside the namespace" in outcome.result["note"]
    assert executor.run_task(Task("t1", "provision", "database", "shop", 1, plans), TARGET) == outcome
    assert kube.object("secret", "mendix-env-shop-database") is None
    gone = executor.run_task(Task("t2", "deprovision", "database", "shop", 1, plans), TARGET)
    assert gone.ok and gone.result["removed"] is False


def test_kubectl_failure_is_answered_with_kubectls_words(kube, monkeypatch):
    from agent.commands import Task

    monkeypatch.setenv("FAKE_FAIL", "get secret")
    outcome = KubectlExecutor().run_task(
        Task("t1", "provision", "storage", "shop", 2,
             {"storage": {"name": "s", "type": "ephemeral"}}), TARGET)
    assert not outcome.ok and "simulated failure of get" in outcome.error


def test_openshift_uses_oc_for_tasks_too(kube):
    from agent.commands import Task

    KubectlExecutor().run_task(Task("t1", "provision", "storage", "shop", 1,
                                    {"storage": {"name": "s", "type": "ephemeral"}}),
                               Target("team-a", "openshift"))
    assert kube.calls()[0]["cli"] == "oc"


def test_kubectl_that_hangs_is_an_executor_error_or_a_failed_attempt(kube, tmp_path, monkeypatch):
    from agent.commands import Task
    from agent.executors import ExecutorError

    slow = tmp_path / "bin" / "kubectl"
    slow.write_text(f"#!{sys.executable}\nimport time; time.sleep(5)\n")
    outcome = KubectlExecutor(timeout=0.5).run_task(
        Task("t1", "provision", "storage", "shop", 1,
             {"storage": {"name": "s", "type": "ephemeral"}}), TARGET)
    assert not outcome.ok and "did not answer" in outcome.error  # answered: the workflow retries
    with pytest.raises(ExecutorError, match="did not answer"):
        KubectlExecutor(timeout=0.5).execute(Command("c1", "ping", {}), TARGET)


def test_describe_plan_reads_the_applied_configuration_without_secrets():
    from agent import operator_config

    applied = {"spec": {"database_plans": [
        {"name": "pg", "type": "postgres", "active": True, "host": "h", "port": 5432,
         "password": "leaked?", "secret_ref": "ref"}], "storage_plans": []}}
    found = operator_config.describe_plan(applied, "pg")
    assert found == {"found": True, "plan": {"name": "pg", "kind": "database", "type": "postgres",
                                             "settings": {"host": "h", "port": 5432}}}
    assert operator_config.describe_plan(applied, "other") == {"found": False, "plan": None}
    assert operator_config.describe_plan(None, "pg")["found"] is False
