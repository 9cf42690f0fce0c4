"""Event envelopes: canonical JSON and its HMAC (docs/agent-protocol.md §4)."""
import hashlib
import hmac
import json

import pytest

from agent import envelope, events

KEY = "00112233445566778899aabbccddeeff" * 2


def test_canonical_json_is_sorted_compact_and_ascii():
    event = {"type": "heartbeat", "b": [1, {"z": 1, "a": None}], "a": "café"}
    assert envelope.canonical(event) == (
        b'{"a":"caf\\u00e9","b":[1,{"a":null,"z":1}],"type":"heartbeat"}')


def test_the_signature_is_hmac_sha256_keyed_with_the_decoded_hex_key():
    event = {"type": "command_received", "sent_at": "2026-01-01T00:00:00.000Z", "command_id": "c1"}
    expected = hmac.new(bytes.fromhex(KEY),
                        b'{"command_id":"c1","sent_at":"2026-01-01T00:00:00.000Z",'
                        b'"type":"command_received"}', hashlib.sha256).hexdigest()
    assert envelope.sign(event, KEY) == expected


def test_the_envelope_survives_transit_and_detects_tampering():
    event = events.command_result("c1", True, {"pong": True, "n": 1.5}, None)
    wrapped = envelope.wrap(event, namespace_id="ns1", generation=2, key_hex=KEY)
    assert set(wrapped) == {"v", "namespace_id", "generation", "event", "sig"}
    assert (wrapped["v"], wrapped["namespace_id"], wrapped["generation"]) == (1, "ns1", 2)
    received = json.loads(json.dumps(wrapped, indent=3))  # any layout on the wire
    assert envelope.sign(received["event"], KEY) == wrapped["sig"]
    received["event"]["ok"] = False
    assert envelope.sign(received["event"], KEY) != wrapped["sig"]
    assert envelope.sign(event, "ff" * 32) != wrapped["sig"]


def test_the_backend_accepts_what_the_agent_signs():
    """Contract check against the backend's own verifier, when it is present."""
    backend = pytest.importorskip("chalicelib.events.envelope")
    for event in (events.heartbeat("simulate"), events.command_received("c1"),
                  events.command_result("c1", False, None, "unknown command type 'x'")):
        body = json.dumps(envelope.wrap(event, namespace_id="ns1", generation=1, key_hex=KEY))
        parsed = backend.parse(body)
        backend.verify(parsed, KEY)
        assert parsed.event == event


def test_event_shapes():
    beat = events.heartbeat("kubectl")
    assert set(beat) == {"type", "sent_at", "agent_version", "executor"}
    assert beat["sent_at"].endswith("Z") and len(beat["sent_at"]) == 24
    result = events.command_result("c1", True, {"pong": True}, None)
    assert set(result) == {"type", "sent_at", "command_id", "ok", "result", "error"}


def test_the_backend_treats_deeply_nested_bodies_as_poison_not_a_crash():
    from chalicelib.events import envelope as backend

    with pytest.raises(backend.PoisonEvent):
        backend.parse("[" * 50000)
