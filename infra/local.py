"""Create the local stack's resources on the AWS stand-in, idempotently.

Called by ``devstack`` (``make run``) and the test fixtures with the stage's
environment variables; safe to run any number of times.
"""
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


def bootstrap(env: dict) -> None:
    """Everything the app needs, named by the stage's environment variables
    (``env`` also carries ``AWS_ENDPOINT_URL`` and the dummy credentials)."""
    ensure_table(env, env["TABLE_NAME"])
