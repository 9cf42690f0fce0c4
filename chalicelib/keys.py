"""The service's own key: one random 256-bit value in Secrets Manager
(``<SECRETS_PREFIX>service-key``), read once per process.  Purpose-bound
subkeys are derived from it (HMAC-SHA256 with a label), so pagination tokens
and agent event keys never share a key and nothing derived is stored.

The API function creates the secret on first use when it does not exist yet
(a concurrent first use reads the winner's); every function may read it.
"""
import base64
import hashlib
import hmac
import os
import threading

from chalicelib import aws, settings

NAME = "service-key"  # under SECRETS_PREFIX (infra grants the events function this one)
_lock = threading.Lock()
_cache: dict = {}


def secret_name() -> str:
    return f"{settings.secrets_prefix()}{NAME}"


def _load() -> bytes:
    sm = aws.secrets()
    name = secret_name()
    try:
        text = sm.get_secret_value(SecretId=name)["SecretString"]
    except sm.exceptions.ResourceNotFoundException:
        text = base64.b64encode(os.urandom(32)).decode()
        try:
            sm.create_secret(Name=name, SecretString=text,
                             Description="Cluster Manager service key (pagination tokens, "
                                         "agent event keys); never shown to anyone")
        except sm.exceptions.ResourceExistsException:
            text = sm.get_secret_value(SecretId=name)["SecretString"]
    key = base64.b64decode(text)
    if len(key) != 32:
        raise RuntimeError(f"secret {name} does not hold a base64 256-bit key")
    return key


def service_key() -> bytes:
    name = secret_name()
    with _lock:
        if name not in _cache:
            _cache[name] = _load()
        return _cache[name]


def subkey(label: str) -> bytes:
    """A 256-bit key for one purpose (``label``), derived from the service key."""
    return hmac.new(service_key(), label.encode(), hashlib.sha256).digest()
