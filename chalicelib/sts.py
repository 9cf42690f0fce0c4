"""Short-lived AWS credentials for agents (STS AssumeRole on the agent role)."""
import json

from chalicelib import aws, settings


def agent_credentials(session_name: str, policy: dict, seconds: int) -> dict:
    """Credentials of the agent role narrowed by ``policy`` (a session policy):
    ``AccessKeyId``, ``SecretAccessKey``, ``SessionToken``, ``Expiration``."""
    return aws.sts().assume_role(
        RoleArn=settings.agent_role_arn(),
        RoleSessionName=session_name,
        Policy=json.dumps(policy),
        DurationSeconds=seconds,
    )["Credentials"]
