"""Agent credentials, the per-namespace AWS resources, and agent sessions.

Each namespace has its own command queue (with a dead-letter queue) and an
agent secret.  DynamoDB keeps only the secret's SHA-256 (the secret is 256
random bits, so a plain hash is enough); the retrievable copy lives in the
secret store (``secret_store``) so the Installation tab can show it again.  The
key an agent signs its events with is derived from the service's own key, the namespace id and the
credential generation, so the table holds nothing that can sign an event.
An agent trades its secret for short-lived AWS credentials whose session
policy reaches only its own queue and the shared events queue.

Rotation (docs/agent-protocol.md, "Rotation"): the old secret is refused at
once; events signed for the old generation are ignored at once; and the
command queue's policy denies every agent session but the current
generation's, so AWS credentials issued before the rotation lose the queue as
soon as the policy propagates (seconds: within one heartbeat), though they
nominally live up to ``SESSION_SECONDS``; refused, the old agent asks for a
session, gets 401 and stops.  Sessions are therefore renewed only to keep
the credentials valid (``REFRESH_AFTER_SECONDS``), not to notice a rotation.
"""
import hashlib
import hmac
import secrets as random_secrets

from chalicelib import clock, db, keys, models, queues, secret_store, settings, sts
from chalicelib.domain.access import AgentPrincipal
from chalicelib.errors import Conflict, Unauthorized

SECRET_PREFIX = "cma_"
EVENT_KEY_LABEL = "agent-events/v1"
SESSION_SECONDS = 3600


# --- credentials --------------------------------------------------------------

def new_secret() -> str:
    return SECRET_PREFIX + random_secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def event_key(namespace_id: str, generation: int) -> str:
    """The key a namespace's agent signs its events with (hex): derived from
    the service key, so nothing stored in the table can sign an event, and a
    new generation gets a new key."""
    return hmac.new(keys.subkey(EVENT_KEY_LABEL), f"{namespace_id}:{int(generation)}".encode(),
                    hashlib.sha256).hexdigest()


def credential_fields(secret: str, generation: int) -> dict:
    return {"agent_secret_hash": secret_hash(secret), "agent_generation": generation}


def session_name(namespace_id: str, generation: int) -> str:
    """The AWS session name of a generation's agent (the command queue lets in
    only the current one)."""
    return f"ns-{namespace_id}-g{int(generation)}"


# --- per-namespace resources ------------------------------------------------------

def secret_name(namespace_id: str) -> str:
    return secret_store.namespace_path(namespace_id) + "agent"


def provision(namespace_id: str, secret: str, generation: int = 1) -> None:
    """Create the namespace's queues and stored secret (idempotent)."""
    queues.create_command_queues(namespace_id)
    queues.admit_only(namespace_id, settings.agent_role_arn(), session_name(namespace_id, generation))
    store_secret(namespace_id, secret, generation)


def store_secret(namespace_id: str, secret: str, generation: int) -> None:
    secret_store.put(secret_name(namespace_id), {"secret": secret, "generation": generation},
                     description="Cluster Manager agent secret")


def stored_secret(namespace_id: str) -> dict:
    return secret_store.get(secret_name(namespace_id))


def deprovision(namespace_id: str) -> None:
    """Remove the namespace's queues and every secret stored for it (idempotent)."""
    queues.delete_command_queues(namespace_id)
    for ref in {secret_name(namespace_id), *secret_store.namespace_refs(namespace_id)}:
        secret_store.delete(ref)


# --- rotation -------------------------------------------------------------------

def rotate(namespace: models.Namespace) -> tuple[str, int]:
    """Issue a new secret; the old one stops working at once."""
    secret = new_secret()
    generation = (namespace.agent_generation or 1) + 1
    fields = credential_fields(secret, generation)
    ok = db.update_fields(
        models.Namespace, namespace.pk, namespace.sk,
        actions=[getattr(models.Namespace, k).set(v) for k, v in fields.items()],
        condition=models.Namespace.agent_generation == namespace.agent_generation,
    )
    if not ok:
        raise Conflict("The agent credentials were rotated by another request just now; "
                       "read the installation parameters again.", code="concurrent_rotation")
    # AWS credentials of the old generation lose the command queue
    queues.admit_only(namespace.namespace_id, settings.agent_role_arn(),
                      session_name(namespace.namespace_id, generation))
    store_secret(namespace.namespace_id, secret, generation)
    return secret, generation


# --- sessions -------------------------------------------------------------------

def find_namespace(namespace_id: str) -> models.Namespace | None:
    if not clock.is_id(namespace_id):
        return None
    for item in models.Item.lookup.query(models.namespace_pk(namespace_id)):
        if isinstance(item, models.Namespace) and not item.deleting:
            return item
    return None


def session_policy(namespace_id: str) -> dict:
    """The only things a namespace's agent may do in AWS."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "OwnCommandQueue", "Effect": "Allow",
             "Action": queues.AGENT_QUEUE_ACTIONS,
             "Resource": queues.arn(queues.command_queue_name(namespace_id))},
            {"Sid": "SharedEventsQueue", "Effect": "Allow",
             "Action": queues.AGENT_EVENTS_ACTIONS,
             "Resource": queues.arn(settings.events_queue_name())},
        ],
    }


# Agents renew their session this long after obtaining it (at the latest, and
# in practice at 80 % of it: agent/session.py), well before the credentials
# expire, so an API outage of minutes costs nothing.  Revocation does not wait
# for it: a rotated secret loses the command queue as the queue's policy
# propagates, and the agent, refused, asks for a session and gets 401; a
# deleted namespace's queue is gone, with the same effect.  Renewing rarely is
# what keeps sessions out of an idle namespace's cost (README, "What it costs").
REFRESH_AFTER_SECONDS = SESSION_SECONDS * 5 // 6


def revoked() -> Unauthorized:
    return Unauthorized(
        "Unknown namespace id or wrong agent secret (it may have been rotated). "
        "Copy the current parameters from the namespace's Installation tab and re-run "
        "the installation script.", code="agent_unauthorized")


def verify(namespace_id: str, secret: str) -> models.Namespace:
    """The namespace whose current secret this is, or 401."""
    namespace = find_namespace(namespace_id)
    if namespace is None or not namespace.agent_secret_hash or not hmac.compare_digest(
            namespace.agent_secret_hash, secret_hash(secret)):
        raise revoked()
    return namespace


def principal_from_header(value: str):
    """``Agent <namespace_id>:<secret>`` → the namespace's principal, or 401."""
    namespace_id, _, secret = value.partition(":")
    namespace = verify(namespace_id.strip(), secret.strip())
    return AgentPrincipal(namespace.namespace_id, namespace.cluster_id, namespace.name)


def open_session(namespace_id: str, secret: str) -> dict:
    namespace = verify(namespace_id, secret)
    # a namespace whose cluster is gone (or going) is gone too
    cluster = db.get_or_none(models.Cluster, models.cluster_pk(namespace.cluster_id),
                             models.CLUSTER_SK)
    if cluster is None or cluster.deleting:
        raise revoked()
    granted = sts.agent_credentials(
        session_name(namespace_id, namespace.agent_generation or 1),
        session_policy(namespace_id), SESSION_SECONDS)
    heartbeat = int(namespace.heartbeat_seconds or settings.heartbeat_seconds())
    return {
        "namespace_id": namespace_id,
        "namespace": namespace.name,
        "cluster_id": namespace.cluster_id,
        "cluster_type": cluster.type,
        "installation_type": namespace.installation_type,
        "credential_generation": int(namespace.agent_generation or 1),
        "credentials": {
            "access_key_id": granted["AccessKeyId"],
            "secret_access_key": granted["SecretAccessKey"],
            "session_token": granted["SessionToken"],
            "expiration": clock.iso(granted["Expiration"]),
        },
        "region": settings.region(),
        "endpoint_url": settings.endpoint_url(),
        "command_queue_url": queues.url(queues.command_queue_name(namespace_id)),
        "events_queue_url": queues.url(settings.events_queue_name()),
        "event_signing_key": event_key(namespace_id, int(namespace.agent_generation or 1)),
        "heartbeat_seconds": heartbeat,
        "refresh_after_seconds": REFRESH_AFTER_SECONDS,
        "max_receive_count": queues.COMMAND_QUEUE["max_receive_count"],
    }
