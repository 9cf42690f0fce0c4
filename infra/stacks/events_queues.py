"""The shared events queue (agents → backend) and its dead-letter queue."""
from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import definitions
from infra.stacks.config import Config


class EventsQueues(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: Config) -> None:
        super().__init__(scope, construct_id)
        settings = definitions.EVENTS_QUEUE
        self.dead_letter_queue = sqs.Queue(
            self, "EventsDeadLetterQueue",
            queue_name=config.events_dlq_name,
            retention_period=Duration.seconds(settings["dlq_retention_seconds"]),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        self.queue = sqs.Queue(
            self, "EventsQueue",
            queue_name=config.events_queue_name,
            visibility_timeout=Duration.seconds(settings["visibility_timeout_seconds"]),
            retention_period=Duration.seconds(settings["message_retention_seconds"]),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            dead_letter_queue=sqs.DeadLetterQueue(
                queue=self.dead_letter_queue, max_receive_count=settings["max_receive_count"]),
        )
