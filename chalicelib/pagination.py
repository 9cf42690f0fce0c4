"""Opaque, tamper-proof ``next_token`` values for paginated lists.

A token is the position in the listing (a DynamoDB key) sealed with AES-GCM
under a key of the service's own (``keys.subkey``), with the caller and the
query (method, path, filters; not the page size) as associated data: only
the service can read or make one, and a token is good only for the caller
and the listing it was issued for.  After opening it, the key must still
point into the partition (``key_attr``) and the range (``prefix``) being
listed.  Anything else is a 400 that says what to do, never a 500.
"""
import base64
import binascii
import contextvars
import json
import os

from chalicelib import keys
from chalicelib.errors import BadRequest

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
VERSION = b"\x01"
LABEL = "pagination/v1"

# who is asking for what: set per request by the routing layer
SCOPE = contextvars.ContextVar("pagination_scope", default="")


def bind(caller: str, method: str, path: str, query: dict) -> None:
    """Bind the tokens of this request to the caller and the query."""
    filters = {k: v for k, v in sorted(query.items()) if k not in ("next_token", "limit")}
    SCOPE.set(json.dumps([caller, method, path, filters], separators=(",", ":")))


def _aead():
    # lazy: cryptography costs cold start; only paginated reads need it
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(keys.subkey(LABEL))


def encode(last_key: dict | None) -> str | None:
    if not last_key:
        return None
    raw = json.dumps(last_key, separators=(",", ":"), sort_keys=True).encode()
    nonce = os.urandom(12)
    sealed = _aead().encrypt(nonce, raw, SCOPE.get().encode())
    return base64.urlsafe_b64encode(VERSION + nonce + sealed).decode().rstrip("=")


def invalid() -> BadRequest:
    return BadRequest(
        "next_token is not valid for this list; pass the next_token value of "
        "the previous page unchanged (same caller, same query), or omit it to start from "
        "the first page.", code="invalid_next_token")


def decode(token: str | None, *, pk: str, key_attr: str = "pk",
           prefix: str | None = None, sort_attr: str = "sk") -> dict | None:
    if token is None or token == "":
        return None
    from cryptography.exceptions import InvalidTag  # lazy: cryptography costs cold start

    bad = invalid()
    try:
        blob = base64.urlsafe_b64decode((token + "=" * (-len(token) % 4)).encode())
    except (ValueError, binascii.Error, UnicodeError):
        raise bad from None
    if len(blob) < 1 + 12 + 16 or blob[:1] != VERSION:
        raise bad
    try:
        raw = _aead().decrypt(blob[1:13], blob[13:], SCOPE.get().encode())
        key = json.loads(raw)
    except (InvalidTag, ValueError, RecursionError):
        raise bad from None
    if not isinstance(key, dict) or not key:
        raise bad
    for name, value in key.items():
        if not (isinstance(name, str) and isinstance(value, dict) and set(value) == {"S"}
                and isinstance(value["S"], str)):
            raise bad
    if key.get(key_attr, {}).get("S") != pk or "sk" not in key:
        raise bad
    if prefix is not None and not key.get(sort_attr, {}).get("S", "").startswith(prefix):
        raise bad
    return key


def parse_limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_LIMIT:
        raise BadRequest(
            f"limit must be a whole number from 1 to {MAX_LIMIT} (got {raw!r}).",
            code="invalid_limit",
        )
    return value
