"""Namespace configuration and plans over HTTP: rules, secrets, agent credentials."""
import json

import boto3
import pytest

from chalicelib import settings
from tests.e2e.helpers import ONE, add_namespace

CONFIG = ONE + "/configuration/{section}"
PLANS = ONE + "/plans"


@pytest.fixture
def k8s(user):
    cid = user.post("/clusters", json={"name": "k", "type": "kubernetes"}).json()["cluster_id"]
    add_namespace(user, cid, "team-a")
    return {"cluster_id": cid, "namespace": "team-a"}


@pytest.fixture
def openshift(user):
    cid = user.post("/clusters", json={"name": "o", "type": "openshift"}).json()["cluster_id"]
    add_namespace(user, cid, "team-a")
    return {"cluster_id": cid, "namespace": "team-a"}


@pytest.fixture
def eks(user):
    cid = user.post("/clusters", json={"name": "e", "type": "kubernetes",
                                       "platform": "eks"}).json()["cluster_id"]
    add_namespace(user, cid, "team-a")
    return {"cluster_id": cid, "namespace": "team-a"}


def put(api, where, section, body):
    return api.put(CONFIG, section=section, json=body, **where)


def test_ingress_rules(user, k8s, openshift):
    resp = put(user, k8s, "ingress", {"type": "openshift_route", "tls": True})
    assert resp.status_code == 422 and "only on OpenShift" in resp.json()["message"]
    resp = put(user, k8s, "ingress", {"type": "ingress", "tls": False})
    assert resp.status_code == 422 and "domain" in resp.json()["message"]
    resp = put(user, k8s, "ingress", {"type": "ingress", "domain": "Not A Domain", "tls": True})
    assert resp.status_code == 422
    ok = put(user, k8s, "ingress", {"type": "ingress", "domain": "apps.example.com", "tls": True})
    assert ok.status_code == 200 and ok.json()["result"] == "created"
    assert ok.json()["settings"] == {"type": "ingress", "domain": "apps.example.com", "tls": True}
    again = put(user, k8s, "ingress", {"type": "ingress", "domain": "apps.example.com", "tls": True})
    assert again.json()["result"] == "unchanged"
    off = put(user, k8s, "ingress", {"type": "ingress", "domain": "apps.example.com", "tls": False})
    assert off.json()["result"] == "updated" and off.json()["settings"]["tls"] is False
    route = put(user, openshift, "ingress", {"type": "openshift_route", "tls": False})
    assert route.status_code == 200


def test_registry_rules_and_masked_secret(user, k8s, openshift, eks):
    assert put(user, k8s, "registry", {"type": "openshift4"}).status_code == 422
    assert put(user, openshift, "registry", {"type": "openshift4"}).status_code == 200
    ecr = {"type": "ecr", "pull_url": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/apps"}
    resp = put(user, k8s, "registry", ecr)
    assert resp.status_code == 422 and "EKS" in resp.json()["message"]
    assert put(user, eks, "registry", ecr).status_code == 200
    resp = put(user, k8s, "registry", {"type": "generic_auth", "pull_url": "registry.example.com/a"})
    assert resp.status_code == 422 and "'name'" in resp.json()["message"]
    body = {"type": "generic_auth", "pull_url": "registry.example.com/apps", "name": "robot",
            "secret": "s3cr3t-registry-token"}
    resp = put(user, k8s, "registry", body)
    assert resp.status_code == 200 and resp.json()["settings"]["secret"] == "***"
    got = user.get(CONFIG, section="registry", **k8s).json()
    assert got["settings"]["secret"] == "***" and "s3cr3t" not in json.dumps(got)
    assert user.get(CONFIG, section="nope", **k8s).status_code == 404
    assert put(user, k8s, "nope", {"type": "x"}).status_code == 404


def test_proxy_rules(user, k8s):
    assert put(user, k8s, "proxy", {"enabled": True}).status_code == 422
    assert put(user, k8s, "proxy", {"enabled": True, "host": "proxy.corp", "port": 70000}).status_code == 422
    assert put(user, k8s, "proxy", {"enabled": True, "host": "proxy.corp", "port": 3128,
                                    "user": "u"}).status_code == 422
    assert put(user, k8s, "proxy", {"enabled": False, "host": "x"}).status_code == 422
    resp = put(user, k8s, "proxy", {"enabled": True, "host": "proxy.corp", "port": 3128, "user": "u",
                                    "password": "proxy-pass-123", "no_proxy": "localhost,.svc"})
    assert resp.status_code == 200 and resp.json()["settings"]["password"] == "***"
    assert put(user, k8s, "proxy", {"enabled": False}).json()["settings"] == {"enabled": False}


def test_plans_create_update_list_deactivate(user, k8s):
    pg = {"name": "pg-main", "kind": "database", "type": "postgres", "host": "db.example.com",
          "port": 5432, "database": "apps", "user": "mx", "password": "pg-secret-1"}
    first = user.post(PLANS, json=pg, **k8s)
    assert first.status_code == 201 and first.json()["result"] == "created"
    assert first.json()["settings"]["password"] == "***"
    second = user.post(PLANS, json={**pg, "host": "db2.example.com"}, **k8s)
    assert second.status_code == 200 and second.json()["result"] == "updated"
    assert second.json()["settings"]["host"] == "db2.example.com"
    user.post(PLANS, json={"name": "files", "kind": "storage", "type": "minio",
                           "endpoint": "https://minio.example.com", "access_key": "AK",
                           "secret_key": "minio-secret-1"}, **k8s)
    user.post(PLANS, json={"name": "scratch", "kind": "database", "type": "ephemeral"}, **k8s)
    off = user.patch(PLANS + "/{plan}", plan="pg-main", json={"active": False}, **k8s)
    assert off.status_code == 200 and off.json()["active"] is False
    listed = {p["name"]: p for p in user.get(PLANS, **k8s).json()["items"]}
    assert set(listed) == {"pg-main", "files", "scratch"}  # deactivated plans stay listed
    assert listed["pg-main"]["active"] is False and listed["files"]["kind"] == "storage"
    assert all(p["created_at"] and p["updated_at"] for p in listed.values())
    on = user.patch(PLANS + "/{plan}", plan="pg-main", json={"active": True}, **k8s)
    assert on.json()["active"] is True


@pytest.mark.parametrize("body, words", [
    ({"name": "x", "kind": "database", "type": "minio"}, "one of postgres"),
    ({"name": "x", "kind": "database", "type": "postgres", "host": "h"}, "needs port"),
    ({"name": "x", "kind": "storage", "type": "s3", "region": "eu-west-1", "access_key": "a"}, "secret_key"),
    ({"name": "Bad_Name", "kind": "database", "type": "ephemeral"}, "DNS-1123"),
    ({"name": "x", "kind": "database", "type": "ephemeral", "host": "h"}, "takes no host"),
    ({"existing": "x", "name": "y"}, "either"),
])
def test_invalid_plans_are_422(user, k8s, body, words):
    resp = user.post(PLANS, json=body, **k8s)
    assert resp.status_code == 422 and words in resp.json()["message"], resp.text


def test_existing_plan_is_added_from_another_namespace(user, k8s):
    add_namespace(user, k8s["cluster_id"], "team-b")
    other = {**k8s, "namespace": "team-b"}
    user.post(PLANS, json={"name": "shared-s3", "kind": "storage", "type": "s3",
                           "region": "eu-west-1", "access_key": "AK", "secret_key": "s3-key-1"}, **other)
    resp = user.post(PLANS, json={"existing": "shared-s3"}, **k8s)
    assert resp.status_code == 201 and resp.json()["result"] == "added"
    assert resp.json()["type"] == "s3"
    assert user.post(PLANS, json={"existing": "shared-s3"}, **k8s).json()["result"] == "unchanged"
    missing = user.post(PLANS, json={"existing": "nowhere"}, **k8s)
    assert missing.status_code == 404


def test_s3_policy_has_the_account_filled_in(user, k8s):
    resp = user.get(PLANS + "/s3-policy", params={"account_id": "210987654321"}, **k8s)
    statements = resp.json()["policy"]["Statement"]
    assert statements[1]["Resource"] == ["arn:aws:iam::210987654321:user/mendix-*"]
    assert statements[0]["Resource"] == "arn:aws:s3:::mendix-*"
    assert user.get(PLANS + "/s3-policy", params={"account_id": "12"}, **k8s).status_code == 400


def test_namespace_credentials_reach_their_own_namespace_only(user, anon, k8s):
    install = user.get(ONE + "/installation", **k8s).json()["parameters"]
    agent = anon.as_(None)
    header = {"Authorization": f"Agent {install['namespace_id']}:{install['agent_secret']}"}
    resp = agent.put(CONFIG, section="ingress", headers=header,
                     json={"type": "ingress", "domain": "a.example.com", "tls": True}, **k8s)
    assert resp.status_code == 200 and resp.json()["updated_by"] == "agent:team-a"
    assert agent.post(PLANS, headers=header, json={"name": "eph", "kind": "database",
                                                   "type": "ephemeral"}, **k8s).status_code == 201
    wrong = {"Authorization": f"Agent {install['namespace_id']}:cma_nope"}
    assert agent.get(ONE + "/configuration", headers=wrong, **k8s).status_code == 401
    add_namespace(user, k8s["cluster_id"], "team-b")
    assert agent.get(ONE + "/configuration", headers=header,
                     **{**k8s, "namespace": "team-b"}).status_code == 404
    # user-only routes do not take namespace credentials
    assert agent.get(ONE, headers=header, **k8s).status_code == 401


def test_no_secret_value_anywhere_in_the_table(user, k8s):
    secrets = ["pg-secret-XYZ", "minio-secret-XYZ", "s3-secret-XYZ", "registry-secret-XYZ",
               "proxy-secret-XYZ"]
    user.post(PLANS, json={"name": "pg", "kind": "database", "type": "postgres", "host": "h.example.com",
                           "port": 5432, "database": "d", "user": "u", "password": secrets[0]}, **k8s)
    user.post(PLANS, json={"name": "mio", "kind": "storage", "type": "minio",
                           "endpoint": "https://m.example.com", "access_key": "a",
                           "secret_key": secrets[1]}, **k8s)
    user.post(PLANS, json={"name": "s3", "kind": "storage", "type": "s3", "region": "eu-west-1",
                           "access_key": "a", "secret_key": secrets[2]}, **k8s)
    put(user, k8s, "registry", {"type": "generic_auth", "pull_url": "r.example.com/x", "name": "n",
                                "secret": secrets[3]})
    put(user, k8s, "proxy", {"enabled": True, "host": "p.example.com", "port": 8080, "user": "u",
                             "password": secrets[4]})
    install = user.get(ONE + "/installation", **k8s).json()["parameters"]
    ddb = boto3.client("dynamodb")
    dump, key = [], None
    while True:
        page = ddb.scan(TableName=settings.table_name(), **({"ExclusiveStartKey": key} if key else {}))
        dump += page["Items"]
        key = page.get("LastEvaluatedKey")
        if not key:
            break
    text = json.dumps(dump)
    for secret in secrets + [install["agent_secret"]]:
        assert secret not in text
    # … and every one of them is retrievable where it belongs
    sm = boto3.client("secretsmanager")
    prefix = f"{settings.secrets_prefix()}namespaces/{install['namespace_id']}/"
    stored = [s["Name"] for s in sm.list_secrets(
        Filters=[{"Key": "name", "Values": [prefix]}])["SecretList"] if s["Name"].startswith(prefix)]
    assert len(stored) >= 6


def test_catalogue_is_served_to_any_signed_in_user(user, anon):
    got = user.get("/catalogue")
    assert got.status_code == 200
    doc = got.json()
    kinds = {p["kind"]: {t["type"]: t for t in p["types"]} for p in doc["plans"]}
    assert set(kinds) == {"database", "storage"}
    assert set(kinds["storage"]) == {"minio", "s3", "ephemeral"}
    postgres = {f["name"]: f for f in kinds["database"]["postgres"]["fields"]}
    assert postgres["password"]["secret"] is True and postgres["host"]["secret"] is False
    assert postgres["port"]["default"] == 5432 and postgres["port"]["maximum"] == 65535
    registry = next(s for s in doc["sections"] if s["section"] == "registry")
    ecr = next(v for v in registry["variants"] if v["value"] == "ecr")
    assert ecr["requires"] == {"platform": ["eks"]}
    proxy = next(s for s in doc["sections"] if s["section"] == "proxy")
    assert proxy["discriminator"] == "enabled" and {v["value"] for v in proxy["variants"]} == {True, False}
    assert anon.get("/catalogue").status_code == 401


def _stored(namespace_id: str, sk: str):
    from chalicelib import models, secret_store

    item = models.Item.get(models.namespace_pk(namespace_id), sk, consistent_read=True)
    return item.settings, secret_store.get(item.secret_ref)


@pytest.mark.parametrize("target", ["plan", "section"])
def test_a_write_that_loses_a_race_leaves_no_secret_behind(user, k8s, target):
    """Concurrent writes of one plan (or section): whichever is accepted, the
    stored settings and the stored secret come from that same write, and no
    loser's secret is left in the store."""
    from concurrent.futures import ThreadPoolExecutor

    from chalicelib import models, secret_store

    namespace_id = user.get(ONE, **k8s).json()["namespace_id"]

    def body(i: int) -> dict:
        if target == "plan":
            return {"name": "pg", "kind": "database", "type": "postgres", "port": 5432,
                    "host": f"db-{i}.example.com", "database": "d", "user": "u",
                    "password": f"password-{i}"}
        return {"type": "generic_auth", "pull_url": f"r{i}.example.com/apps", "name": "robot",
                "secret": f"password-{i}"}

    def write(i: int):
        if target == "plan":
            return user.post(PLANS, json=body(i), **k8s).status_code
        return put(user, k8s, "registry", body(i)).status_code

    sk = models.plan_sk("pg") if target == "plan" else models.config_sk("registry")
    for round_ in range(6):
        with ThreadPoolExecutor(4) as pool:
            statuses = list(pool.map(write, range(round_ * 4, round_ * 4 + 4)))
        assert 409 in statuses or len(set(statuses)) == 1, statuses
        settings, secret = _stored(namespace_id, sk)
        winner = (settings["host"] if target == "plan" else settings["pull_url"]).split(".")[0]
        assert secret == ({"password": f"password-{winner.split('-')[-1]}"} if target == "plan"
                          else {"secret": f"password-{winner[1:]}"})
        assert len(secret_store.namespace_refs(namespace_id)) == 2  # the agent's and this one


def test_ecr_becomes_possible_once_the_platform_is_set(user, k8s):
    ecr = {"type": "ecr", "pull_url": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/apps"}
    refused = put(user, k8s, "registry", ecr)
    assert refused.status_code == 422 and "PATCH" in refused.json()["message"]
    patched = user.patch("/clusters/{cluster_id}", cluster_id=k8s["cluster_id"],
                         json={"platform": "eks"})
    assert patched.status_code == 200 and patched.json()["platform"] == "eks"
    assert put(user, k8s, "registry", ecr).status_code == 200


def test_a_plan_cannot_take_the_name_of_a_route(user, k8s):
    resp = user.post(PLANS, json={"name": "s3-policy", "kind": "database", "type": "ephemeral"},
                     **k8s)
    assert resp.status_code == 422 and "reserved" in resp.json()["message"]
