"""Helpers for tests that talk to SQS: send commands, read signed events."""
import json
import time

from agent import envelope

KEY = "5e" * 32
NAMESPACE_ID = "01jtestnamespace0000000000"


def send_command(sqs, url: str, command_id: str, type: str = "ping", body: str | None = None):
    if body is None:
        body = json.dumps({"command_id": command_id, "type": type, "payload": {},
                           "issued_at": "2026-01-01T00:00:00.000Z"})
    sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes={
        "command_id": {"DataType": "String", "StringValue": command_id}})


def read_events(sqs, url: str, *, until=lambda events: False, seconds: float = 0) -> list[dict]:
    """Drain the events queue (checking every signature) until ``until`` holds
    or ``seconds`` pass; returns the events in arrival order."""
    found, deadline = [], time.monotonic() + seconds
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        for message in got.get("Messages", []):
            body = json.loads(message["Body"])
            assert body["v"] == 1 and body["namespace_id"] == NAMESPACE_ID
            assert body["sig"] == envelope.sign(body["event"], KEY), "bad signature"
            found.append(body["event"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        if until(found) or time.monotonic() > deadline:
            return found
        if not got.get("Messages"):
            time.sleep(0.1)


def queue_is_empty(sqs, url: str) -> bool:
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return attrs["ApproximateNumberOfMessages"] == attrs["ApproximateNumberOfMessagesNotVisible"] == "0"


def of_type(events: list[dict], kind: str) -> list[dict]:
    return [e for e in events if e["type"] == kind]
