"""Time and identifiers: ISO 8601 UTC strings and time-ordered ids."""
import os
import time
from datetime import datetime, timezone

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
ID_LENGTH = 26


def now() -> datetime:
    return datetime.now(timezone.utc)


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def now_iso() -> str:
    return iso(now())


def parse_iso(text: str) -> datetime:
    """Any ISO 8601 time (``iso``'s, or Step Functions'); UTC when it names no zone."""
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def new_id() -> str:
    """A ULID-shaped id (48-bit milliseconds + 80 random bits, Crockford
    base32, lowercase): sorts by creation time, so partitions keyed by it list
    oldest first without an extra index."""
    value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(ID_LENGTH):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def id_pattern() -> str:
    return f"^[{_CROCKFORD}]{{{ID_LENGTH}}}$"


def is_id(text: str) -> bool:
    return len(text) == ID_LENGTH and all(c in _CROCKFORD for c in text)
