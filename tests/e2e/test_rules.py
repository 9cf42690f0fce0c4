"""Rules of the reference that worked but that no test protected (issue 12 item 22)."""
import pytest

from tests.e2e.helpers import ONE, add_namespace

ENVS = ONE + "/environments"
ENV = ENVS + "/{env}"
PLANS = ONE + "/plans"
CONFIG = ONE + "/configuration/{section}"


def namespace_with_plans(user, cluster_type="kubernetes", installation_type="connected"):
    cid = user.post("/clusters", json={"name": "rules", "type": cluster_type}).json()["cluster_id"]
    add_namespace(user, cid, "team-a", installation_type)
    where = {"cluster_id": cid, "namespace": "team-a"}
    for plan in ({"name": "db", "kind": "database", "type": "ephemeral"},
                 {"name": "files", "kind": "storage", "type": "ephemeral"}):
        assert user.post(PLANS, json=plan, **where).status_code == 201
    return where


def env_body(name, database="db", storage="files"):
    return {"name": name, "database_plan": database, "storage_plan": storage}


@pytest.mark.parametrize("name", ["mendix-operator", "mendix-agent"])
def test_the_tools_names_are_reserved(user, name):
    where = namespace_with_plans(user)
    resp = user.post(ENVS, json=env_body(name), **where)
    assert resp.status_code == 422 and resp.json()["error"] == "reserved_name"
    assert name in resp.json()["message"]
    assert user.get(ENVS, **where).json()["items"] == []


def test_environment_names_are_unique_in_a_namespace(user):
    where = namespace_with_plans(user)
    assert user.post(ENVS, json=env_body("shop"), **where).status_code == 201
    resp = user.post(ENVS, json=env_body("shop"), **where)
    assert resp.status_code == 409 and resp.json()["error"] == "environment_exists"
    assert [e["name"] for e in user.get(ENVS, **where).json()["items"]] == ["shop"]


def test_a_deactivated_plan_refuses_new_environments_and_keeps_serving_existing_ones(user):
    from chalicelib import models, workflows

    where = namespace_with_plans(user)
    assert user.post(ENVS, json=env_body("old"), **where).status_code == 201
    off = user.patch(PLANS + "/{plan}", plan="db", json={"active": False}, **where)
    assert off.status_code == 200 and off.json()["active"] is False
    resp = user.post(ENVS, json=env_body("new"), **where)
    assert resp.status_code == 409 and resp.json()["error"] == "plan_inactive"
    assert user.get(ENV, env="new", **where).status_code == 404
    # the existing environment still works with it: it is there, and can be deleted
    # (deprovisioned through the plan) once its provisioning is over
    old = user.get(ENV, env="old", **where).json()
    assert old["database_plan"] == "db"
    namespace_id = user.get(ONE, **where).json()["namespace_id"]
    item = models.Environment.get(models.namespace_pk(namespace_id), models.environment_sk("old"))
    workflows.stop(item.execution_arn)  # (no agent here: stand in for a finished run)
    item.update(actions=[models.Environment.state.set("ready")])
    resp = user.delete(ENV, env="old", **where)
    assert resp.status_code == 202 and resp.json()["state"] == "deprovisioning"
    on = user.patch(PLANS + "/{plan}", plan="db", json={"active": True}, **where)
    assert on.status_code == 200
    assert user.post(ENVS, json=env_body("new"), **where).status_code == 201


def test_a_standalone_namespace_refuses_environments(user):
    where = namespace_with_plans(user, installation_type="standalone")
    resp = user.post(ENVS, json=env_body("shop"), **where)
    assert resp.status_code == 409 and resp.json()["error"] == "standalone_namespace"
    assert user.get(ENVS, **where).json()["items"] == []


def test_a_generic_registry_needs_no_credentials_and_refuses_them(user):
    where = namespace_with_plans(user)
    plain = {"type": "generic", "pull_url": "registry.example.com/apps"}
    resp = user.put(CONFIG, section="registry", json=plain, **where)
    assert resp.status_code == 200, resp.text
    assert resp.json()["settings"]["type"] == "generic"
    resp = user.put(CONFIG, section="registry",
                    json={**plain, "name": "robot", "secret": "s3cr3t"}, **where)
    assert resp.status_code == 422 and "generic_auth" in resp.json()["message"]


def test_an_openshift3_registry_only_on_openshift(user):
    openshift = namespace_with_plans(user, cluster_type="openshift")
    resp = user.put(CONFIG, section="registry", json={"type": "openshift3"}, **openshift)
    assert resp.status_code == 200, resp.text
    assert resp.json()["settings"]["type"] == "openshift3"
    kubernetes = namespace_with_plans(user)
    resp = user.put(CONFIG, section="registry", json={"type": "openshift3"}, **kubernetes)
    assert resp.status_code == 422 and "OpenShift" in resp.json()["message"]
