"""SQS queues on the local stack's moto server, and a session shaped like the
API's answer (the agent's components are built directly from it)."""
import json
import uuid
from types import SimpleNamespace

import boto3
import pytest

from agent.session import Session, SessionHolder
from tests.agent.sqs_helpers import KEY, NAMESPACE_ID


@pytest.fixture
def sqs(stack):
    return boto3.client("sqs")  # the stack fixture points the environment at moto


@pytest.fixture
def queues(sqs):
    """A namespace's command queue (1 s visibility, DLQ after 2 receives) and
    an events queue of its own, so no other consumer sees its messages."""
    name = f"agent-test-{uuid.uuid4().hex[:12]}"
    dlq = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    commands = sqs.create_queue(QueueName=name, Attributes={
        "VisibilityTimeout": "1",
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"})})["QueueUrl"]
    events = sqs.create_queue(QueueName=f"{name}-events")["QueueUrl"]
    yield SimpleNamespace(commands=commands, dlq=dlq, events=events)
    for url in (commands, dlq, events):
        sqs.delete_queue(QueueUrl=url)


@pytest.fixture
def session_data(stack, queues) -> dict:
    return {
        "namespace_id": NAMESPACE_ID, "namespace": "team-a", "cluster_type": "kubernetes",
        "installation_type": "connected", "credential_generation": 1,
        "credentials": {"access_key_id": "testing", "secret_access_key": "testing",
                        "session_token": "testing", "expiration": "2099-01-01T00:00:00.000Z"},
        "region": "us-east-1", "endpoint_url": stack.aws_url,
        "command_queue_url": queues.commands, "events_queue_url": queues.events,
        "event_signing_key": KEY, "heartbeat_seconds": 1, "refresh_after_seconds": 300,
        "max_receive_count": 2,
    }


@pytest.fixture
def holder(session_data) -> SessionHolder:
    holder = SessionHolder()
    holder.replace(Session(session_data))
    return holder
