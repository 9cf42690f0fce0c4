"""Secret values (passwords, secret keys, registry and proxy credentials).

They go to Secrets Manager under the namespace's path; DynamoDB keeps only
the reference.  Reads of the API never return them (``"***"``); only the
namespace's own agent can fetch them, by reference, to configure the cluster.
"""
import json

from chalicelib import aws, settings


def ref(namespace_id: str, kind: str, name: str) -> str:
    return f"{settings.secrets_prefix()}namespaces/{namespace_id}/{kind}/{name}"


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
