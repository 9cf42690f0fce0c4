"""What a member sees follows their rights (issue 12 items 7 and 8)."""
import pytest

from tests.e2e.helpers import ONE, add_namespace, make_member

OPERATE = ONE + "/operate"
URLS = {"metrics_url": "https://grafana.example.com/d/1", "alerts_url": "https://alerts.example.com",
        "logs_url": "https://logs.example.com", "backups_url": "https://backups.example.com"}


@pytest.fixture
def ns(user, cluster):
    add_namespace(user, cluster["cluster_id"], "team-a")
    return {"cluster_id": cluster["cluster_id"], "namespace": "team-a"}


def test_each_operate_url_is_shown_only_with_its_right(stack, user, other_user, ns):
    assert user.put(OPERATE, json=URLS, **ns).status_code == 200
    make_member(stack, user, other_user, ns["cluster_id"], "team-a", "custom", ["view_logs"])
    seen = other_user.get(OPERATE, **ns).json()
    assert seen["logs_url"] == URLS["logs_url"]
    assert seen["metrics_url"] is None and seen["alerts_url"] is None
    assert seen["backups_url"] is None
    assert user.get(OPERATE, **ns).json()["backups_url"] == URLS["backups_url"]


def test_patch_sets_one_url_and_keeps_the_others(user, ns):
    assert user.put(OPERATE, json=URLS, **ns).status_code == 200
    resp = user.patch(OPERATE, json={"alerts_url": "https://alerts2.example.com"}, **ns)
    assert resp.status_code == 200, resp.text
    assert resp.json() == {**URLS, "alerts_url": "https://alerts2.example.com",
                           "updated_at": resp.json()["updated_at"], "updated_by": user.email}
    resp = user.patch(OPERATE, json={"logs_url": None}, **ns)  # null clears just that one
    assert resp.json()["logs_url"] is None and resp.json()["metrics_url"] == URLS["metrics_url"]
    assert user.patch(OPERATE, json={}, **ns).status_code == 422
    assert user.patch(OPERATE, json={"metrics_url": "ftp://x"}, **ns).status_code == 422


def test_namespace_activity_shows_a_developer_only_what_they_may_see(stack, user, other_user, ns):
    from tests.apiclient import unique_email

    cid = ns["cluster_id"]
    make_member(stack, user, other_user, cid, "team-a", "developer")
    user.post(ONE + "/members", json={"email": unique_email("secret-hire"), "role": "administrator"},
              **ns)
    user.put(OPERATE, json={"metrics_url": URLS["metrics_url"]}, **ns)
    user.post(ONE + "/agent-credentials/rotate", **ns)
    mine = other_user.get(ONE + "/activity", **ns).json()["items"]
    actions = [e["action"] for e in mine]
    assert "put_operate" in actions and "accept_invitation" in actions  # their own action
    assert not {"invite_member", "rotate_agent_credentials"} & set(actions), actions
    assert all("secret-hire" not in str(e) for e in mine)
    everything = [e["action"] for e in user.get(ONE + "/activity", **ns).json()["items"]]
    assert {"invite_member", "rotate_agent_credentials", "put_operate"} <= set(everything)
    # paging over what they may see: one entry a page, never an empty page with a token
    seen, token = [], None
    while True:
        page = other_user.get(ONE + "/activity", params={"limit": 1, **(
            {"next_token": token} if token else {})}, **ns).json()
        seen += page["items"]
        token = page["next_token"]
        if not token:
            break
        assert page["items"]
    assert [e["activity_id"] for e in seen] == [e["activity_id"] for e in mine]


def test_namespace_pages_cover_only_what_a_member_sees_and_tokens_reveal_nothing(
        stack, user, other_user, ns):
    """Issue 12 item 6: a member of one namespace paging with limit=1 used to get a
    next_token that decoded to another namespace's name."""
    import base64

    cid = ns["cluster_id"]
    for name in ("aa-hidden", "zz-hidden"):
        add_namespace(user, cid, name)
    make_member(stack, user, other_user, cid, "team-a", "developer")
    page = other_user.get("/clusters/{cluster_id}/namespaces", cluster_id=cid,
                          params={"limit": 1}).json()
    assert [n["name"] for n in page["items"]] == ["team-a"] and page["next_token"] is None
    pages, token = [], None
    while True:
        body = user.get("/clusters/{cluster_id}/namespaces", cluster_id=cid,
                        params={"limit": 1, **({"next_token": token} if token else {})}).json()
        pages.append([n["name"] for n in body["items"]])
        token = body["next_token"]
        if not token:
            break
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        assert b"hidden" not in raw and b"team" not in raw
        # another caller, or another listing, cannot use it
        resp = other_user.get("/clusters/{cluster_id}/namespaces", cluster_id=cid,
                              params={"next_token": token})
        assert resp.status_code == 400 and resp.json()["error"] == "invalid_next_token"
        resp = user.get(ONE + "/activity", params={"next_token": token}, **ns)
        assert resp.status_code == 400 and resp.json()["error"] == "invalid_next_token"
    assert pages == [["aa-hidden"], ["team-a"], ["zz-hidden"]]


@pytest.mark.parametrize("path", ["/clusters", "/clusters/{cluster_id}/namespaces",
                                  "/clusters/{cluster_id}/activity", ONE + "/activity",
                                  ONE + "/members", ONE + "/commands", ONE + "/environments"])
def test_forged_tokens_are_400_never_500(user, ns, path):
    import base64
    import json

    forged = [base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")
              for key in ({"pk": {"S": "USER#x"}, "sk": {"S": "ACT#1"}},
                          {"pk": {"S": "ACTIVITY#1"}, "sk": {"S": "ZZZ"}, "gsi1pk": {"S": "Q"},
                           "gsi1sk": {"S": "ZZZ"}})] + ["AQ" + "A" * 60, "%%%"]
    for token in forged:
        resp = user.get(path, params={"next_token": token}, **ns)
        assert resp.status_code == 400, resp.text
        assert resp.json()["error"] == "invalid_next_token"
