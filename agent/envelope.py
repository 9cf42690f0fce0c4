"""Signed event envelopes (docs/agent-protocol.md §4).

The events queue is shared by every agent, so the backend trusts an event
only if it is signed with the namespace's key.  Signing the *canonical* form
makes the signature independent of how the JSON was laid out in transit.
"""
import hashlib
import hmac
import json

VERSION = 1


def canonical(event: dict) -> bytes:
    return json.dumps(event, sort_keys=True, separators=(",", ":")).encode()


def sign(event: dict, key_hex: str) -> str:
    """HMAC-SHA256 keyed with the *bytes* the hex key stands for."""
    return hmac.new(bytes.fromhex(key_hex), canonical(event), hashlib.sha256).hexdigest()


def wrap(event: dict, *, namespace_id: str, generation: int, key_hex: str) -> dict:
    return {"v": VERSION, "namespace_id": namespace_id, "generation": generation,
            "event": event, "sig": sign(event, key_hex)}
