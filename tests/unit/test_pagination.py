import base64

import pytest

from chalicelib import keys, pagination
from chalicelib.errors import BadRequest


@pytest.fixture(autouse=True)
def service_key(monkeypatch):
    """The service key would come from Secrets Manager; here a fixed one."""
    monkeypatch.setattr(keys, "service_key", lambda: b"k" * 32)
    pagination.bind("alice@example.com", "GET", "/clusters", {})


def test_round_trip():
    key = {"pk": {"S": "USER#a@example.com"}, "sk": {"S": "CLUSTER#01"}}
    token = pagination.encode(key)
    assert pagination.decode(token, pk="USER#a@example.com") == key
    assert pagination.encode(None) is None
    assert pagination.decode(None, pk="x") is None


@pytest.mark.parametrize("token", ["%%%", "e30", "W10", "bnVsbA", "eyJwayI6MX0"])
def test_garbage_is_400(token):
    with pytest.raises(BadRequest):
        pagination.decode(token, pk="USER#a@example.com")


def test_token_for_another_partition_is_refused():
    token = pagination.encode({"pk": {"S": "USER#b@example.com"}, "sk": {"S": "CLUSTER#01"}})
    with pytest.raises(BadRequest):
        pagination.decode(token, pk="USER#a@example.com")


@pytest.mark.parametrize("raw, expected", [(None, 20), ("", 20), ("1", 1), ("100", 100)])
def test_limit(raw, expected):
    assert pagination.parse_limit(raw) == expected


@pytest.mark.parametrize("raw", ["0", "101", "-1", "x", "1.5"])
def test_bad_limit(raw):
    with pytest.raises(BadRequest):
        pagination.parse_limit(raw)


# --- issue 12 item 6: opaque, tamper-proof, bound to the caller and the query ---------

KEY = {"pk": {"S": "CLUSTER#01"}, "sk": {"S": "NS#secret-project"}}


def test_tokens_are_opaque():
    token = pagination.encode(KEY)
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert b"secret-project" not in raw and b"NS#" not in raw
    assert pagination.encode(KEY) != token  # a fresh nonce every time


def test_a_changed_byte_is_400():
    token = pagination.encode(KEY)
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    for i in (0, 5, len(raw) - 1):
        forged = bytearray(raw)
        forged[i] ^= 1
        with pytest.raises(BadRequest):
            pagination.decode(base64.urlsafe_b64encode(bytes(forged)).decode(), pk="CLUSTER#01")


def test_a_token_is_good_only_for_its_caller_and_query():
    pagination.bind("alice@example.com", "GET", "/clusters/01/namespaces", {"state": "x"})
    token = pagination.encode(KEY)
    pagination.bind("alice@example.com", "GET", "/clusters/01/namespaces",
                    {"state": "x", "limit": "5", "next_token": token})  # page size may change
    assert pagination.decode(token, pk="CLUSTER#01") == KEY
    for caller, path, query in (("mallory@example.com", "/clusters/01/namespaces", {"state": "x"}),
                                ("alice@example.com", "/clusters/02/namespaces", {"state": "x"}),
                                ("alice@example.com", "/clusters/01/namespaces", {"state": "y"})):
        pagination.bind(caller, "GET", path, query)
        with pytest.raises(BadRequest):
            pagination.decode(token, pk="CLUSTER#01")


def test_a_key_outside_the_listing_range_is_400():
    token = pagination.encode({"pk": {"S": "CLUSTER#01"}, "sk": {"S": "CLUSTER"}})
    with pytest.raises(BadRequest):
        pagination.decode(token, pk="CLUSTER#01", prefix="NS#")
    gsi = pagination.encode({"pk": {"S": "ACTIVITY#01"}, "sk": {"S": "ACT#1"},
                             "gsi1pk": {"S": "ACTIVITY#NS#02"}, "gsi1sk": {"S": "X#1"}})
    with pytest.raises(BadRequest):
        pagination.decode(gsi, pk="ACTIVITY#NS#02", key_attr="gsi1pk", prefix="ACT#",
                          sort_attr="gsi1sk")
