"""Queue shapes and names: per-namespace command queues and the events queue.

The API creates a namespace's queues at runtime, so their shape lives with
the code; ``infra/definitions.py`` re-exports it for the IAM bounds and alarms.
"""
import functools
import json

from chalicelib import aws, settings

COMMAND_QUEUE = {
    "visibility_timeout_seconds": 60,
    "message_retention_seconds": 4 * 24 * 3600,
    "max_receive_count": 5,  # then the message moves to the namespace's DLQ
    "dlq_retention_seconds": 14 * 24 * 3600,
}

# What an agent may do: read its own queue, write to the shared events queue.
AGENT_QUEUE_ACTIONS = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"]
AGENT_EVENTS_ACTIONS = ["sqs:SendMessage"]


def redrive_policy(dlq_arn: str, max_receive_count: int) -> str:
    return json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receive_count)})


def command_queue_name(namespace_id: str) -> str:
    return f"{settings.queue_prefix()}ns-{namespace_id}"


def command_dlq_name(namespace_id: str) -> str:
    return f"{command_queue_name(namespace_id)}-dlq"


def arn(name: str) -> str:
    return f"arn:aws:sqs:{settings.region()}:{settings.account_id()}:{name}"


@functools.lru_cache(maxsize=4096)
def url(name: str) -> str:
    return aws.sqs().get_queue_url(QueueName=name)["QueueUrl"]


def create_command_queues(namespace_id: str) -> None:
    """The namespace's command queue and its dead-letter queue (idempotent)."""
    sqs = aws.sqs()
    dlq = command_dlq_name(namespace_id)
    sqs.create_queue(QueueName=dlq, Attributes={
        "MessageRetentionPeriod": str(COMMAND_QUEUE["dlq_retention_seconds"])})
    sqs.create_queue(QueueName=command_queue_name(namespace_id), Attributes={
        "VisibilityTimeout": str(COMMAND_QUEUE["visibility_timeout_seconds"]),
        "MessageRetentionPeriod": str(COMMAND_QUEUE["message_retention_seconds"]),
        "RedrivePolicy": redrive_policy(arn(dlq), COMMAND_QUEUE["max_receive_count"]),
    })


def send_command(namespace_id: str, command_id: str, message: dict) -> None:
    """Put one command on the namespace's queue (the id also as an attribute)."""
    aws.sqs().send_message(
        QueueUrl=url(command_queue_name(namespace_id)),
        MessageBody=json.dumps(message),
        MessageAttributes={"command_id": {"DataType": "String", "StringValue": command_id}},
    )


def delete_command_queues(namespace_id: str) -> None:
    sqs = aws.sqs()
    for name in (command_queue_name(namespace_id), command_dlq_name(namespace_id)):
        try:
            sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName=name)["QueueUrl"])
        except sqs.exceptions.QueueDoesNotExist:
            pass
    url.cache_clear()


def admit_only(namespace_id: str, agent_role_arn: str, session_name: str) -> None:
    """Deny the namespace's command queue to every session of the agent role
    but ``session_name`` (the current credential generation's), whatever its
    credentials' own expiry.  The API and events functions are other roles."""
    policy = {"Version": "2012-10-17", "Statement": [{
        "Sid": "CurrentGenerationOnly", "Effect": "Deny", "Principal": {"AWS": "*"},
        "Action": "sqs:*", "Resource": arn(command_queue_name(namespace_id)),
        "Condition": {"ArnLike": {"aws:PrincipalArn": agent_role_arn},
                      "StringNotLike": {"aws:userid": f"*:{session_name}"}}}]}
    aws.sqs().set_queue_attributes(QueueUrl=url(command_queue_name(namespace_id)),
                                   Attributes={"Policy": json.dumps(policy)})
