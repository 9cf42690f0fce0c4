"""Secret digests: the creator reads a salted digest of each write-only
value (so ``cluster-manager apply`` can tell a changed password from an
unchanged one without the API returning it); members and the namespace's own
credentials never see them; each write gets a fresh salt."""
import hashlib

from tests.e2e.helpers import ONE, add_namespace, make_member

PLANS = ONE + "/plans"
CONFIG = ONE + "/configuration"


def verifies(value: str, digest: str) -> bool:
    scheme, iterations, salt, expected = digest.split("$")
    assert scheme == "pbkdf2_sha256" and int(iterations) >= 10_000
    got = hashlib.pbkdf2_hmac("sha256", value.encode(), bytes.fromhex(salt), int(iterations))
    return got.hex() == expected


def test_creator_sees_digests_members_do_not(stack, user, other_user):
    cid = user.post("/clusters", json={"name": "d", "type": "kubernetes"}).json()["cluster_id"]
    add_namespace(user, cid, "team-a")
    add_namespace(user, cid, "team-b")
    where = {"cluster_id": cid, "namespace": "team-a"}
    plan = {"name": "pg", "kind": "database", "type": "postgres", "host": "db.example.com",
            "port": 5432, "database": "apps", "user": "mx", "password": "pw-one"}
    saved = user.post(PLANS, json=plan, **where).json()
    first = saved["secret_digests"]["password"]
    assert verifies("pw-one", first) and not verifies("pw-two", first)
    assert "pw-one" not in str(saved)
    again = user.post(PLANS, json=plan, **where).json()["secret_digests"]["password"]
    assert again != first and verifies("pw-one", again)  # a fresh salt per write
    eph = user.post(PLANS, json={"name": "tmp", "kind": "storage", "type": "ephemeral"},
                    **where).json()
    assert eph["secret_digests"] is None

    resp = user.put(CONFIG + "/{section}", section="registry", json={
        "type": "generic_auth", "pull_url": "registry.example.com/apps", "name": "bot",
        "secret": "reg-secret"}, **where)
    assert resp.status_code == 200, resp.text
    section = user.get(CONFIG, **where).json()["sections"]["registry"]
    assert verifies("reg-secret", section["secret_digests"]["secret"])

    added = user.post(PLANS, json={"existing": "pg"}, cluster_id=cid, namespace="team-b").json()
    assert verifies("pw-one", added["secret_digests"]["password"])  # the copied secret's

    make_member(stack, user, other_user, cid, "team-a", "administrator")
    seen = other_user.get(CONFIG, **where).json()
    assert seen["sections"]["registry"]["secret_digests"] is None
    assert all(p["secret_digests"] is None for p in seen["plans"])
    listed = other_user.get(PLANS, **where).json()["items"]
    assert [p["secret_digests"] for p in listed] == [None, None]
