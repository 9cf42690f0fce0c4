"""Create the local stack's resources on the AWS stand-in, idempotently.

Called by ``devstack`` (``make run``) and the test fixtures with the stage's
environment variables; safe to run any number of times.
"""
import json

import boto3

from infra import definitions


def _client(service: str, env: dict):
    """A client for the stand-in, with the stack's own (dummy) credentials."""
    return boto3.session.Session(
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=env.get("AWS_DEFAULT_REGION", "us-east-1"),
    ).client(service, endpoint_url=env["AWS_ENDPOINT_URL"])


def ensure_table(env: dict, table_name: str) -> None:
    ddb = _client("dynamodb", env)
    try:
        ddb.describe_table(TableName=table_name)
        return
    except ddb.exceptions.ResourceNotFoundException:
        pass
    try:
        ddb.create_table(**definitions.dynamodb_create_table_args(table_name))
    except ddb.exceptions.ResourceInUseException:
        return  # created concurrently
    ddb.get_waiter("table_exists").wait(TableName=table_name)
    ddb.update_time_to_live(TableName=table_name, TimeToLiveSpecification={
        "Enabled": True, "AttributeName": definitions.TABLE["ttl_attribute"]})


def ensure_events_queue(env: dict) -> None:
    sqs = _client("sqs", env)
    settings = definitions.EVENTS_QUEUE
    dlq_url = sqs.create_queue(QueueName=env["EVENTS_DLQ_NAME"], Attributes={
        "MessageRetentionPeriod": str(settings["dlq_retention_seconds"])})["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    sqs.create_queue(QueueName=env["EVENTS_QUEUE_NAME"], Attributes={
        "VisibilityTimeout": str(settings["visibility_timeout_seconds"]),
        "MessageRetentionPeriod": str(settings["message_retention_seconds"]),
        "RedrivePolicy": definitions.redrive_policy(dlq_arn, settings["max_receive_count"]),
    })


def ensure_agent_role(env: dict) -> str:
    """The role agents assume.  moto does not enforce IAM, so locally it only
    has to exist; the session policies are tested as documents."""
    iam = _client("iam", env)
    name = env["AGENT_ROLE_ARN"].rsplit("/", 1)[1]
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{env['AWS_ACCOUNT_ID']}:root"},
        "Action": "sts:AssumeRole"}]}
    try:
        return iam.get_role(RoleName=name)["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        return iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))[
            "Role"]["Arn"]


def ensure_state_machine(env: dict) -> str:
    """The provisioning workflow, from the one definition file.  moto must
    have Step Functions execution switched on before this (devstack does)."""
    sfn = _client("stepfunctions", env)
    arn = env["STATE_MACHINE_ARN"]
    name = arn.rsplit(":", 1)[1]
    role = f"arn:aws:iam::{env['AWS_ACCOUNT_ID']}:role/{name}"
    try:
        sfn.describe_state_machine(stateMachineArn=arn)
        sfn.update_state_machine(stateMachineArn=arn, definition=definitions.provisioning_definition())
    except sfn.exceptions.StateMachineDoesNotExist:
        sfn.create_state_machine(name=name, definition=definitions.provisioning_definition(),
                                 roleArn=role)
    return arn


def ensure_secrets_key(env: dict) -> None:
    """The KMS key secrets are encrypted with, under its alias."""
    alias = env.get("SECRETS_KMS_KEY")
    if not alias:
        return
    kms = _client("kms", env)
    if any(a["AliasName"] == alias for a in kms.list_aliases()["Aliases"]):
        return
    key = kms.create_key(Description="Cluster Manager secrets")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=alias, TargetKeyId=key)


def bootstrap(env: dict) -> None:
    """Everything the app needs, named by the stage's environment variables
    (``env`` also carries ``AWS_ENDPOINT_URL`` and the dummy credentials)."""
    ensure_table(env, env["TABLE_NAME"])
    ensure_events_queue(env)
    ensure_agent_role(env)
    ensure_secrets_key(env)
    _client("ses", env).verify_email_identity(EmailAddress=env["MAIL_FROM"])
    ensure_state_machine(env)
