"""Opaque ``next_token`` values for paginated lists.

A token is the DynamoDB ``LastEvaluatedKey`` in URL-safe base64.  Decoding
checks that it points into the partition being listed (``key_attr`` names
the partition key: ``pk``, or an index's), so a token can never be used to
read someone else's items.
"""
import base64
import binascii
import json
import re

from chalicelib.errors import BadRequest

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# What every token this module issues looks like (URL-safe base64, no padding)
TOKEN_PATTERN = r"^[A-Za-z0-9_=-]*$"
MAX_TOKEN = 2048


def encode(last_key: dict | None) -> str | None:
    if not last_key:
        return None
    raw = json.dumps(last_key, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(token: str | None, *, pk: str, key_attr: str = "pk") -> dict | None:
    if token is None or token == "":
        return None
    bad = BadRequest(
        "next_token is not valid for this list; pass the next_token value of "
        "the previous page unchanged, or omit it to start from the first page.",
        code="invalid_next_token",
    )
    if len(token) > MAX_TOKEN or not re.match(TOKEN_PATTERN, token):
        raise bad
    try:
        padded = token + "=" * (-len(token) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeError):
        raise bad from None
    if not isinstance(key, dict) or not key:
        raise bad
    for name, value in key.items():
        if not (isinstance(name, str) and isinstance(value, dict) and set(value) == {"S"}
                and isinstance(value["S"], str)):
            raise bad
    if key.get(key_attr, {}).get("S") != pk or "sk" not in key:
        raise bad
    return key


def parse_limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    # a whole number; JSON Schema's integer includes 5.0, so that is 5 too
    value = int(raw.split(".")[0]) if re.fullmatch(r"[0-9]{1,6}(\.0+)?", raw) else 0
    if not 1 <= value <= MAX_LIMIT:
        raise BadRequest(
            f"limit must be a whole number from 1 to {MAX_LIMIT} (got {raw!r}).",
            code="invalid_limit",
        )
    return value
