"""Secret values: read from an environment variable or a file named in the
apply file (``password_from_env: PG_PASSWORD``, ``secret_key_from_file:
keys/minio``), never from the file itself; and compared with the API's
salted digests so that ``apply`` can say ``(changed)`` or ``(unchanged)``
without the API ever returning a secret.

Digest format (the API's ``secret_digests``):
``pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>``.
"""
import os
from pathlib import Path

SOURCES = ("from_env", "from_file")


class SecretSourceError(Exception):
    pass


def read_secret(source: str, ref, *, base: Path | None) -> str:
    if not isinstance(ref, str) or not ref:
        raise SecretSourceError("must name an environment variable" if source == "from_env"
                                else "must name a file")
    if source == "from_env":
        value = os.environ.get(ref)
        if value is None:
            raise SecretSourceError(f"environment variable {ref} is not set; export it before "
                                    "running apply")
        if value == "":
            raise SecretSourceError(f"environment variable {ref} is empty")
        return value
    path = Path(ref).expanduser()
    if base is not None and not path.is_absolute():
        path = base / path
    try:
        value = path.read_text().rstrip("\r\n")
    except OSError as exc:
        raise SecretSourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not value:
        raise SecretSourceError(f"{path} is empty")
    return value


def matches(value: str, digest: str | None) -> bool:
    """True when ``value`` is the secret the API holds under ``digest``."""
    import hashlib
    import hmac

    if not digest:
        return False
    try:
        scheme, iterations, salt, expected = digest.split("$")
        if scheme != "pbkdf2_sha256":
            return False
        got = hashlib.pbkdf2_hmac("sha256", value.encode(), bytes.fromhex(salt), int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), expected)
