"""Adding an existing plan by name (seed §4.5.1) when the manager does not
know it but the cluster does: the real agent reads it from the operator's
configuration; secrets never leave the cluster, so a plan that needs one is
registered deactivated until its secret is sent again."""
import json
import uuid

import pytest

from tests.agent.process import AgentProcess, installation_parameters, wait_for
from tests.e2e.helpers import ONE, add_namespace

PLANS = ONE + "/plans"


def leftover_configuration(sim, namespace: str) -> None:
    """What an earlier installation left in the cluster: the operator's
    configuration with plans the manager has never heard of."""
    spec = {"namespace": namespace, "storage_plans": [
        {"name": "old-files", "type": "ephemeral", "active": True, "secret_ref": None}],
        "database_plans": [
        {"name": "legacy-pg", "type": "postgres", "active": True, "host": "db.example.com",
         "port": 5432, "database": "apps", "user": "mx",
         "secret_ref": "arn:gone/namespaces/old/plans/legacy-pg"}]}
    (sim / "operator-config.json").write_text(json.dumps(
        {"kind": "OperatorConfiguration", "issued_at": "2020-01-01T00:00:00Z", "spec": spec}))


@pytest.fixture
def connected(user, cluster, tmp_path):
    name = f"plans-{uuid.uuid4().hex[:6]}"
    add_namespace(user, cluster["cluster_id"], name)
    where = {"cluster_id": cluster["cluster_id"], "namespace": name}
    sim = tmp_path / "sim"
    with AgentProcess(installation_parameters(user, where), sim):
        wait_for(lambda: user.get(ONE, **where).json()["status"] == "connected", 30,
                 "the agent to connect")
        leftover_configuration(sim, name)
        yield where


def test_a_plan_only_the_cluster_knows_is_registered(user, connected):
    added = user.post(PLANS, json={"existing": "legacy-pg"}, **connected)
    assert added.status_code == 201, added.text
    plan = added.json()
    assert plan["result"] == "added" and plan["kind"] == "database" and plan["type"] == "postgres"
    assert plan["settings"] == {"host": "db.example.com", "port": 5432, "database": "apps",
                                "user": "mx"}
    assert plan["active"] is False and plan["missing_secrets"] == ["password"]

    # asked before any change is pushed: the next configuration replaces the old one
    ephemeral = user.post(PLANS, json={"existing": "old-files"}, **connected).json()
    assert ephemeral["kind"] == "storage" and ephemeral["active"] is True

    refused = user.patch(PLANS + "/{plan}", plan="legacy-pg", json={"active": True}, **connected)
    assert refused.status_code == 409 and "password" in refused.json()["message"]
    full = {"name": "legacy-pg", "kind": "database", "type": "postgres", "host": "db.example.com",
            "port": 5432, "database": "apps", "user": "mx", "password": "sent-again"}
    assert user.post(PLANS, json=full, **connected).json()["result"] == "updated"
    on = user.patch(PLANS + "/{plan}", plan="legacy-pg", json={"active": True}, **connected)
    assert on.status_code == 200 and on.json()["active"] is True
    assert on.json()["missing_secrets"] == []

    nowhere = user.post(PLANS, json={"existing": "nowhere"}, **connected)
    assert nowhere.status_code == 404 and "nor in namespace" in nowhere.json()["message"]


def test_without_a_connected_agent_the_cluster_cannot_be_asked(user, cluster):
    add_namespace(user, cluster["cluster_id"], "offline")
    where = {"cluster_id": cluster["cluster_id"], "namespace": "offline"}
    resp = user.post(PLANS, json={"existing": "legacy-pg"}, **where)
    assert resp.status_code == 404 and "no connected agent" in resp.json()["message"]
