"""Salted digests of secret values, so a client can tell whether the secret
it holds is the one stored — without the API ever returning a secret.

``cluster-manager apply`` needs this to report a password as ``(changed)`` or
``(unchanged)`` and to make no write when nothing changed.  Each write gets a
fresh random salt; PBKDF2-HMAC-SHA256 makes guessing weak values slow, and
only the cluster's creator (who may overwrite the secret anyway) sees them.
Format: ``pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>``.
"""
import hashlib
import os

from chalicelib.domain.access import CURRENT

ITERATIONS = 20_000


def digest(value: str, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    salt = salt if salt is not None else os.urandom(16)
    derived = hashlib.pbkdf2_hmac("sha256", str(value).encode(), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${derived.hex()}"


def of(secrets: dict) -> dict | None:
    """What a write stores for its secrets; None when there are none."""
    return {k: digest(v) for k, v in secrets.items()} if secrets else None


def visible(stored: dict | None) -> dict | None:
    """What a read shows: the digests for the cluster's creator, else nothing."""
    grant = CURRENT.get()
    if not stored or grant is None or not grant.is_creator:
        return None
    return dict(stored)
