"""Free-text and identifier fields refuse what would break what they feed:
control characters in names, SQL or shell in plan settings (422, nothing
written)."""
import pytest

from tests.e2e.helpers import ONE, add_namespace

PLANS = ONE + "/plans"


@pytest.mark.parametrize("name", ["a\x00b", "esc\x1b[31mred", "\x00", "tab\tname", "line\nbreak"])
def test_names_with_control_characters_are_refused(user, name):
    resp = user.post("/clusters", json={"name": name, "type": "kubernetes"})
    assert resp.status_code == 422, resp.text
    assert user.get("/clusters").json()["items"] == []


@pytest.fixture
def where(user):
    cid = user.post("/clusters", json={"name": "k", "type": "kubernetes"}).json()["cluster_id"]
    add_namespace(user, cid, "team-a")
    return {"cluster_id": cid, "namespace": "team-a"}


PG = {"name": "pg", "kind": "database", "type": "postgres", "host": "db.example.com",
      "port": 5432, "database": "apps", "user": "mx", "password": "pw"}


@pytest.mark.parametrize("field, value, words", [
    ("user", 'x"; DROP DATABASE apps; --', "'user'"),
    ("database", "apps; DROP ROLE mx", "'database'"),
    ("host", "db.example.com; rm -rf /", "'host'"),
    ("host", "db example com", "'host'"),
    ("host", "db\x00.example.com", "'host'"),
])
def test_plan_settings_that_would_inject_are_refused(user, where, field, value, words):
    resp = user.post(PLANS, json={**PG, field: value}, **where)
    assert resp.status_code == 422 and words in resp.json()["message"], resp.text
    assert user.get(PLANS, **where).json()["items"] == []


def test_environment_app_names_refuse_control_characters(user, where):
    user.post(PLANS, json={"name": "db", "kind": "database", "type": "ephemeral"}, **where)
    user.post(PLANS, json={"name": "files", "kind": "storage", "type": "ephemeral"}, **where)
    resp = user.post(ONE + "/environments", json={"name": "shop", "database_plan": "db",
                                                  "storage_plan": "files", "app": "a\x1bb"},
                     **where)
    assert resp.status_code == 422, resp.text
