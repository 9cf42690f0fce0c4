"""Secret values (agent secrets, passwords, secret keys, registry and proxy
credentials).

They are SSM Parameter Store ``SecureString`` parameters under the
namespace's path, ``/<SECRETS_PREFIX>namespaces/<namespace_id>/…``,
encrypted with the stage's KMS key (``SECRETS_KMS_KEY``; AWS's ``aws/ssm``
key when unset); DynamoDB keeps only the reference.  Why not Secrets
Manager: README, "Where secrets live".  Reads of the API never return them
(``"***"``); only the backend reads them, by reference.

A reference is the parameter's name; the namespace's path is its prefix, so
one IAM grant or one listing covers a namespace.
"""
import json
import os
import re
import secrets
from contextlib import contextmanager

from chalicelib import aws, settings

# standard (free) parameters up to the account's 10,000 per region, then
# advanced ones ($0.05/month each) instead of failing
TIER = "Intelligent-Tiering"


def namespace_path(namespace_id: str) -> str:
    return f"/{settings.secrets_prefix().strip('/')}/namespaces/{namespace_id}/"


def ref(namespace_id: str, kind: str, name: str) -> str:
    return f"{namespace_path(namespace_id)}{kind}/{name}"


WRITE_ID_BYTES = 8  # each write's reference is <item>/<16 hex digits>
_WRITE_ID = re.compile(rf"[0-9a-f]{{{2 * WRITE_ID_BYTES}}}")


def successor(secret_ref: str, held) -> str | None:
    """Among the references ``held``, the one that replaced ``secret_ref``: a
    later write of the same plan or section (``staged`` names each write
    ``<item>/<write id>``).  None when ``secret_ref`` is not a per-write
    reference, or when its item holds no reference now."""
    item, _, write_id = secret_ref.rpartition("/")
    if not item or not _WRITE_ID.fullmatch(write_id):
        return None
    return next((r for r in sorted(held) if r.rpartition("/")[0] == item), None)


@contextmanager
def staged(namespace_id: str, kind: str, name: str, values: dict, old_ref: str | None):
    """Write ``values`` under a fresh, per-write reference and yield it (None
    when there is nothing to keep); the caller saves the item that points to
    it inside the ``with``.  If that save fails (a lost race), the fresh
    secret is removed; if it succeeds, the one it replaces is.  So the stored
    settings and the stored secret always belong to the same accepted write."""
    new_ref = ref(namespace_id, kind, f"{name}/{secrets.token_hex(WRITE_ID_BYTES)}") if values else None
    if new_ref:
        put(new_ref, values)
    try:
        yield new_ref
    except BaseException:
        if new_ref:
            delete(new_ref)
        raise
    if old_ref and old_ref != new_ref:
        delete(old_ref)


def encryption_key() -> dict:
    """``KeyId`` for PutParameter: the stage's key, or AWS's ``aws/ssm``."""
    key = os.environ.get("SECRETS_KMS_KEY")
    return {"KeyId": key} if key else {}


def put(secret_ref: str, values: dict, *, description: str | None = None) -> None:
    """Create or overwrite the secret (idempotent)."""
    aws.ssm().put_parameter(Name=secret_ref, Value=json.dumps(values, sort_keys=True),
                            Type="SecureString", Overwrite=True, Tier=TIER, **encryption_key(),
                            **({"Description": description} if description else {}))


def get(secret_ref: str) -> dict:
    return json.loads(aws.ssm().get_parameter(Name=secret_ref, WithDecryption=True)
                      ["Parameter"]["Value"])


def delete(secret_ref: str) -> None:
    ssm = aws.ssm()
    try:
        ssm.delete_parameter(Name=secret_ref)
    except ssm.exceptions.ParameterNotFound:
        pass


def namespace_refs(namespace_id: str) -> list[str]:
    """Every secret stored for one namespace (for the purge); names only, no
    decryption."""
    pages = aws.ssm().get_paginator("get_parameters_by_path").paginate(
        Path=namespace_path(namespace_id).rstrip("/"), Recursive=True, WithDecryption=False)
    return [p["Name"] for page in pages for p in page["Parameters"]]
