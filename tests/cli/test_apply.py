"""``apply`` and ``export`` against the local stack, through a recording proxy
that counts the write requests (anything but GET) the CLI really sent."""
import textwrap

import pytest

from tests.cli.conftest import unique

SECRETS = {"PG_PASSWORD": "pg-pw-1", "REGISTRY_SECRET": "reg-secret-1"}


def render(name: str, *, members=True, team_b=True, pg_host="db.example.com",
           extra_member=False, spare=True, operate=True) -> str:
    spare_line = ("- {name: spare, kind: storage, type: ephemeral, active: false}" if spare
                  else "")
    operate_line = 'operate: {logs_url: "https://logs.example.com"}' if operate else "operate: {}"
    text = f"""
        cluster: {name}
        type: kubernetes
        description: Declared in git
        namespaces:
          - name: team-a
            configuration:
              ingress: {{type: ingress, domain: apps.example.com, tls: true}}
              registry: {{type: generic_auth, pull_url: registry.example.com/apps, name: bot,
                          secret_from_env: REGISTRY_SECRET}}
              proxy: {{enabled: false}}
            plans:
              - {{name: pg, kind: database, type: postgres, host: {pg_host}, database: apps,
                  user: mx, password_from_env: PG_PASSWORD}}
              - {{name: files, kind: storage, type: ephemeral}}
              {spare_line}
            {operate_line}
    """
    if members:
        text += """
            members:
              - {email: dev@example.com, role: developer}
              - {email: ops@example.com, role: custom, rights: [view_logs, view_metrics]}
        """
        if extra_member:
            text += """
              - {email: temp@example.com, role: administrator}
            """
    if team_b:
        text += """
          - name: team-b
            plans:
              - {existing: pg}
        """
    return textwrap.dedent(text)


@pytest.fixture(scope="module")
def cluster_name():
    return unique("cli-apply")


@pytest.fixture
def write(tmp_path):
    def _write(text: str, name: str = "cluster.yaml"):
        path = tmp_path / name
        path.write_text(text)
        return path
    return _write


def test_invalid_file_stops_before_any_write(via_proxy, proxy, write, cluster_name):
    bad = render(cluster_name).replace("database: apps", "database: apps, port: '5432'")
    proxy.reset()
    result = via_proxy("apply", "-f", write(bad), env=SECRETS)
    assert result.code == 2, result
    assert "namespaces[0].plans[0].port: must be an integer" in result.err
    missing = via_proxy("apply", "-f", write(render(cluster_name)),
                        env={"PG_PASSWORD": "x"})  # no REGISTRY_SECRET
    assert missing.code == 2
    assert ("namespaces[0].configuration.registry.secret_from_env: environment variable "
            "REGISTRY_SECRET is not set") in missing.err
    literal = via_proxy("apply", "-f", write(render(cluster_name).replace(
        "password_from_env: PG_PASSWORD", "password: hunter2")), env=SECRETS)
    assert literal.code == 2 and "plans[0].password: is a secret" in literal.err
    malformed = via_proxy("apply", "-f", write("cluster: [x\n"))
    assert malformed.code == 2 and "not valid YAML" in malformed.err
    unknown = via_proxy("apply", "-f", write(render(cluster_name).replace(
        "description:", "colour: red\ndescription:")), env=SECRETS)
    assert unknown.code == 2 and "colour: unknown field" in unknown.err
    assert proxy.writes() == []
    assert via_proxy("clusters", "get", cluster_name).code == 1  # nothing was created


def test_apply_creates_then_a_second_apply_writes_nothing(via_proxy, proxy, write, cluster_name):
    path = write(render(cluster_name))
    proxy.reset()
    dry = via_proxy("apply", "-f", path, "--dry-run", env=SECRETS)
    assert dry.code == 0, dry
    assert "+ cluster " in dry.out and "password: (set)" in dry.out
    assert "pg-pw-1" not in dry.out + dry.err and "reg-secret-1" not in dry.out + dry.err
    assert "Dry run: nothing was changed." in dry.out
    assert proxy.writes() == []

    first = via_proxy("apply", "-f", path, env=SECRETS)
    assert first.code == 0, first
    writes = proxy.writes()
    assert [m for m, *_ in writes].count("POST") >= 8 and all(s < 300 for *_, s in writes)
    assert "Applied" in first.out

    proxy.reset()
    second = via_proxy("apply", "-f", path, env=SECRETS)
    assert second.code == 0, second
    assert "No changes" in second.out and "0 to create, 0 to update, 0 to remove" in second.out
    assert "password: (unchanged)" not in second.out  # unchanged items show no details
    assert proxy.writes() == [], proxy.writes()
    assert proxy.requests  # it did read

    report = via_proxy.ok("apply", "-f", path, "-o", "json", env=SECRETS).json()
    assert report["summary"]["unchanged"] == len(report["changes"]) and report["applied"] == []

    plans = via_proxy.ok("plans", "list", "-c", cluster_name, "-n", "team-a", "-o", "json").json()
    assert {p["name"]: p["active"] for p in plans} == {"pg": True, "files": True, "spare": False}
    members = via_proxy.ok("members", "list", "-c", cluster_name, "-n", "team-a",
                           "-o", "json").json()
    assert {m["email"]: m["role"] for m in members} == {"dev@example.com": "developer",
                                                        "ops@example.com": "custom"}


def test_changed_secret_and_field_are_shown_then_applied(via_proxy, proxy, write, cluster_name):
    path = write(render(cluster_name, pg_host="db2.example.com"))
    env = {**SECRETS, "PG_PASSWORD": "pg-pw-2"}
    proxy.reset()
    dry = via_proxy.ok("apply", "-f", path, "--dry-run", env=env)
    assert "~ team-a plan pg: update" in dry.out
    assert "host: 'db.example.com' → 'db2.example.com'" in dry.out
    assert "password: (changed)" in dry.out and "pg-pw-2" not in dry.out
    assert "secret: " not in dry.out  # the registry is unchanged: not listed in detail
    assert proxy.writes() == []
    via_proxy.ok("apply", "-f", path, env=env)
    assert [(m, p.rsplit("/", 1)[-1]) for m, p, _ in proxy.writes()] == [("POST", "plans")]
    proxy.reset()
    assert "No changes" in via_proxy.ok("apply", "-f", path, env=env).out
    assert proxy.writes() == []


def test_prune_removes_only_what_the_file_no_longer_lists(via_proxy, proxy, write, cluster_name):
    env = {**SECRETS, "PG_PASSWORD": "pg-pw-2"}
    grown = write(render(cluster_name, pg_host="db2.example.com", extra_member=True), "grown.yaml")
    via_proxy.ok("apply", "-f", grown, env=env)
    path = write(render(cluster_name, pg_host="db2.example.com", team_b=False, spare=False,
                        operate=False), "shrunk.yaml")
    proxy.reset()
    without = via_proxy.ok("apply", "-f", path, env=env)
    assert "No changes" in without.out  # nothing is removed without --prune
    assert proxy.writes() == []

    plan = via_proxy.ok("apply", "-f", path, "--prune", "--dry-run", env=env).out
    for line in ("- team-a member temp@example.com: remove (--prune)",
                 "- namespace team-b: remove (--prune)",
                 "- team-a operate: remove (--prune)"):
        assert line in plan, plan
    assert "plan spare" not in plan  # already inactive: nothing to deactivate
    assert proxy.writes() == []

    done = via_proxy.ok("apply", "-f", path, "--prune", env=env)
    assert "Applied 3 changes." in done.out, done
    assert {(m, p.split("?")[0].rsplit("/", 2)[-2]) for m, p, _ in proxy.writes()} == {
        ("DELETE", "members"), ("DELETE", "namespaces"), ("PUT", "team-a")}
    names = via_proxy.ok("namespaces", "list", "-c", cluster_name, "-q").out.split()
    assert names == ["team-a"]
    emails = via_proxy.ok("members", "list", "-c", cluster_name, "-n", "team-a", "-q").out.split()
    assert sorted(emails) == ["dev@example.com", "ops@example.com"]
    operate = via_proxy.ok("operate", "show", "-c", cluster_name, "-n", "team-a", "-o", "json")
    assert operate.json()["logs_url"] is None
    proxy.reset()
    assert "No changes" in via_proxy.ok("apply", "-f", path, "--prune", env=env).out
    assert proxy.writes() == []


def test_export_then_apply_round_trips_with_no_changes(via_proxy, proxy, tmp_path, cluster_name):
    target = tmp_path / "exported.yaml"
    result = via_proxy.ok("export", cluster_name, "-f", target)
    text = target.read_text()
    assert "password_from_env: TEAM_A_PG_PASSWORD" in text
    assert "secret_from_env: TEAM_A_REGISTRY_SECRET" in text
    assert "pg-pw" not in text and "reg-secret" not in text and "***" not in text
    assert "TEAM_A_PG_PASSWORD" in result.err
    env = {"TEAM_A_PG_PASSWORD": "pg-pw-2", "TEAM_A_REGISTRY_SECRET": "reg-secret-1"}
    proxy.reset()
    again = via_proxy.ok("apply", "-f", "-", "--prune", env=env, input=text)  # from stdin
    assert "No changes" in again.out, again
    assert proxy.writes() == []
    wrong = via_proxy.ok("apply", "-f", target, "--dry-run",
                         env={**env, "TEAM_A_PG_PASSWORD": "guess"}).out
    assert "password: (changed)" in wrong


def test_a_failed_write_reports_exactly_what_was_applied(via_proxy, proxy, write):
    name = unique("cli-fail")
    via_proxy.ok("clusters", "create", name, "--type", "kubernetes")
    via_proxy.ok("namespaces", "create", "-c", name, "team-a")
    # someone else made 'shared' a database plan; the file wants a storage plan of that name
    via_proxy.ok("plans", "set", "-c", name, "-n", "team-a", "shared", "--kind", "database",
                 "--type", "ephemeral")
    path = write(textwrap.dedent(f"""
        cluster: {name}
        namespaces:
          - name: team-a
            plans:
              - {{name: first, kind: storage, type: ephemeral}}
              - {{name: shared, kind: storage, type: ephemeral}}
              - {{name: last, kind: storage, type: ephemeral}}
    """))
    proxy.reset()
    result = via_proxy("apply", "-f", path)
    assert result.code == 1, result
    assert "team-a plan shared: update failed" in result.err and "HTTP 409" in result.err
    assert "Applied 1 of 3 changes before the failure:" in result.err
    assert "create team-a plan first" in result.err
    assert "Not applied: 2" in result.err
    assert len(proxy.writes()) == 2  # first (ok) and shared (refused); never 'last'
    names = via_proxy.ok("plans", "list", "-c", name, "-n", "team-a", "-q").out.split()
    assert sorted(names) == ["first", "shared"]
