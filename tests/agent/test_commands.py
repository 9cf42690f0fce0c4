"""Command messages: what parses, and what is a poison message."""
import json

import pytest

from agent.commands import BadCommand, attribute_id, parse


def message(body, command_id="c1"):
    attrs = {"command_id": {"DataType": "String", "StringValue": command_id}} if command_id else {}
    return {"Body": body if isinstance(body, str) else json.dumps(body), "MessageAttributes": attrs}


def test_a_command_parses():
    command = parse(message({"command_id": "01abc", "type": "ping", "payload": {"x": 1},
                             "issued_at": "2026-01-01T00:00:00.000Z"}))
    assert (command.id, command.type, command.payload) == ("01abc", "ping", {"x": 1})


@pytest.mark.parametrize("body,reason", [
    ("{nope", "not JSON"),
    ("[" * 50000, "nested too deeply"),
    ([1, 2], "not a JSON object"),
    ({"type": "ping"}, "command_id"),
    ({"command_id": "../../etc/passwd", "type": "ping"}, "command_id"),
    ({"command_id": "c1"}, "type"),
    ({"command_id": "c1", "type": "ping", "payload": [1]}, "payload"),
])
def test_poison_bodies_are_refused_with_a_reason(body, reason):
    with pytest.raises(BadCommand, match=reason):
        parse(message(body))


def test_the_attribute_names_an_unparseable_command():
    assert attribute_id(message("{nope", "c9")) == "c9"
    assert attribute_id(message("{nope", None)) is None
    assert attribute_id(message("{nope", "../x")) is None
