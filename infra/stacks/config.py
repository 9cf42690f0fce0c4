"""Deployment settings: CDK context values with defaults (``infra/cdk.json``).

Every name the app reaches at runtime is derived here once, from the stage,
and handed to the functions as environment variables only.
"""
import dataclasses
import re

APP_NAME = "cluster-manager"

DEFAULTS = {
    "stage": "prod",
    # External OpenID Connect issuer; leave empty for a Cognito user pool.
    "oidc_issuer": "",
    "oidc_audience": "",
    "oidc_jwks_url": "",  # default: <issuer>/.well-known/jwks.json
    "cognito_mfa": "required",  # required | optional
    # empty: the image this app builds from agent/Dockerfile into the account's ECR
    "agent_image": "",
    "operator_image": "",  # empty: the agent's image (python -m agent operator)
    "heartbeat_seconds": 30,
    "command_timeout_seconds": 600,
    "log_retention_days": 30,
    "alarm_email": "",  # subscribed to the alarm topic when set
    "mail_from": "",  # verified SES identity (address or domain) for invitations
    "console_url": "",  # the web console: invitation links open <console_url>/invitations/<token>
    "api_memory_mb": 512,
    "worker_memory_mb": 256,
}

# CloudWatch Logs accepts only these retention periods.
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
                      1096, 1827, 2192, 2557, 2922, 3288, 3653)


@dataclasses.dataclass(frozen=True)
class Config:
    stage: str
    oidc_issuer: str
    oidc_audience: str
    oidc_jwks_url: str
    cognito_mfa: str
    agent_image: str
    operator_image: str
    heartbeat_seconds: int
    command_timeout_seconds: int
    log_retention_days: int
    alarm_email: str
    mail_from: str
    console_url: str
    api_memory_mb: int
    worker_memory_mb: int

    # --- names (plain strings: known before deployment, no CloudFormation references)
    @property
    def prefix(self) -> str:
        """QUEUE_PREFIX: every queue, function and role of the stage starts with it."""
        return f"{APP_NAME}-{self.stage}-"

    @property
    def table_name(self) -> str:
        return f"{APP_NAME}-{self.stage}"

    @property
    def secrets_prefix(self) -> str:
        return f"{APP_NAME}-{self.stage}/"

    @property
    def events_queue_name(self) -> str:
        return f"{self.prefix}events"

    @property
    def events_dlq_name(self) -> str:
        return f"{self.prefix}events-dlq"

    @property
    def stack_prefix(self) -> str:
        return "ClusterManager-" + "".join(p.capitalize() for p in self.stage.split("-"))

    @property
    def external_oidc(self) -> bool:
        return bool(self.oidc_issuer)

    @property
    def jwks_url(self) -> str:
        return self.oidc_jwks_url or self.oidc_issuer.rstrip("/") + "/.well-known/jwks.json"


def from_context(node) -> Config:
    """Read the settings from a construct's context (``-c key=value``)."""
    values = {}
    for key, default in DEFAULTS.items():
        value = node.try_get_context(key)
        if value is None or value == "":
            value = default
        if isinstance(default, int) and not isinstance(value, int):
            try:
                value = int(value)
            except ValueError:
                raise ValueError(f"context value {key}={value!r} must be a whole number") from None
        values[key] = value
    config = Config(**values)
    validate(config)
    return config


def validate(config: Config) -> None:
    if not re.fullmatch(r"[a-z][a-z0-9-]{0,19}", config.stage):
        raise ValueError(f"stage {config.stage!r}: use 1-20 lowercase letters, digits or '-', "
                         "starting with a letter (it prefixes queue, function and role names)")
    if config.external_oidc and not config.oidc_audience:
        raise ValueError("oidc_issuer is set but oidc_audience is not: pass both "
                         "(-c oidc_issuer=https://… -c oidc_audience=<client id>)")
    if config.cognito_mfa not in ("required", "optional"):
        raise ValueError("cognito_mfa must be 'required' or 'optional'")
    if config.log_retention_days not in LOG_RETENTION_DAYS:
        raise ValueError(f"log_retention_days must be one of {LOG_RETENTION_DAYS}")
    if not 1 <= config.heartbeat_seconds <= 3600:
        raise ValueError("heartbeat_seconds must be between 1 and 3600")


def retention(days: int):
    """The CDK enum member for a CloudWatch Logs retention in days."""
    from aws_cdk import aws_logs

    members = [m for m in aws_logs.RetentionDays if m.name != "INFINITE"]
    # strict: a retention CDK adds (or drops) fails here instead of shifting the mapping
    return dict(zip(LOG_RETENTION_DAYS, members, strict=True))[days]
