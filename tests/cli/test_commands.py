"""Every command group of ``cluster-manager``, run as a subprocess against the
local stack: output formats parsed by the test, exit codes, and one clear
line (no traceback) for every refusal."""
import os
import stat

import click
import pytest

from tests.cli.conftest import Cli, unique
from tests.e2e.helpers import invitation_token


@pytest.fixture(scope="module")
def cluster(cli):
    name = unique("cli-cmds")
    return cli.ok("clusters", "create", name, "--type", "kubernetes", "--description", "CLI",
                  "-o", "json").json()


@pytest.fixture(scope="module")
def ns(cli, cluster):
    cli.ok("namespaces", "create", "-c", cluster["name"], "team-a")
    return {"c": cluster["name"], "n": "team-a"}


def where(ns):
    return ["-c", ns["c"], "-n", ns["n"]]


def test_help_lists_the_groups_and_every_command_has_a_line_and_an_example(cli):
    out = cli.ok("--help").out
    for group in ("clusters", "namespaces", "installation", "agent-credentials", "config",
                  "plans", "members", "invitations", "operate", "environments", "commands",
                  "activity", "apply", "export", "login", "profiles", "completion"):
        assert f"  {group} " in out, group
    import cluster_manager_cli.commands  # noqa: F401 (the resource groups load it lazily)
    from cluster_manager_cli.main import cli as root

    def leaves(cmd, path):
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                yield from leaves(sub, path + [name])
        else:
            yield path, cmd

    count = 0
    for path, cmd in leaves(root, []):
        count += 1
        assert cmd.help and cmd.help.strip().splitlines()[0].strip(), path
        assert "Example:" in cmd.help, f"{' '.join(path)} shows no example"
    assert count >= 40


def test_clusters(cli, cluster):
    listed = cli.ok("clusters", "list", "-o", "json").json()
    assert [c["cluster_id"] for c in listed] == [cluster["cluster_id"]]
    assert cli.ok("clusters", "list", "-q").out.split() == [cluster["cluster_id"]]
    table = cli.ok("clusters", "list").out
    assert table.splitlines()[0].split()[:2] == ["CLUSTER_ID", "NAME"] and cluster["name"] in table
    got = cli.ok("clusters", "get", cluster["name"], "-o", "yaml").out
    assert f"cluster_id: {cluster['cluster_id']}" in got
    updated = cli.ok("clusters", "update", cluster["cluster_id"], "--description", "Renamed",
                     "-o", "json").json()
    assert updated["description"] == "Renamed"
    other = cli.ok("clusters", "create", "tmp", "--type", "openshift", "-q").out.strip()
    assert cli("clusters", "delete", other).code == 2  # not a terminal, no --yes
    assert cli.ok("clusters", "delete", other, "--yes", "-o", "json").json()["deleted"] is True
    missing = cli("clusters", "get", other)
    assert missing.code == 1 and missing.err.count("\n") == 1 and "No cluster" in missing.err


def test_namespaces_installation_and_credentials(cli, ns, tmp_path):
    items = cli.ok("namespaces", "list", "-c", ns["c"], "-o", "json").json()
    assert [i["name"] for i in items] == ["team-a"]
    assert items[0]["status"] == "waiting_for_connection"
    assert cli.ok("namespaces", "get", "-c", ns["c"], "team-a", "-o", "json").json()[
        "installation_type"] == "connected"
    script = cli.ok("installation", "script", *where(ns)).out
    assert script.startswith("#!") and "Installation Successful" in script
    target = tmp_path / "reconfigure.sh"
    cli.ok("installation", "reconfiguration-script", *where(ns), "-f", target)
    assert target.read_text().startswith("#!") and os.stat(target).st_mode & stat.S_IXUSR
    params = cli.ok("installation", "parameters", *where(ns), "-o", "json").json()
    assert params["namespace"] == "team-a" and params["agent_secret"]
    rotated = cli.ok("agent-credentials", "rotate", *where(ns), "--yes", "-o", "json").json()
    assert rotated["credential_generation"] == params["credential_generation"] + 1
    assert rotated["agent_secret"] != params["agent_secret"]
    cli.ok("namespaces", "create", "-c", ns["c"], "doomed", "--installation-type", "standalone")
    cli.ok("namespaces", "delete", "-c", ns["c"], "doomed", "--yes")
    gone = cli("namespaces", "get", "-c", ns["c"], "doomed")
    assert gone.code == 1 and "no namespace 'doomed'" in gone.err


def test_configuration_sections_and_plans(cli, ns):
    out = cli.ok("config", "set", *where(ns), "ingress", "type=ingress",
                 "domain=apps.example.com", "tls=true", "-o", "json").json()
    assert out["settings"] == {"type": "ingress", "domain": "apps.example.com", "tls": True}
    reg = cli.ok("config", "set", *where(ns), "registry", "type=generic_auth",
                 "pull_url=registry.example.com/apps", "name=bot", "secret_from_env=REG",
                 "-o", "json", env={"REG": "registry-secret-XYZ"}).json()
    assert reg["settings"]["secret"] == "***"
    shown = cli.ok("config", "show", *where(ns), "-o", "json").out
    assert "registry-secret-XYZ" not in shown and '"ingress"' in shown
    refused = cli("config", "set", *where(ns), "ingress", "type=openshift_route", "tls=true")
    assert refused.code == 1 and "only on OpenShift" in refused.err

    plan = cli.ok("plans", "set", *where(ns), "pg", "--kind", "database", "--type", "postgres",
                  "host=db.example.com", "port=5432", "database=apps", "user=mx",
                  "password_from_env=PG", "-o", "json", env={"PG": "pg-secret"}).json()
    assert plan["result"] == "created" and plan["settings"]["port"] == 5432
    again = cli.ok("plans", "set", *where(ns), "pg", "--kind", "database", "--type", "postgres",
                   "host=db2.example.com", "port=5432", "database=apps", "user=mx",
                   "password_from_env=PG", env={"PG": "pg-secret"})
    assert "plan pg: updated" in again.err
    missing = cli("plans", "set", *where(ns), "pg", "--kind", "database", "--type", "postgres",
                  "password_from_env=NOT_SET_ANYWHERE")
    assert missing.code == 2 and "NOT_SET_ANYWHERE is not set" in missing.err
    assert cli.ok("plans", "deactivate", *where(ns), "pg", "-o", "json").json()["active"] is False
    assert cli.ok("plans", "activate", *where(ns), "pg", "-o", "json").json()["active"] is True
    cli.ok("namespaces", "create", "-c", ns["c"], "team-b")
    added = cli.ok("plans", "add-existing", "-c", ns["c"], "-n", "team-b", "pg", "-o", "json")
    assert added.json()["result"] == "added"
    names = cli.ok("plans", "list", "-c", ns["c"], "-n", "team-b", "-q").out.split()
    assert names == ["pg"]


def test_members_and_invitations(cli, ns, stack, mint, tmp_path):
    bob = f"{unique('bob')}@example.com"
    invited = cli.ok("members", "invite", *where(ns), bob, "--role", "developer",
                     "-o", "json").json()
    assert invited["status"] == "pending" and invited["invitation"] == "sent"
    edited = cli.ok("members", "edit", *where(ns), bob, "--role", "custom",
                    "--rights", "view_logs,view_metrics", "-o", "json").json()
    assert sorted(edited["rights"]) == ["view_logs", "view_metrics"]
    bob_cli = Cli(tmp_path / "bob", stack.api_url, mint(bob))
    token = invitation_token(stack, bob)
    accepted = bob_cli.ok("invitations", "accept", f"http://console/invitations/{token}",
                          "-o", "json").json()
    assert accepted["namespace"] == "team-a" and accepted["role"] == "custom"
    again = bob_cli("invitations", "accept", "--", token)  # the bare token (may start with -)
    assert again.code == 1 and "HTTP 4" in again.err  # single use
    members = cli.ok("members", "list", *where(ns), "-o", "json").json()
    assert [(m["email"], m["status"]) for m in members] == [(bob, "active")]
    # bob may see but not manage
    denied = bob_cli("members", "invite", *where(ns), "eve@example.com", "--role", "developer")
    assert denied.code == 1 and "creator" in denied.err
    assert cli("members", "remove", *where(ns), bob).code == 2  # no --yes, no terminal
    cli.ok("members", "remove", *where(ns), bob, "--yes")
    assert cli.ok("members", "list", *where(ns), "-q").out.strip() == ""


def test_operate_commands_and_activity(cli, ns):
    cli.ok("operate", "set", *where(ns), "--logs-url", "https://logs.example.com")
    both = cli.ok("operate", "set", *where(ns), "--metrics-url", "https://m.example.com",
                  "-o", "json").json()
    assert both["logs_url"] == "https://logs.example.com"  # kept
    assert both["metrics_url"] == "https://m.example.com"
    shown = cli.ok("operate", "show", *where(ns), "-o", "json").json()
    assert shown["logs_url"] == "https://logs.example.com"

    sent = cli.ok("commands", "send", *where(ns), "ping", "-o", "json").json()
    assert sent["type"] == "ping" and sent["state"] == "queued"
    listed = cli.ok("commands", "list", *where(ns), "-o", "json").json()
    assert sent["command_id"] in [c["command_id"] for c in listed]
    one = cli.ok("commands", "get", *where(ns), sent["command_id"], "-o", "json").json()
    assert one["command_id"] == sent["command_id"]

    actions = [a["action"] for a in cli.ok("activity", "-c", ns["c"], "-n", ns["n"],
                                           "-o", "json").json()]
    assert "send_command" in actions and "put_operate" in actions


def test_environments_refusals_are_one_line(cli, ns):
    refused = cli("environments", "create", *where(ns), "shop", "--database-plan", "nope",
                  "--storage-plan", "nope")
    assert refused.code == 1 and refused.err.startswith("error: ") and "HTTP 422" in refused.err
    assert cli.ok("environments", "list", *where(ns), "-o", "json").json() == []


def test_exit_codes_for_sign_in_network_and_usage(cli, stack, mint, tmp_path):
    nobody = Cli(tmp_path / "nobody", stack.api_url, None)
    missing = nobody("clusters", "list")
    assert missing.code == 3 and "Not signed in" in missing.err and "login" in missing.err
    expired = cli("clusters", "list", env={"CM_TOKEN": mint("x@example.com", ttl_seconds=-60)})
    assert expired.code == 3 and "expired" in expired.err and "login" in expired.err
    forged = cli("clusters", "list", "--token", "not.a.jwt")
    assert forged.code == 3 and "login" in forged.err
    down = cli("clusters", "list", "--api-url", "http://127.0.0.1:9")
    assert down.code == 1 and "Cannot reach the API" in down.err
    assert down.err.count("\n") == 1
    assert cli("clusters", "frobnicate").code == 2
    assert cli("environments", "create", "-c", "x", "-n", "y", "shop").code == 2
    assert cli("clusters", "list", "-o", "xml").code == 2


def test_profiles_keep_tokens_in_a_private_file(cli, stack, mint, tmp_path):
    home = Cli(tmp_path / "p", None, None)
    home.env.pop("CM_API_URL")
    token = mint("prof@example.com")
    # a profile written the way login writes it (login itself: test_login.py)
    from cluster_manager_cli import config

    os.environ["CM_CONFIG_DIR"] = home.env["CM_CONFIG_DIR"]
    try:
        config.update_profile("staging", api_url=stack.api_url, token=token,
                              email="prof@example.com")
    finally:
        del os.environ["CM_CONFIG_DIR"]
    path = tmp_path / "p" / "config" / "config.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert home("clusters", "list").code == 3  # the default profile has nothing
    assert home.ok("clusters", "list", "--profile", "staging", "-o", "json").json() == []
    assert home.ok("clusters", "list", env={"CM_PROFILE": "staging"}, ).code == 0
    home.ok("profiles", "use", "staging")
    listed = home.ok("profiles", "list", "-o", "json").json()
    assert listed[0]["name"] == "staging" and listed[0]["current"] == "*"
    assert home.ok("clusters", "list").code == 0
    home.ok("logout")
    assert home("clusters", "list").code == 3
    assert home("profiles", "use", "nope").code == 2


def test_shell_completion(cli):
    for shell in ("bash", "zsh"):
        script = cli.ok("completion", shell).out
        assert "_CLUSTER_MANAGER_COMPLETE" in script
    words = cli.ok("clusters", env={"_CLUSTER_MANAGER_COMPLETE": "bash_complete",
                                    "COMP_WORDS": "cluster-manager clus", "COMP_CWORD": "1"})
    assert "clusters" in words.out


def test_catalogue_as_the_api_serves_it(cli):
    served = cli.ok("catalogue", "-o", "json").json()
    kinds = {p["kind"] for p in served["plans"]}
    assert kinds == {"database", "storage"}
    table = cli.ok("catalogue").out
    assert "plan database/postgres" in table and "password*" in table
    assert "proxy enabled=True" in table
