"""Feed SQS messages and schedules to the app's own handlers, as Lambda would.

Discovers the handlers from the Chalice app (``app.event_sources``): each
``on_sqs_message`` queue is long-polled and its messages are delivered in
Lambda's event format; what the handler reports in ``batchItemFailures``
stays on the queue (and so reaches the dead-letter queue after its
``maxReceiveCount``), the rest is deleted.  Each ``schedule`` fires every
``SWEEP_SECONDS`` (default 60), at a fixed rate like EventBridge (a run
that overlaps the next tick delays it).  Each handler runs one invocation at
a time, like one Lambda container per function: a sweep that takes 45 s of
liveness passes does not hold up the events handler.  One liberty with
Lambda's timing: a failed message becomes visible again after
``LOCAL_RETRY_SECONDS`` (default 2) instead of the queue's visibility
timeout, so poison messages reach the dead-letter queue in seconds.
"""
import logging
import os
import signal
import threading
import time
import uuid
from datetime import datetime, timezone

import boto3

log = logging.getLogger("devstack.runner")
_locks: dict[str, threading.Lock] = {}  # one per function, like one container each
_locks_guard = threading.Lock()


class LambdaContext:
    """Enough of Lambda's context object for our handlers and Powertools."""

    def __init__(self, name: str, timeout_s: int = 60):
        self.function_name = name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
        self.memory_limit_in_mb = 512
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def invoke(handler, name: str, event: dict, timeout_s: int = 60):
    with _locks_guard:
        lock = _locks.setdefault(name, threading.Lock())
    with lock:
        return handler(event, LambdaContext(name, timeout_s))


def sqs_event(messages: list, queue_arn: str) -> dict:
    return {"Records": [{
        "messageId": m["MessageId"],
        "receiptHandle": m["ReceiptHandle"],
        "body": m["Body"],
        "attributes": m.get("Attributes", {}),
        "messageAttributes": m.get("MessageAttributes", {}),
        "md5OfBody": m.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
    } for m in messages]}


def pump_queue(stop: threading.Event, queue_name: str, handler, name: str, batch_size: int):
    sqs = boto3.client("sqs")
    url = None
    while url is None and not stop.is_set():
        try:
            url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
        except Exception:  # not created yet
            stop.wait(0.5)
    if url is None:
        return
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    log.info("delivering %s to %s", queue_name, name)
    while not stop.is_set():
        try:
            got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=min(batch_size, 10),
                                      WaitTimeSeconds=2, AttributeNames=["All"],
                                      MessageAttributeNames=["All"]).get("Messages", [])
        except Exception as exc:
            log.warning("receive from %s failed (%s); retrying", queue_name, exc)
            stop.wait(1)
            continue
        if not got:
            continue
        try:
            result = invoke(handler, name, sqs_event(got, arn)) or {}
            failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        except Exception:
            log.exception("%s raised; the whole batch stays on the queue", name)
            continue
        done = [m for m in got if m["MessageId"] not in failed]
        retry = [m for m in got if m["MessageId"] in failed]
        if retry:
            sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"],
                 "VisibilityTimeout": int(os.environ.get("LOCAL_RETRY_SECONDS", "2"))}
                for i, m in enumerate(retry)])
        if done:
            sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)])


def tick_schedule(stop: threading.Event, handler, name: str, every: float):
    log.info("firing %s every %s s", name, every)
    next_tick = time.monotonic() + every
    while not stop.wait(max(0.0, next_tick - time.monotonic())):
        next_tick = max(next_tick + every, time.monotonic())
        event = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event",
                 "source": "aws.events", "account": "123456789012",
                 "time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                 "region": "us-east-1", "resources": [], "detail": {}}
        try:
            # the sweep function's timeout on AWS (infra/stacks/api.py)
            invoke(handler, name, event, timeout_s=55)
        except Exception:
            log.exception("scheduled handler %s raised", name)


def main() -> None:
    from chalice.app import SQSEventConfig, ScheduledEventConfig

    logging.basicConfig(level=logging.INFO, format="runner: %(message)s")
    for noisy in ("pynamodb", "botocore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    import app as app_module

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    every = float(os.environ.get("SWEEP_SECONDS", "60"))
    threads = []
    for source in app_module.app.event_sources:
        handler = getattr(app_module, source.handler_string.split(".", 1)[1])
        if isinstance(source, SQSEventConfig):
            queue = source.queue or source.queue_arn.rsplit(":", 1)[1]
            target, args = pump_queue, (stop, queue, handler, source.name, source.batch_size)
        elif isinstance(source, ScheduledEventConfig):
            target, args = tick_schedule, (stop, handler, source.name, every)
        else:
            continue
        thread = threading.Thread(target=target, args=args, daemon=True, name=source.name)
        thread.start()
        threads.append(thread)
    log.info("ready (%d event sources)", len(threads))
    while not stop.wait(0.5):
        pass
    for thread in threads:
        thread.join(timeout=5)
