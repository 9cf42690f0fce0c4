"""The apply file's validation and the plan's secret comparison, without a
stack: the catalogue is the one the API serves (``CATALOGUE.public()``), so
the CLI's reading of its shape is checked against the real thing."""
import textwrap

import pytest
import yaml
from cluster_manager_cli import planner, spec

from chalicelib.catalogue import CATALOGUE
from chalicelib.domain import digests

RIGHTS = {"manage_environment", "deploy_app", "view_logs", "view_metrics"}


@pytest.fixture(scope="module")
def catalogue():
    return CATALOGUE.public()


def check(text: str, catalogue, tmp_path=None, **kw):
    data = yaml.safe_load(textwrap.dedent(text))
    return spec.check(data, catalogue, rights=RIGHTS, base=tmp_path, **kw)


def problems(text: str, catalogue, tmp_path=None, **kw) -> list[str]:
    with pytest.raises(spec.SpecError) as err:
        check(text, catalogue, tmp_path, **kw)
    return err.value.problems


def test_the_shape_the_cli_reads_is_the_one_served(catalogue):
    kinds = {p["kind"]: [t["type"] for t in p["types"]] for p in catalogue["plans"]}
    assert "postgres" in kinds["database"] and "minio" in kinds["storage"]
    sections = {s["section"]: s for s in catalogue["sections"]}
    assert set(sections) >= {"ingress", "registry", "proxy"}
    assert sections["proxy"]["discriminator"] == "enabled"


def test_a_valid_file_resolves_secrets_and_applies_defaults(catalogue, tmp_path, monkeypatch):
    monkeypatch.setenv("PG_PASSWORD", "pw-1")
    (tmp_path / "minio.key").write_text("mk-1\n")
    desired = check("""
        cluster: prod
        type: openshift
        namespaces:
          - name: team-a
            configuration:
              ingress: {type: openshift_route, tls: true}
              proxy: {enabled: false}
            plans:
              - {name: pg, kind: database, type: postgres, host: db.example.com,
                 database: apps, user: mx, password_from_env: PG_PASSWORD}
              - {name: files, kind: storage, type: minio, endpoint: "https://minio.example.com",
                 access_key: AK, secret_key_from_file: minio.key}
              - {existing: shared}
            members:
              - {email: Bob@Example.com, role: custom, rights: [view_logs]}
            operate: {logs_url: "https://logs.example.com"}
    """, catalogue, tmp_path)
    ns = desired["namespaces"][0]
    pg, files, shared = ns["plans"]
    assert pg["settings"]["port"] == 5432  # the catalogue's default
    assert pg["secrets"] == {"password": "pw-1"} and "password" not in pg["settings"]
    assert files["secrets"] == {"secret_key": "mk-1"}  # from the file, relative to it
    assert shared == {"existing": "shared", "name": "shared", "active": True}
    assert ns["members"][0]["email"] == "bob@example.com"
    assert ns["configuration"]["proxy"]["body"] == {"enabled": False}


def test_every_problem_is_reported_with_its_path(catalogue, monkeypatch):
    monkeypatch.delenv("MISSING_PW", raising=False)
    found = problems("""
        cluster: prod
        type: kubernetes
        colour: blue
        namespaces:
          - name: ok
          - name: team-b
            plans:
              - {name: pg, kind: database, type: postgres, host: db.example.com, port: "5432",
                 database: apps, user: mx, password_from_env: MISSING_PW}
              - {name: s3, kind: storage, type: s3, region: eu-west-1, access_key: AK,
                 secret_key: plain-text-secret}
              - {name: x, kind: database, type: mysql}
            configuration:
              ingress: {type: openshift_route, tls: "yes"}
              registry: {type: generic, pull_url: registry.example.com, flavour: x}
              cache: {}
            members:
              - {email: not-an-email, role: developer}
              - {email: c@example.com, role: custom}
              - {email: d@example.com, role: custom, rights: [fly]}
              - {email: e@example.com, role: developer, rights: [view_logs]}
            operate: {logs_url: "ftp://x", grafana: "https://g"}
          - name: Bad_Name
          - name: ok
    """, catalogue)
    expected = [
        "colour: unknown field",
        "namespaces[1].plans[0].port: must be an integer",
        "namespaces[1].plans[0].password_from_env: environment variable MISSING_PW is not set",
        "namespaces[1].plans[1].secret_key: is a secret: never put its value in the file",
        "namespaces[1].plans[2].type: a database plan's type must be one of postgres, ephemeral",
        "namespaces[1].configuration.ingress.type: type 'openshift_route' needs cluster_type "
        "openshift; this cluster's cluster_type is kubernetes",
        "namespaces[1].configuration.ingress.tls: must be true or false",
        "namespaces[1].configuration.registry.flavour: unknown field",
        "namespaces[1].configuration.cache: unknown field",
        "namespaces[1].members[0].email: must be an email address",
        "namespaces[1].members[1].rights: is required with role custom",
        "namespaces[1].members[2].rights[0]: unknown right 'fly'",
        "namespaces[1].members[3].rights: only with role custom",
        "namespaces[1].operate.logs_url: must be a URL",
        "namespaces[1].operate.grafana: unknown field",
        "namespaces[2].name: must be a DNS-1123 label",
        "namespaces[3].name: 'ok' is listed twice",
    ]
    for line in expected:
        assert any(p.startswith(line) for p in found), f"{line!r} not in {found}"
    assert len(found) == len(expected), found


def test_section_rules_follow_the_cluster_not_just_the_file(catalogue):
    text = """
        cluster: prod
        namespaces:
          - name: a
            configuration:
              registry: {type: ecr, pull_url: 1234.dkr.ecr.eu-west-1.amazonaws.com/apps}
    """
    assert any("needs platform eks" in p for p in problems(text, catalogue,
                                                           cluster_type="kubernetes"))
    check(text, catalogue, cluster_type="kubernetes", platform="eks")


def test_malformed_yaml_names_the_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("cluster: prod\nnamespaces:\n  - name: [a\n")
    with pytest.raises(spec.SpecError) as err:
        spec.load(str(bad))
    assert "line " in err.value.problems[0] and "not valid YAML" in err.value.problems[0]
    (tmp_path / "list.yaml").write_text("- a\n- b\n")
    with pytest.raises(spec.SpecError, match="must be a mapping"):
        spec.load(str(tmp_path / "list.yaml"))


def test_the_cli_reads_the_apis_secret_digests():
    """The digest the backend stores is the one the CLI compares with."""
    stored = digests.digest("s3cret")
    fields = [{"name": "password", "secret": True}]
    held = {"password": "***"}
    assert planner.diff_secrets(fields, {"password": "s3cret"}, held, {"password": stored}) == (
        ["password: (unchanged)"], False)
    assert planner.diff_secrets(fields, {"password": "other"}, held, {"password": stored}) == (
        ["password: (changed)"], True)
    assert planner.diff_secrets(fields, {}, held, {"password": stored}) == (
        ["password: (removed)"], True)
    assert planner.diff_secrets(fields, {"password": "x"}, None, None) == (
        ["password: (set)"], False)
    # no digest (e.g. written before digests existed): cannot prove it unchanged
    assert planner.diff_secrets(fields, {"password": "s3cret"}, held, None)[1] is True
