"""The local AWS stand-in keeps DynamoDB's guarantees under concurrency, and
applies the SQS queue policies the system relies on (devstack/moto_server.py)."""
import threading
import uuid

import boto3
import botocore.exceptions
import pytest

from chalicelib import aws, db, models, queues, settings


class Probe(models.Item, discriminator="test-probe"):
    pass


def test_failed_transactions_do_not_undo_concurrent_writes(private_table):
    run = uuid.uuid4().hex[:8]
    with Probe.batch_write() as batch:  # a table of some size makes moto's rollback slow
        for i in range(1000):
            batch.save(Probe(f"FILLER#{i % 50}", f"{i}"))
    Probe(f"PROBE#{run}", "TAKEN").save()
    stop = threading.Event()

    def failing_transactions():
        while not stop.is_set():
            try:
                with db.transaction() as tx:
                    tx.save(Probe(f"PROBE#{run}", "TAKEN"), condition=models.Item.pk.does_not_exist())
            except Exception:
                pass

    racers = [threading.Thread(target=failing_transactions) for _ in range(2)]
    for t in racers:
        t.start()
    try:
        for i in range(30):
            Probe(f"PROBE#{run}", f"W#{i:03d}").save()
    finally:
        stop.set()
        for t in racers:
            t.join()
    written = [p.sk for p in models.Item.query(f"PROBE#{run}", models.Item.sk.startswith("W#"))]
    assert len(written) == 30


def _session_sqs(credentials):
    return boto3.client("sqs", aws_access_key_id=credentials["AccessKeyId"],
                        aws_secret_access_key=credentials["SecretAccessKey"],
                        aws_session_token=credentials["SessionToken"])


def test_a_queue_policy_denies_every_agent_session_but_the_admitted_one(stack):
    """What locks an agent with a rotated secret out of its command queue
    (chalicelib/queues.admit_only) holds on the local stand-in too."""
    namespace_id = "policy" + uuid.uuid4().hex[:20]
    queues.create_command_queues(namespace_id)
    url = queues.url(queues.command_queue_name(namespace_id))
    sts = boto3.client("sts")

    def session(name):
        return _session_sqs(sts.assume_role(RoleArn=settings.agent_role_arn(),
                                            RoleSessionName=name)["Credentials"])

    old, new = session(f"ns-{namespace_id}-g1"), session(f"ns-{namespace_id}-g2")
    assert old.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages") is None
    queues.admit_only(namespace_id, settings.agent_role_arn(), f"ns-{namespace_id}-g2")

    for call in (lambda c: c.receive_message(QueueUrl=url, WaitTimeSeconds=0),
                 lambda c: c.send_message(QueueUrl=url, MessageBody="{}"),
                 lambda c: c.delete_message(QueueUrl=url, ReceiptHandle="x")):
        with pytest.raises(botocore.exceptions.ClientError) as denied:
            call(old)
        assert denied.value.response["Error"]["Code"] == "AccessDenied"
        assert "CurrentGenerationOnly" in denied.value.response["Error"]["Message"]
    new.receive_message(QueueUrl=url, WaitTimeSeconds=0)  # the admitted session
    aws.sqs().send_message(QueueUrl=url, MessageBody="{}")  # not the agent role: untouched
    other = _session_sqs(sts.assume_role(RoleArn=f"arn:aws:iam::{settings.account_id()}:role/someone-else",
                                         RoleSessionName="someone")["Credentials"])
    assert other.receive_message(QueueUrl=url, WaitTimeSeconds=0)["Messages"]
    queues.delete_command_queues(namespace_id)
