import pytest

from chalicelib import pagination
from chalicelib.errors import BadRequest


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
