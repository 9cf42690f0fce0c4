"""Configuration read from environment variables, always at call time.

Resource names reach the code only through these variables (``infra/`` sets
them in AWS, ``devstack`` locally).  Reading them lazily matters: Chalice's
test client and the local runner swap ``os.environ`` per invocation, and
``app.py`` must be importable with none of them set.
"""
import os

DEFAULTS = {
    "TABLE_NAME": "cluster-manager",
    "JWT_AUDIENCE": "cluster-manager",
    "EVENTS_QUEUE_NAME": "cluster-manager-events",
    "EVENTS_DLQ_NAME": "cluster-manager-events-dlq",
    "QUEUE_PREFIX": "cluster-manager-",
    "SECRETS_PREFIX": "cluster-manager/",
    "AWS_ACCOUNT_ID": "123456789012",
    "HEARTBEAT_SECONDS": "30",
    "COMMAND_TIMEOUT_SECONDS": "600",
    "PLAN_LOOKUP_SECONDS": "10",
    "AGENT_IMAGE": "ghcr.io/cluster-manager/agent:1.0.0",
    "MAIL_FROM": "no-reply@cluster-manager.example.com",
    "INVITATION_DAYS": "7",
    "PROVISIONING_MAX_ATTEMPTS": "5",
    "PROVISIONING_BACKOFF_SECONDS": "10",
    "PROVISIONING_ATTEMPT_TIMEOUT_SECONDS": "300",
}


def get(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value:
        return value
    if default is not None:
        return default
    if name in DEFAULTS:
        return DEFAULTS[name]
    raise RuntimeError(f"environment variable {name} is not set")


def table_name() -> str:
    return get("TABLE_NAME")


def jwt_issuer() -> str:
    return get("JWT_ISSUER")


def jwt_audience() -> str:
    return get("JWT_AUDIENCE")


def jwks_url() -> str:
    """Where the issuer's public keys live: https://…/.well-known/jwks.json in
    production (e.g. a Cognito user pool); locally the dev issuer serves one."""
    return get("JWT_JWKS_URL")


def tracing_enabled() -> bool:
    """X-Ray only where Lambda runs us with active tracing (it sets the daemon
    address); locally there is no daemon, so the SDK is never imported."""
    return bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME")) and bool(
        os.environ.get("AWS_XRAY_DAEMON_ADDRESS")
    ) and os.environ.get("TRACING", "on") != "off"


def region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def account_id() -> str:
    return get("AWS_ACCOUNT_ID")


def endpoint_url() -> str | None:
    """Set only on the local stack (the AWS stand-in); None on AWS."""
    return os.environ.get("AWS_ENDPOINT_URL") or None


def events_queue_name() -> str:
    return get("EVENTS_QUEUE_NAME")


def queue_prefix() -> str:
    return get("QUEUE_PREFIX")


def secrets_prefix() -> str:
    return get("SECRETS_PREFIX")


def agent_role_arn() -> str:
    return get("AGENT_ROLE_ARN", f"arn:aws:iam::{account_id()}:role/{queue_prefix()}agent")


def heartbeat_seconds() -> int:
    return int(get("HEARTBEAT_SECONDS"))


def command_timeout_seconds() -> int:
    return int(get("COMMAND_TIMEOUT_SECONDS"))


def plan_lookup_seconds() -> float:
    """How long adding an existing plan waits for the agent to look it up in
    the cluster (well inside API Gateway's 29 s)."""
    return float(get("PLAN_LOOKUP_SECONDS"))


def agent_image() -> str:
    return get("AGENT_IMAGE")


def operator_image() -> str:
    """The operator runs from the agent's image unless configured otherwise."""
    return get("OPERATOR_IMAGE", agent_image())


def api_url() -> str | None:
    """The API's public base URL when configured; otherwise it is derived
    from the request (Host header and stage)."""
    return os.environ.get("API_URL") or None


def mail_from() -> str:
    return get("MAIL_FROM")


def invitation_days() -> int:
    return int(get("INVITATION_DAYS"))


CONSOLE_URL = "http://127.0.0.1:8080"  # the local web console (make run)


def console_url() -> str:
    """The web console's base URL: invitation links open its
    ``/invitations/<token>`` page, where the invitee signs in and accepts."""
    return get("CONSOLE_URL", CONSOLE_URL).rstrip("/")


def state_machine_arn() -> str:
    return get("STATE_MACHINE_ARN")


def provisioning_retry() -> dict:
    """Attempts, first backoff (doubling) and per-attempt timeout."""
    return {"max_attempts": int(get("PROVISIONING_MAX_ATTEMPTS")),
            "base_seconds": int(get("PROVISIONING_BACKOFF_SECONDS")),
            "attempt_timeout_seconds": int(get("PROVISIONING_ATTEMPT_TIMEOUT_SECONDS"))}
