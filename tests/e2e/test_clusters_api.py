"""Clusters over HTTP against chalice local."""


def test_create_read_list_cluster(user):
    resp = user.post("/clusters", json={"name": "Prod East", "type": "openshift",
                                        "description": "main OpenShift 4 cluster"})
    assert resp.status_code == 201
    created = resp.json()
    assert created["name"] == "Prod East" and created["type"] == "openshift"
    assert created["creator"] == user.email and created["namespaces"] == []

    got = user.get("/clusters/{cluster_id}", cluster_id=created["cluster_id"]).json()
    assert got == created

    listed = user.get("/clusters").json()
    assert [c["cluster_id"] for c in listed["items"]] == [created["cluster_id"]]
    assert listed["next_token"] is None


def test_list_shows_namespaces_with_status_and_runtime(user, cluster):
    user.post("/clusters/{cluster_id}/namespaces", cluster_id=cluster["cluster_id"],
              json={"name": "team-a", "installation_type": "connected"})
    item = user.get("/clusters").json()["items"][0]
    assert item["namespaces"] == [{
        "namespace_id": item["namespaces"][0]["namespace_id"], "name": "team-a",
        "installation_type": "connected", "status": "waiting_for_connection",
        "runtime_seconds": 0, "my_rights": item["namespaces"][0]["my_rights"]}]
    assert len(item["namespaces"][0]["my_rights"]) == 9 and item["my_role"] == "creator"


def test_pagination_walks_every_cluster_once(user):
    ids = [user.post("/clusters", json={"name": f"c{i}", "type": "kubernetes"}).json()["cluster_id"]
           for i in range(5)]
    seen, token, pages = [], None, 0
    while True:
        params = {"limit": 2, **({"next_token": token} if token else {})}
        page = user.get("/clusters", params=params).json()
        pages += 1
        assert len(page["items"]) <= 2
        seen += [c["cluster_id"] for c in page["items"]]
        token = page["next_token"]
        if not token:
            break
    assert seen == ids  # oldest first, each exactly once
    assert pages >= 3


def test_bad_pagination_inputs_are_400(user, other_user):
    assert user.get("/clusters", params={"limit": 0}).status_code == 400
    assert user.get("/clusters", params={"limit": "ten"}).status_code == 400
    assert user.get("/clusters", params={"limit": 101}).status_code == 400
    assert user.get("/clusters", params={"next_token": "%%%"}).status_code == 400
    # a token from another user's list is refused, not followed
    for i in range(2):
        other_user.post("/clusters", json={"name": f"o{i}", "type": "kubernetes"})
    token = other_user.get("/clusters", params={"limit": 1}).json()["next_token"]
    assert token
    resp = user.get("/clusters", params={"next_token": token})
    assert resp.status_code == 400
    assert resp.json()["error"] == "invalid_next_token"


def test_patch_renames_and_describes(user, cluster):
    resp = user.patch("/clusters/{cluster_id}", cluster_id=cluster["cluster_id"],
                      json={"name": "renamed", "description": "now with text"})
    assert resp.status_code == 200
    assert resp.json()["name"] == "renamed"
    assert resp.json()["description"] == "now with text"
    resp = user.patch("/clusters/{cluster_id}", cluster_id=cluster["cluster_id"],
                      json={"description": None})
    assert resp.json()["description"] is None and resp.json()["name"] == "renamed"


def test_patch_needs_a_field_and_no_null_name(user, cluster):
    assert user.patch("/clusters/{cluster_id}", cluster_id=cluster["cluster_id"],
                      json={}).status_code == 422
    assert user.patch("/clusters/{cluster_id}", cluster_id=cluster["cluster_id"],
                      json={"name": None}).status_code == 422
    assert user.patch("/clusters/{cluster_id}", cluster_id=cluster["cluster_id"],
                      json={"type": "openshift"}).status_code == 422


def test_another_user_gets_404_everywhere(user, other_user, cluster):
    cid = cluster["cluster_id"]
    for method, path, body in [
        ("GET", "/clusters/{cluster_id}", None),
        ("PATCH", "/clusters/{cluster_id}", {"name": "mine now"}),
        ("DELETE", "/clusters/{cluster_id}", None),
        ("GET", "/clusters/{cluster_id}/namespaces", None),
        ("POST", "/clusters/{cluster_id}/namespaces", {"name": "x", "installation_type": "connected"}),
    ]:
        resp = other_user.request(method, path, cluster_id=cid, json=body)
        assert resp.status_code == 404, (method, path, resp.text)
        assert resp.json()["error"] == "cluster_not_found"
    # the same answer as for an id that never existed: no existence leak
    missing = other_user.get("/clusters/{cluster_id}", cluster_id="0" * 26).json()
    assert missing["error"] == "cluster_not_found"
    assert other_user.get("/clusters").json()["items"] == []
    assert user.get("/clusters/{cluster_id}", cluster_id=cid).status_code == 200


def test_delete_removes_everything_from_portal_only(user, cluster):
    cid = cluster["cluster_id"]
    for name in ("a", "b"):
        user.post("/clusters/{cluster_id}/namespaces", cluster_id=cid,
                  json={"name": name, "installation_type": "standalone"})
    resp = user.delete("/clusters/{cluster_id}", cluster_id=cid)
    assert resp.status_code == 200
    body = resp.json()
    assert body["deleted"] is True
    assert "platform" in body["message"] and "still" in body["message"]
    assert user.get("/clusters/{cluster_id}", cluster_id=cid).status_code == 404
    assert user.get("/clusters").json()["items"] == []
    assert user.delete("/clusters/{cluster_id}", cluster_id=cid).status_code == 404


def test_bad_ids_are_404_not_500(user):
    for bad in ["x", "0" * 27, "ZZZZZZZZZZZZZZZZZZZZZZZZZZ", "%20", "a%2Fb", "ü"]:
        resp = user.get("/clusters/{cluster_id}", cluster_id=bad)
        assert resp.status_code == 404, bad


def test_delete_with_environments_needs_confirm_and_lists_what_stays(user, cluster):
    """Issue 12 item 18: the manager forgets the cluster; the platform keeps everything."""
    from chalicelib import clock, models

    cid = cluster["cluster_id"]
    ns = user.post("/clusters/{cluster_id}/namespaces", cluster_id=cid,
                   json={"name": "apps", "installation_type": "connected"}).json()
    models.Environment(models.namespace_pk(ns["namespace_id"]), models.environment_sk("shop"),
                       name="shop", app="shop", namespace_id=ns["namespace_id"], namespace="apps",
                       cluster_id=cid, database_plan="db", storage_plan="files", state="ready",
                       created_at=clock.now_iso()).save()
    models.Namespace(models.cluster_pk(cid), models.namespace_sk("apps")).update(
        actions=[models.Namespace.environment_count.add(1)], add_version_condition=False)
    resp = user.delete("/clusters/{cluster_id}", cluster_id=cid)
    assert resp.status_code == 409 and resp.json()["error"] == "cluster_has_environments"
    assert "confirm=true" in resp.json()["message"] and "apps/shop" in resp.json()["message"]
    assert user.get("/clusters/{cluster_id}", cluster_id=cid).status_code == 200
    resp = user.delete("/clusters/{cluster_id}", cluster_id=cid, params={"confirm": "true"})
    assert resp.status_code == 200, resp.text
    assert "nothing was deprovisioned" in resp.json()["message"]
    assert resp.json()["left_on_platform"] == {
        "namespaces": ["apps"], "environments": [{"namespace": "apps", "name": "shop"}]}
    assert user.get("/clusters/{cluster_id}", cluster_id=cid).status_code == 404
