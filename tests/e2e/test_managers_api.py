"""Cluster managers (issue 12 item 17): the creator shares the running of a cluster."""
import pytest

from tests.e2e.helpers import MEMBERS, NS, ONE, add_namespace, invitation_token

MANAGERS = "/clusters/{cluster_id}/managers"
MANAGER = MANAGERS + "/{email}"


@pytest.fixture
def shared(user, other_user, cluster):
    cid = cluster["cluster_id"]
    add_namespace(user, cid, "team-a")
    resp = user.put(MANAGER, cluster_id=cid, email=other_user.email.upper())
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"creator": user.email, "managers": [other_user.email]}
    return cid


def test_a_manager_runs_the_cluster_but_cannot_touch_the_creator(stack, user, other_user, mint,
                                                                 shared):
    from tests.apiclient import Api, unique_email

    cid, manager = shared, other_user
    listed = manager.get("/clusters").json()["items"]
    assert [(c["cluster_id"], c["my_role"]) for c in listed] == [(cid, "manager")]
    assert listed[0]["namespaces"][0]["my_rights"] == user.get(
        "/clusters/{cluster_id}", cluster_id=cid).json()["namespaces"][0]["my_rights"]
    # namespaces, members and plans
    assert add_namespace(manager, cid, "team-b")["name"] == "team-b"
    invitee = unique_email("invitee")
    resp = manager.post(MEMBERS, cluster_id=cid, namespace="team-b",
                        json={"email": invitee, "role": "developer"})
    assert resp.status_code == 201, resp.text
    joined = Api(stack.api_url, mint(invitee))
    assert joined.post("/invitations/{token}/accept",
                       token=invitation_token(stack, invitee)).status_code == 200
    assert manager.patch(MEMBERS + "/{email}", cluster_id=cid, namespace="team-b", email=invitee,
                         json={"role": "administrator"}).status_code == 200
    assert manager.post(ONE + "/plans", cluster_id=cid, namespace="team-b",
                        json={"name": "eph", "kind": "database",
                              "type": "ephemeral"}).status_code == 201
    # … but not the creator, nor the cluster itself, nor other managers
    for method, path, kwargs in (
            ("DELETE", MEMBERS + "/{email}", {"namespace": "team-a", "email": user.email,
                                              "params": {"confirm": "true"}}),
            ("PATCH", MEMBERS + "/{email}", {"namespace": "team-a", "email": user.email,
                                             "json": {"role": "developer"}})):
        resp = manager.request(method, path, cluster_id=cid, **kwargs)
        assert resp.status_code == 409 and resp.json()["error"] == "creator_is_permanent"
    resp = manager.delete(MANAGER, cluster_id=cid, email=user.email)
    assert resp.status_code == 403 and resp.json()["error"] == "creator_only"
    assert manager.put(MANAGER, cluster_id=cid, email=invitee).status_code == 403
    assert manager.delete("/clusters/{cluster_id}", cluster_id=cid).status_code == 403
    assert user.get("/clusters/{cluster_id}", cluster_id=cid).json()["creator"] == user.email


def test_the_creator_demotes_a_manager_who_keeps_only_their_memberships(stack, user, other_user,
                                                                        shared):
    cid = shared
    resp = user.delete(MANAGER, cluster_id=cid, email=user.email)
    assert resp.status_code == 409 and resp.json()["error"] == "creator_is_permanent"
    resp = user.delete(MANAGER, cluster_id=cid, email=other_user.email)
    assert resp.status_code == 200 and resp.json()["managers"] == []
    assert other_user.get("/clusters/{cluster_id}", cluster_id=cid).status_code == 404
    assert other_user.post(NS, cluster_id=cid, json={"name": "late", "installation_type":
                                                     "connected"}).status_code == 404
    assert user.delete(MANAGER, cluster_id=cid, email=other_user.email).status_code == 404


def test_deleting_the_cluster_removes_the_managers_access(user, other_user, shared):
    assert user.delete("/clusters/{cluster_id}", cluster_id=shared).status_code == 200
    assert other_user.get("/clusters").json()["items"] == []


def test_bad_manager_addresses_are_422(user, shared):
    resp = user.put(MANAGER, cluster_id=shared, email="not-an-email")
    assert resp.status_code == 422 and "email" in resp.json()["message"]
