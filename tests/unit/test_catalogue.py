"""The catalogue's own rules: its public JSON (what GET /catalogue serves),
its lookups, and the facts the script and the forms rely on."""
import json

from chalicelib.catalogue import CATALOGUE, Variant

SECRET_FIELDS = {("database", "postgres", "password"), ("storage", "minio", "secret_key"),
                 ("storage", "s3", "secret_key"), ("registry", "generic_auth", "secret"),
                 ("proxy", True, "password")}


def every_field():
    for group in (*CATALOGUE.plans, *CATALOGUE.sections):
        for variant in group.variants:
            for f in variant.fields:
                yield group, variant, f


def test_public_json_has_every_kind_type_section_and_field():
    doc = CATALOGUE.public()
    json.dumps(doc)  # plain JSON
    assert [p["kind"] for p in doc["plans"]] == ["database", "storage"]
    types = {p["kind"]: [t["type"] for t in p["types"]] for p in doc["plans"]}
    assert types == {"database": ["postgres", "ephemeral"], "storage": ["minio", "s3", "ephemeral"]}
    assert [s["section"] for s in doc["sections"]] == ["ingress", "registry", "proxy"]
    assert doc["plan_common"][0]["name"] == "name"
    proxy = doc["sections"][2]
    assert proxy["discriminator"] == "enabled" and proxy["prompt"] == \
        "Do you want to configure the proxy?"
    assert [v["value"] for v in proxy["variants"]] == [True, False]
    host = proxy["variants"][0]["fields"][0]
    assert host["name"] == "host" and host["option"] == "proxy-host" and host["secret"] is False
    assert "default" not in host  # keys without a value are left out


def test_public_json_says_which_fields_are_secret_and_holds_no_values():
    doc = CATALOGUE.public()
    secret = set()
    for p in doc["plans"]:
        for t in p["types"]:
            secret |= {(p["kind"], t["type"], f["name"]) for f in t["fields"] if f["secret"]}
    for s in doc["sections"]:
        for v in s["variants"]:
            secret |= {(s["section"], v["value"], f["name"]) for f in v["fields"] if f["secret"]}
    assert secret == SECRET_FIELDS
    for _, _, f in every_field():
        if f.secret:
            assert "default" not in f.public()


def test_requires_and_relations_are_public():
    doc = CATALOGUE.public()
    registry = {v["value"]: v for v in doc["sections"][1]["variants"]}
    assert registry["ecr"]["requires"] == {"platform": ["eks"]}
    assert registry["openshift4"]["requires"] == {"cluster_type": ["openshift"]}
    assert registry["generic"]["requires"] == {}
    push = next(f for f in registry["generic"]["fields"] if f["name"] == "push_url")
    assert push["default_from"] == "pull_url"
    password = next(f for f in doc["sections"][2]["variants"][0]["fields"]
                    if f["name"] == "password")
    assert password["goes_with"] == "user"


def test_every_field_is_an_option_of_the_script_and_fields_that_point_exist():
    for group, variant, f in every_field():
        assert f.option and f.option.startswith(group.name + "-"), (group.name, f.name)
        names = {g.name for g in variant.fields}
        for other in (f.default_from, f.goes_with):
            assert other is None or other in names, (variant.value, f.name, other)
        if f.type == "integer":
            assert f.minimum is not None and f.maximum is not None


def test_lookups():
    assert CATALOGUE.plan_kind("storage").variant("s3").hint == "s3_policy"
    assert CATALOGUE.plan_kind("nope") is None and CATALOGUE.section("nope") is None
    assert CATALOGUE.plan_type("minio").label == "MinIO"
    assert CATALOGUE.plan_types == ("postgres", "ephemeral", "minio", "s3")
    assert list(CATALOGUE.section("registry").all_fields()) == [
        "pull_url", "push_url", "repository", "name", "secret"]
    assert CATALOGUE.plan_fields()["port"].default == 5432  # the first seen wins


def test_with_plan_type_is_a_copy():
    extra = Variant("nfs", "NFS")
    copy = CATALOGUE.with_plan_type("storage", extra)
    assert copy.plan_type("nfs") is extra and CATALOGUE.plan_type("nfs") is None
    assert copy.plan_kind("database") is CATALOGUE.plan_kind("database")
