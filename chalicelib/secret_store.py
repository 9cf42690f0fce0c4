"""Secret values (passwords, secret keys, registry and proxy credentials).

They go to Secrets Manager under the namespace's path; DynamoDB keeps only
the reference.  Reads of the API never return them (``"***"``); only the
namespace's own agent can fetch them, by reference, to configure the cluster.
"""
import json
import secrets
from contextlib import contextmanager

from chalicelib import aws, settings


def ref(namespace_id: str, kind: str, name: str) -> str:
    return f"{settings.secrets_prefix()}namespaces/{namespace_id}/{kind}/{name}"


@contextmanager
def staged(namespace_id: str, kind: str, name: str, values: dict, old_ref: str | None):
    """Write ``values`` under a fresh, per-write reference and yield it (None
    when there is nothing to keep); the caller saves the item that points to
    it inside the ``with``.  If that save fails (a lost race), the fresh
    secret is removed; if it succeeds, the one it replaces is.  So the stored
    settings and the stored secret always belong to the same accepted write."""
    new_ref = ref(namespace_id, kind, f"{name}/{secrets.token_hex(8)}") if values else None
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


def put(secret_ref: str, values: dict, *, description: str | None = None) -> None:
    """Create or overwrite the secret (idempotent)."""
    sm = aws.secrets()
    text = json.dumps(values, sort_keys=True)
    try:
        sm.create_secret(Name=secret_ref, SecretString=text,
                         **({"Description": description} if description else {}))
    except sm.exceptions.ResourceExistsException:
        sm.put_secret_value(SecretId=secret_ref, SecretString=text)


def get(secret_ref: str) -> dict:
    return json.loads(aws.secrets().get_secret_value(SecretId=secret_ref)["SecretString"])


def delete(secret_ref: str) -> None:
    sm = aws.secrets()
    try:
        sm.delete_secret(SecretId=secret_ref, ForceDeleteWithoutRecovery=True)
    except sm.exceptions.ResourceNotFoundException:
        pass


def namespace_refs(namespace_id: str) -> list[str]:
    """Every secret stored for one namespace (for the purge)."""
    sm = aws.secrets()
    prefix = f"{settings.secrets_prefix()}namespaces/{namespace_id}/"
    names, token = [], None
    while True:
        page = sm.list_secrets(Filters=[{"Key": "name", "Values": [prefix]}],
                               **({"NextToken": token} if token else {}))
        names += [s["Name"] for s in page["SecretList"] if s["Name"].startswith(prefix)]
        token = page.get("NextToken")
        if not token:
            return names
