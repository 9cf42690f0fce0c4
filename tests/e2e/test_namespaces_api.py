"""Namespaces over HTTP: naming rule, uniqueness under concurrency, delete rules."""
from concurrent.futures import ThreadPoolExecutor

import pytest

NS = "/clusters/{cluster_id}/namespaces"
ONE = NS + "/{namespace}"


def test_create_and_read_namespace(user, cluster):
    cid = cluster["cluster_id"]
    resp = user.post(NS, cluster_id=cid, json={"name": "team-a", "installation_type": "connected"})
    assert resp.status_code == 201
    ns = resp.json()
    assert ns["status"] == "waiting_for_connection"
    assert ns["last_seen"] is None and ns["connected_since"] is None
    assert ns["runtime_seconds"] == 0
    got = user.get(ONE, cluster_id=cid, namespace="team-a").json()
    assert got == ns
    listed = user.get(NS, cluster_id=cid).json()
    assert [n["name"] for n in listed["items"]] == ["team-a"]


@pytest.mark.parametrize("name", ["My_NS", "a" * 64, "-a", "a-", "", "UPPER", "a.b", "ä"])
def test_bad_names_are_422_with_the_rule(user, cluster, name):
    resp = user.post(NS, cluster_id=cluster["cluster_id"],
                     json={"name": name, "installation_type": "connected"})
    assert resp.status_code == 422, resp.text
    message = resp.json()["message"]
    assert "DNS-1123" in message and "lowercase" in message and "63" in message


@pytest.mark.parametrize("name", ["a", "a" * 63, "team-a-1", "0abc"])
def test_good_names_are_accepted(user, cluster, name):
    resp = user.post(NS, cluster_id=cluster["cluster_id"],
                     json={"name": name, "installation_type": "standalone"})
    assert resp.status_code == 201, resp.text


def test_twenty_parallel_creates_of_one_name_give_one_201(user, cluster):
    cid = cluster["cluster_id"]

    def create(_):
        return user.as_(user.token).post(NS, cluster_id=cid,
                                         json={"name": "race", "installation_type": "connected"})

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = sorted(r.status_code for r in pool.map(create, range(20)))
    assert codes == [201] + [409] * 19
    assert [n["name"] for n in user.get(NS, cluster_id=cid).json()["items"]] == ["race"]


def test_same_name_in_another_cluster_is_fine(user, cluster):
    other = user.post("/clusters", json={"name": "second", "type": "openshift"}).json()
    for cid in (cluster["cluster_id"], other["cluster_id"]):
        assert user.post(NS, cluster_id=cid, json={"name": "shared",
                                                   "installation_type": "connected"}).status_code == 201


def test_unknown_namespace_is_404(user, cluster):
    resp = user.get(ONE, cluster_id=cluster["cluster_id"], namespace="nope")
    assert resp.status_code == 404
    assert resp.json()["error"] == "namespace_not_found"


def test_delete_namespace_frees_the_name(user, cluster):
    cid = cluster["cluster_id"]
    user.post(NS, cluster_id=cid, json={"name": "gone", "installation_type": "connected"})
    resp = user.delete(ONE, cluster_id=cid, namespace="gone")
    assert resp.status_code == 200  # says what stays on the platform (issue 12 item 18)
    assert resp.json()["deleted"] is True and "platform" in resp.json()["message"]
    assert resp.json()["left_on_platform"] == {"namespace": "gone", "environments": []}
    assert user.get(ONE, cluster_id=cid, namespace="gone").status_code == 404
    assert user.post(NS, cluster_id=cid, json={"name": "gone",
                                               "installation_type": "connected"}).status_code == 201


def test_namespace_pagination(user, cluster):
    cid = cluster["cluster_id"]
    names = [f"ns-{i}" for i in range(5)]
    for name in names:
        user.post(NS, cluster_id=cid, json={"name": name, "installation_type": "connected"})
    seen, token = [], None
    while True:
        page = user.get(NS, cluster_id=cid,
                        params={"limit": 2, **({"next_token": token} if token else {})}).json()
        seen += [n["name"] for n in page["items"]]
        token = page["next_token"]
        if not token:
            break
    assert seen == names
