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
