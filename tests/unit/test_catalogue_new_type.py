"""Adding a plan type is one catalogue entry: a made-up type, added to a copy
of the catalogue, shows up in the OpenAPI document, in the validator and in
the reconfiguration script (its --help, its non-interactive form and its
interactive menus), with no other change.  A second made-up type needs a
platform this cluster is not on: the script neither offers nor takes it."""
from types import SimpleNamespace

import pexpect
import pytest

from chalicelib.api import openapi, schemas
from chalicelib.catalogue import CATALOGUE, HOST, Field, Variant
from chalicelib.domain import forms
from chalicelib.scripts.reconfiguration import render_reconfiguration_script
from tests.unit.test_reconfiguration_script import PARAMS, FakeApi, run, spawn

NFS = Variant("nfs", "NFS share", note="NFS: files on a shared NFS export.", fields=(
    Field("server", "Server", max_length=253, pattern=HOST, option="storage-server",
          metavar="HOST", prompt="Server (e.g. nfs.example.com)",
          description="The NFS server's DNS name or IP address"),
    Field("export", "Export", required=False, max_length=1024, pattern=r"^/[^\s]*$",
          option="storage-export", metavar="PATH", prompt="Export path (optional)",
          description="The exported directory", invalid="'export' must be an absolute path"),
    Field("token", "Token", secret=True, max_length=256, option="storage-token",
          prompt="Token", description="The share's access token (write-only)"),
))
GCS = Variant("gcs", "Google Cloud Storage", requires={"platform": ["gke"]}, fields=(
    Field("bucket_prefix", "Bucket prefix", option="storage-bucket-prefix", prompt="Prefix",
          description="What bucket names start with"),))
COPY = CATALOGUE.with_plan_type("storage", NFS).with_plan_type("storage", GCS)
EKS = SimpleNamespace(type="kubernetes", platform="eks")


def test_the_copy_leaves_the_catalogue_alone():
    assert CATALOGUE.plan_type("nfs") is None and COPY.plan_type("nfs") is NFS
    assert [v.value for v in COPY.plan_kind("storage").variants] == [
        "minio", "s3", "ephemeral", "nfs", "gcs"]


def test_it_is_in_the_openapi_document(monkeypatch):
    import app  # noqa: F401  (registers the routes the document is made of)

    def plan_schema():
        return openapi.document.__wrapped__()["components"]["schemas"]["PlanCreate"]

    assert "server" not in plan_schema()["properties"]
    monkeypatch.setattr(schemas, "PlanCreate", schemas.plan_model(COPY))
    schema = plan_schema()
    type_ = schema["properties"]["type"]["anyOf"][0]
    assert "nfs" in type_["enum"] and "gcs" in type_["enum"]
    server = schema["properties"]["server"]
    assert server["pattern"] == HOST and server["description"] == NFS.fields[0].description
    assert schema["properties"]["token"]["writeOnly"] is True


def test_it_is_in_the_validator():
    group, variant = COPY.plan_kind("storage"), COPY.plan_type("nfs")
    body = {"name": "shared", "kind": "storage", "type": "nfs", "server": "nfs.example.com",
            "token": "t0ken"}
    settings, secrets, problems = forms.check(group, variant, body, EKS, subject="a nfs plan",
                                              others=COPY.plan_fields())
    assert problems == []
    assert settings == {"server": "nfs.example.com", "export": None}
    assert secrets == {"token": "t0ken"}
    _, _, problems = forms.check(group, variant, {"export": "relative", "region": "eu-west-1"},
                                 EKS, subject="a nfs plan", others=COPY.plan_fields())
    assert problems == ["a nfs plan needs server, token", "a nfs plan takes no region",
                        "'export' must be an absolute path"]
    _, _, problems = forms.check(group, COPY.plan_type("gcs"), {"bucket_prefix": "x"}, EKS,
                                 subject="a gcs plan", others=COPY.plan_fields())
    assert problems == ["type 'gcs' works only on clusters with platform gke"]


class ValidatingApi(FakeApi):
    """The fake API, refusing plans the way the real one would, by the copy."""

    def answer(self, method, path, body):
        if method == "POST" and path.endswith("/plans"):
            group = COPY.plan_kind(body.get("kind"))
            variant = group.variant(body.get("type"))
            settings, _, problems = forms.check(group, variant, body, EKS,
                                                subject=f"a {variant.value} plan",
                                                others=COPY.plan_fields())
            if problems:
                return 422, {"error": "invalid_plan",
                             "message": "The plan is not valid: " + "; ".join(problems) + "."}
            return 201, {**{k: body[k] for k in ("name", "kind", "type")}, "active": True,
                         "settings": forms.mask(variant, settings, True), "result": "created"}
        return super().answer(method, path, body)


@pytest.fixture
def api():
    fake = ValidatingApi()
    yield fake
    fake.server.shutdown()


@pytest.fixture
def script(tmp_path, api):
    path = tmp_path / "reconfigure.sh"
    path.write_text(render_reconfiguration_script(
        api_url=api.url, cluster_type="kubernetes", platform="eks", catalogue=COPY, **PARAMS))
    return path


def test_it_is_in_the_scripts_help(script):
    out = run(script, "--help")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "--storage TYPE                 this cluster: minio, s3, ephemeral, nfs\n" in text
    assert "gcs" not in text and "--storage-bucket-prefix" not in text  # not on this platform
    assert "--storage-server HOST          nfs: The NFS server's DNS name or IP address\n" in text
    assert "--storage-export PATH          nfs; optional: The exported directory\n" in text
    assert "--storage-token-file FILE      nfs: The share's access token (write-only); or " \
           "CM_STORAGE_TOKEN\n" in text
    assert "storage token" in text  # among the secrets


def test_it_is_in_the_scripts_non_interactive_form(script, api, tmp_path):
    (tmp_path / "token").write_text("t0ken\n")
    out = run(script, "--storage", "nfs", "--storage-plan", "shared", "--storage-server",
              "nfs.example.com", "--storage-export", "/exports/apps", "--storage-token-file",
              "token", cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Storage plan 'shared' (NFS share): created" in out.stdout
    assert "token: ***" in out.stdout and "t0ken" not in out.stdout
    assert api.writes() == [("POST", "/plans", {
        "name": "shared", "kind": "storage", "type": "nfs", "server": "nfs.example.com",
        "export": "/exports/apps", "token": "t0ken"})]

    refused = run(script, "--storage", "nfs", "--storage-plan", "shared", "--storage-server",
                  "nfs.example.com", "--storage-export", "relative", "--proxy", "no",
                  env={"CM_STORAGE_TOKEN": "t0ken"})
    assert refused.returncode == 1  # the API's (the validator's) word, the other item saved
    assert "'export' must be an absolute path. (HTTP 422, invalid_plan)" in refused.stderr
    assert "Proxy (off): created" in refused.stdout

    for args, words in [
        (["--storage", "nfs", "--storage-plan", "s"],
         ["--storage nfs needs --storage-server.", "--storage nfs needs the token: "
          "--storage-token-file FILE, storage-token= in the --config file, or CM_STORAGE_TOKEN."]),
        (["--storage", "gcs", "--storage-plan", "s", "--storage-bucket-prefix", "x"],
         ["--storage gcs cannot be used on this cluster: type 'gcs' works only on clusters "
          "with platform gke."]),
        (["--storage", "minio", "--storage-server", "x"],
         ["--storage-server does not apply to --storage minio."]),
        (["--storage", "webdav"], ["--storage must be minio, s3, ephemeral, nfs or gcs, "
                                   "not 'webdav'."]),
    ]:
        out = run(script, *args)
        assert out.returncode == 2, out.stdout + out.stderr
        for w in words:
            assert w in out.stderr, (w, out.stderr)
    assert len(api.writes()) == 3  # the wrong options sent nothing


def test_it_is_in_the_scripts_menus(script, api, tmp_path):
    child = spawn(script, tmp_path)
    child.expect_exact("What do you want to do?")
    child.sendline("2")
    child.expect_exact("Go back to the start")
    child.sendline("2")
    child.expect_exact("Pick a storage type:")
    child.expect_exact("Type a number")
    shown = [line.strip() for line in child.before.splitlines() if ") " in line]
    assert shown == ["1) MinIO", "2) Amazon S3", "3) Ephemeral", "4) NFS share",
                     "5) Go back to the start"]  # no Google Cloud Storage on EKS
    child.sendline("4")
    child.expect_exact("NFS: files on a shared NFS export.")
    for prompt, answer in [("Plan name", "shared"), ("Server (e.g. nfs.example.com)", "nfs.local"),
                           ("Export path (optional)", "relative"),
                           ("Token (typing is hidden)", "t0ken")]:
        child.expect_exact(prompt)
        child.sendline(answer)
    child.expect_exact("'export' must be an absolute path. (HTTP 422, invalid_plan)")
    child.expect_exact('Answer again, or choose "Go back to the start".')
    child.expect_exact("Pick a storage type:")
    child.sendline("4")
    for prompt, answer in [("Plan name [shared]", ""),
                           ("Server (e.g. nfs.example.com) [nfs.local]", ""),
                           ("Export path (optional) [relative; '-' for none]", "-"),
                           ("Token (typing is hidden)", "t0ken")]:
        child.expect_exact(prompt)  # the answers given are offered again
        child.sendline(answer)
    child.expect_exact("Storage plan 'shared' (NFS share): created")
    child.expect_exact("What do you want to do?")
    child.sendline("0")
    child.expect(pexpect.EOF)
    assert [w[2] for w in api.writes()] == [
        {"name": "shared", "kind": "storage", "type": "nfs", "server": "nfs.local",
         "export": "relative", "token": "t0ken"},
        {"name": "shared", "kind": "storage", "type": "nfs", "server": "nfs.local",
         "token": "t0ken"}]


def test_a_catalogue_the_script_cannot_follow_is_refused_when_rendering():
    params = dict(PARAMS, api_url="https://api.example.com", cluster_type="kubernetes",
                  platform=None)
    hinted = CATALOGUE.with_plan_type("storage", Variant("x", "X", hint="no_such_hint"))
    with pytest.raises(ValueError, match="no_such_hint"):
        render_reconfiguration_script(**params, catalogue=hinted)
    clash = CATALOGUE.with_plan_type("storage", Variant("y", "Y", fields=(
        Field("endpoint", "Endpoint", type="integer", option="storage-endpoint"),)))
    with pytest.raises(ValueError, match="storage-endpoint"):
        render_reconfiguration_script(**params, catalogue=clash)
    unnamed = CATALOGUE.with_plan_type("storage", Variant("z", "Z", fields=(
        Field("zone", "Zone"),)))
    with pytest.raises(ValueError, match="option None"):
        render_reconfiguration_script(**params, catalogue=unnamed)
    tabbed = CATALOGUE.with_plan_type("storage", Variant("t", "T\tT"))
    with pytest.raises(ValueError, match="tabs"):
        render_reconfiguration_script(**params, catalogue=tabbed)
