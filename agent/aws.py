"""SQS clients built from a session's short-lived credentials.

The agent never uses ambient AWS credentials: everything it may do in AWS
comes from the session, and dies with it.
"""
import boto3
import botocore.exceptions
from botocore.config import Config

from agent import __version__

LONG_POLL_SECONDS = 20

# Error codes that mean "these credentials are no good (any more)": the cure
# is a new session, not another retry with the same keys.
CREDENTIAL_ERRORS = frozenset({
    "ExpiredToken", "ExpiredTokenException", "RequestExpired", "InvalidClientTokenId",
    "InvalidAccessKeyId", "UnrecognizedClientException", "SignatureDoesNotMatch",
    "InvalidToken", "AccessDenied", "AccessDeniedException",
})


def sqs_client(data: dict):
    creds = data["credentials"]
    session = boto3.session.Session(
        aws_access_key_id=creds["access_key_id"],
        aws_secret_access_key=creds["secret_access_key"],
        aws_session_token=creds.get("session_token"),
        region_name=data["region"],
    )
    config = Config(connect_timeout=5, read_timeout=LONG_POLL_SECONDS + 10,
                    retries={"max_attempts": 2, "mode": "standard"},
                    user_agent_extra=f"cluster-manager-agent/{__version__}")
    return session.client("sqs", endpoint_url=data.get("endpoint_url") or None, config=config)


def error_code(exc: BaseException) -> str | None:
    if isinstance(exc, botocore.exceptions.ClientError):
        return exc.response.get("Error", {}).get("Code")
    return None


# The queue is gone: the namespace was most likely deleted.  The session
# endpoint says so (401) — or hands out the queue's current URL.
QUEUE_GONE_ERRORS = frozenset({"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"})


def is_credential_error(exc: BaseException) -> bool:
    return (error_code(exc) in CREDENTIAL_ERRORS
            or isinstance(exc, botocore.exceptions.NoCredentialsError))


def needs_new_session(exc: BaseException) -> bool:
    """The cure for this error is a new session, not another try with this one."""
    return is_credential_error(exc) or error_code(exc) in QUEUE_GONE_ERRORS


def describe(exc: BaseException) -> str:
    """One line for the log, without a traceback."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
