"""Bad input gets a clear 4xx JSON error, never a 5xx, never a partial write."""
import json

import pytest


def assert_error(resp, status, code=None):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) >= {"error", "message"} and body["message"]
    if code:
        assert body["error"] == code


def test_malformed_json_is_400(user):
    resp = user.post("/clusters", data=b'{"name": "x", "type":', headers={"Content-Type": "application/json"})
    assert_error(resp, 400, "invalid_json")


def test_non_object_json_is_400(user):
    for raw in (b"[]", b'"text"', b"42", b"null"):
        resp = user.post("/clusters", data=raw, headers={"Content-Type": "application/json"})
        assert_error(resp, 400, "invalid_json")


def test_empty_body_is_400(user):
    resp = user.post("/clusters", data=b"", headers={"Content-Type": "application/json"})
    assert_error(resp, 400, "missing_body")


def test_text_plain_body_still_gets_a_json_answer(user):
    resp = user.post("/clusters", data=b"name=x", headers={"Content-Type": "text/plain"})
    assert_error(resp, 400, "invalid_json")


@pytest.mark.parametrize("body, field", [
    ({"name": "x", "type": "openshift", "color": "red"}, "color"),
    ({"name": 5, "type": "openshift"}, "name"),
    ({"name": "x", "type": "mesos"}, "type"),
    ({"type": "openshift"}, "name"),
    ({"name": "x", "type": "openshift", "description": ["a"]}, "description"),
    ({"name": "   ", "type": "openshift"}, "name"),
    ({"name": "x" * 101, "type": "openshift"}, "name"),
    ({"name": "x", "type": "openshift", "platform": "mainframe"}, "platform"),
])
def test_invalid_cluster_bodies_are_422_naming_the_field(user, body, field):
    resp = user.post("/clusters", json=body)
    assert_error(resp, 422, "validation_error")
    assert field in resp.json()["message"]
    assert user.get("/clusters").json()["items"] == []  # nothing written


def test_wrong_types_for_namespace_are_422(user, cluster):
    resp = user.post("/clusters/{cluster_id}/namespaces", cluster_id=cluster["cluster_id"],
                     json={"name": "ok", "installation_type": True})
    assert_error(resp, 422)
    resp = user.post("/clusters/{cluster_id}/namespaces", cluster_id=cluster["cluster_id"],
                     json={"name": "ok", "installation_type": "hybrid"})
    assert_error(resp, 422)


def test_oversized_body_is_413_and_writes_nothing(user):
    body = json.dumps({"name": "big", "type": "openshift", "description": "x" * (65 * 1024)})
    resp = user.post("/clusters", data=body.encode(), headers={"Content-Type": "application/json"})
    assert_error(resp, 413, "payload_too_large")
    assert user.get("/clusters").json()["items"] == []


@pytest.mark.parametrize("raw", [b"[" * 50000, b'{"a":' * 12000,
                                 b'{"name": ' + b"[" * 30000 + b"]" * 30000 + b"}"])
def test_deeply_nested_json_is_400_not_500(user, raw):
    resp = user.post("/clusters", data=raw, headers={"Content-Type": "application/json"})
    assert_error(resp, 400, "invalid_json")
    assert "nested" in resp.json()["message"]
    assert user.get("/clusters").json()["items"] == []


@pytest.mark.parametrize("content_type", ["application/xml", "image/png", "multipart/form-data; boundary=x"])
def test_unsupported_content_type_gets_our_error_shape(user, content_type):
    resp = user.post("/clusters", data=b'{"name": "x", "type": "openshift"}',
                     headers={"Content-Type": content_type})
    assert_error(resp, 415, "unsupported_media_type")
    assert "application/json" in resp.json()["message"]
    assert user.get("/clusters").json()["items"] == []
