"""Names and errors shared by the provisioners."""
import hashlib
import re
import secrets as random
from dataclasses import dataclass

PG_MAX = 63       # PostgreSQL identifiers (NAMEDATALEN - 1)
BUCKET_MAX = 63   # S3 bucket names; IAM user names allow 64


class ProvisioningFailed(Exception):
    """A clean failure: the message (the server's own words and what to do)
    becomes the environment's last_error.  Never contains a secret value."""


@dataclass(frozen=True)
class Names:
    """Everything an environment's resources are named after.  The names are
    derived, never stored: every run computes the same ones.  A short hash of
    the namespace id and the environment keeps them unique across clusters
    (a shared database server, S3's global bucket names) even when a long
    namespace and environment name have to be shortened."""
    namespace: str
    namespace_id: str
    environment: str

    @property
    def tag(self) -> str:
        return hashlib.sha256(f"{self.namespace_id}/{self.environment}".encode()).hexdigest()[:8]

    @property
    def database(self) -> str:
        """Database and role name: ``mx_<namespace>_<env>_<tag>``, lowercase,
        letters, digits and ``_`` only, at most 63 characters."""
        base = re.sub(r"[^a-z0-9_]", "_", f"mx_{self.namespace}_{self.environment}".lower())
        return f"{base[:PG_MAX - len(self.tag) - 1]}_{self.tag}"

    @property
    def bucket(self) -> str:
        """Bucket (and IAM user) name: ``mendix-<namespace>-<env>-<tag>``: a
        valid S3 name (lowercase letters, digits, '-'), at most 63 characters."""
        base = re.sub(r"[^a-z0-9-]", "-", f"mendix-{self.namespace}-{self.environment}".lower())
        base = base[:BUCKET_MAX - len(self.tag) - 1].rstrip("-")
        return f"{base}-{self.tag}"


def new_password() -> str:
    return random.token_urlsafe(24)  # 192 random bits, URL- and shell-safe


def one_line(text: object) -> str:
    """A server's message on one line (psycopg's span several)."""
    return " ".join(str(text).split()) or "no message"
