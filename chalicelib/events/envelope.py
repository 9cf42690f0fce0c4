"""Signed event envelopes from agents (docs/agent-protocol.md §4).

The events queue is shared by every agent, so each event is signed with its
namespace's event key; an envelope that is malformed, unsigned or signed with
another key is poison (it goes to the dead-letter queue, loudly), and one
from a rotated-away credential generation is stale (ignored).
"""
import hashlib
import hmac
import json
from dataclasses import dataclass

VERSION = 1


class PoisonEvent(Exception):
    """An event that can never be processed; it must end in the DLQ."""


@dataclass(frozen=True)
class Envelope:
    namespace_id: str
    generation: int
    event: dict
    sig: str


def canonical(event: dict) -> bytes:
    return json.dumps(event, sort_keys=True, separators=(",", ":")).encode()


def sign(event: dict, key_hex: str) -> str:
    return hmac.new(bytes.fromhex(key_hex), canonical(event), hashlib.sha256).hexdigest()


def parse(body: str) -> Envelope:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise PoisonEvent(f"body is not JSON (or nested too deeply): {exc}") from None
    if not isinstance(data, dict) or data.get("v") != VERSION:
        raise PoisonEvent("not a version-1 event envelope")
    namespace_id, generation = data.get("namespace_id"), data.get("generation")
    event, sig = data.get("event"), data.get("sig")
    if not (isinstance(namespace_id, str) and isinstance(generation, int)
            and isinstance(event, dict) and isinstance(sig, str)
            and isinstance(event.get("type"), str)):
        raise PoisonEvent("envelope fields missing or of the wrong type")
    return Envelope(namespace_id, generation, event, sig)


def verify(envelope: Envelope, key_hex: str) -> None:
    if not hmac.compare_digest(sign(envelope.event, key_hex), envelope.sig):
        raise PoisonEvent(f"bad signature for namespace {envelope.namespace_id}")
