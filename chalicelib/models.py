"""The one DynamoDB table and the item types stored in it (PynamoDB).

Layout (``pk`` / ``sk``):

- ``CLUSTER#<cluster_id>`` / ``CLUSTER``           Cluster
- ``CLUSTER#<cluster_id>`` / ``NS#<name>``         Namespace (name unique per cluster)
- ``USER#<email>``         / ``CLUSTER#<id>``      ClusterAccess: the clusters a user sees
- ``NS#<namespace_id>``    / ``<TYPE>#…``          everything that belongs to one namespace
  (``CMD#`` commands, ``MEMBER#`` members, ``OPERATE`` operate URLs, …)
- ``INVITE#<token hash>``  / ``INVITE``            Invitation (single use)
- ``ACTIVITY#<cluster_id>``/ ``ACT#<id>``          Activity log (newest first by id)

Indexes:

- ``lookup`` (``gsi1pk``/``gsi1sk``): find an item by a secondary id,
  e.g. a namespace by its ``namespace_id`` (agents only know that id).
- ``due`` (``gsi2pk``/``gsi2sk``): sparse; only items with a deadline carry
  it, so sweeps read what is overdue and nothing else.

Both indexes copy every attribute of the item types stored in them
(``INDEXED_ITEMS``) *except* ``VOLATILE`` ones: ``last_seen`` changes on every
heartbeat, and an index that copied it would be written (and billed) on every
heartbeat too (docs/liveness.md).  An item type newly given ``gsi1pk`` or
``gsi2pk`` must be added to ``INDEXED_ITEMS``, or its queries through that
index return keys only.

``kind`` is the discriminator; mutable items carry a ``version``
(optimistic locking).  JSON values are ``JSONAttribute`` strings (the same
bytes ``json.dumps`` wrote before; ``SortedJSONAttribute`` where keys were
sorted) and flags are ``FlagAttribute`` booleans.  The table name comes from ``TABLE_NAME`` when a model
is first used, never at import.
"""
import json
import zlib

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.constants import STRING
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib import settings


class _TableName:
    """Descriptor: PynamoDB reads ``Meta.table_name`` on first use."""

    def __get__(self, obj, owner):
        return settings.table_name()


class SortedJSONAttribute(JSONAttribute):
    """JSON text with sorted keys (stable bytes for the same value)."""

    def serialize(self, value):
        return None if value is None else json.dumps(value, sort_keys=True)


class FlagAttribute(BooleanAttribute):
    """A boolean (DynamoDB BOOL).  Reads the strings "true"/"false" that items
    written before it hold, so no migration run is needed: such an item is
    rewritten as BOOL the next time it is saved."""

    def get_value(self, value: dict):
        if STRING in value:  # the old form
            return value[STRING] == "true"
        return super().get_value(value)


class LookupIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "lookup"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class DueIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "due"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class Item(Model):
    """Base of every item in the table; query it to get typed subclasses."""

    class Meta:
        table_name = _TableName()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()
    created_at = UnicodeAttribute(null=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    expires_at = NumberAttribute(null=True)  # TTL (epoch seconds)

    lookup = LookupIndex()
    due = DueIndex()


# --- keys -----------------------------------------------------------------

def cluster_pk(cluster_id: str) -> str:
    return f"CLUSTER#{cluster_id}"


def user_pk(email: str) -> str:
    return f"USER#{email}"


def namespace_sk(name: str) -> str:
    return f"NS#{name}"


def namespace_pk(namespace_id: str) -> str:
    return f"NS#{namespace_id}"


def command_sk(command_id: str) -> str:
    return f"CMD#{command_id}"


def due_pk(what: str, shard: int) -> str:
    return f"DUE#{what}#{shard}"


def due_shard(item_id: str) -> int:
    """Which of the ``DUE_SHARDS`` partitions of the due index an item uses."""
    return zlib.crc32(item_id.encode()) % DUE_SHARDS


def member_sk(email: str) -> str:
    return f"MEMBER#{email}"


def invite_pk(token_hash: str) -> str:
    return f"INVITE#{token_hash}"


def activity_pk(cluster_id: str) -> str:
    return f"ACTIVITY#{cluster_id}"


def namespace_activity_key(namespace_id: str) -> str:
    return f"ACTIVITY#NS#{namespace_id}"


def config_sk(section: str) -> str:
    return f"CONFIG#{section}"


def plan_sk(name: str) -> str:
    return f"PLAN#{name}"


def environment_sk(name: str) -> str:
    return f"ENV#{name}"


CLUSTER_SK = "CLUSTER"
ENVIRONMENT_PREFIX = "ENV#"
CONFIG_PREFIX = "CONFIG#"
PLAN_PREFIX = "PLAN#"
MEMBER_PREFIX = "MEMBER#"
ACTIVITY_PREFIX = "ACT#"
INVITE_SK = "INVITE"
OPERATE_SK = "OPERATE"
COMMAND_PREFIX = "CMD#"
DUE_SHARDS = 4  # spreads the sparse "due" index over a few partitions
ACCESS_PREFIX = "CLUSTER#"
NAMESPACE_PREFIX = "NS#"


# --- item types -----------------------------------------------------------

class Cluster(Item, discriminator="cluster"):
    cluster_id = UnicodeAttribute()
    name = UnicodeAttribute()
    type = UnicodeAttribute()
    platform = UnicodeAttribute(null=True)
    description = UnicodeAttribute(null=True)
    creator = UnicodeAttribute()
    managers = JSONAttribute(null=True)  # sorted list of the emails the creator appointed
    updated_at = UnicodeAttribute(null=True)
    deleting = UnicodeAttribute(null=True)  # set while a delete is under way
    version = VersionAttribute()


class ClusterAccess(Item, discriminator="access"):
    """What one user may see of one cluster: lets ``GET /clusters`` list a
    user's clusters with one Query and every request authorize with one
    GetItem.  ``memberships`` (JSON) maps namespace_id → rights for members."""

    cluster_id = UnicodeAttribute()
    role = UnicodeAttribute()  # creator | manager | member
    memberships = SortedJSONAttribute(default=dict)  # namespace_id → rights
    version = VersionAttribute()


class Namespace(Item, discriminator="namespace"):
    namespace_id = UnicodeAttribute()
    cluster_id = UnicodeAttribute()
    name = UnicodeAttribute()
    installation_type = UnicodeAttribute()
    status = UnicodeAttribute()
    last_seen = UnicodeAttribute(null=True)
    connected_since = UnicodeAttribute(null=True)
    environment_count = NumberAttribute(default=0)
    heartbeat_seconds = NumberAttribute(default=30)
    # agent credentials: only a hash of the secret (the retrievable copy is in
    # the secret store); the key events are signed with is derived, not stored
    agent_secret_hash = UnicodeAttribute(null=True)
    agent_generation = NumberAttribute(default=1)
    updated_at = UnicodeAttribute(null=True)
    deleting = UnicodeAttribute(null=True)  # set while a delete is under way
    version = VersionAttribute()


class Command(Item, discriminator="command"):
    """A command sent to a namespace's agent; ``state`` only moves forward:
    queued → delivered → succeeded | failed (or queued → failed)."""

    command_id = UnicodeAttribute()
    namespace_id = UnicodeAttribute()
    cluster_id = UnicodeAttribute()
    namespace = UnicodeAttribute()
    type = UnicodeAttribute()
    state = UnicodeAttribute()
    payload = JSONAttribute(null=True)
    result = JSONAttribute(null=True)
    error = UnicodeAttribute(null=True)
    requested_by = UnicodeAttribute(null=True)
    delivered_at = UnicodeAttribute(null=True)
    finished_at = UnicodeAttribute(null=True)


class Member(Item, discriminator="member"):
    """A user invited to (pending) or belonging to (active) one namespace."""

    email = UnicodeAttribute()
    cluster_id = UnicodeAttribute()
    namespace_id = UnicodeAttribute()
    namespace = UnicodeAttribute()
    role = UnicodeAttribute()
    rights = JSONAttribute()  # list of rights
    status = UnicodeAttribute()  # pending | active | expired
    invited_by = UnicodeAttribute(null=True)
    invite_hash = UnicodeAttribute(null=True)
    invite_expires_at = UnicodeAttribute(null=True)
    accepted_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)
    version = VersionAttribute()


class Invitation(Item, discriminator="invitation"):
    """A single-use invitation; only the token's hash is stored."""

    email = UnicodeAttribute()
    cluster_id = UnicodeAttribute()
    namespace_id = UnicodeAttribute()
    namespace = UnicodeAttribute()
    role = UnicodeAttribute()
    rights = JSONAttribute()  # list of rights
    invited_by = UnicodeAttribute()
    invite_expires_at = UnicodeAttribute()
    used_at = UnicodeAttribute(null=True)
    used_by = UnicodeAttribute(null=True)


class Operate(Item, discriminator="operate"):
    """A namespace's operate URLs (seed §4.4)."""

    metrics_url = UnicodeAttribute(null=True)
    alerts_url = UnicodeAttribute(null=True)
    logs_url = UnicodeAttribute(null=True)
    backups_url = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)
    updated_by = UnicodeAttribute(null=True)
    version = VersionAttribute()


class Activity(Item, discriminator="activity"):
    """One state-changing action: who, what, when, on what."""

    activity_id = UnicodeAttribute()
    cluster_id = UnicodeAttribute()
    namespace = UnicodeAttribute(null=True)
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    method = UnicodeAttribute()
    path = UnicodeAttribute()
    status = NumberAttribute()
    target = SortedJSONAttribute()


class Configuration(Item, discriminator="configuration"):
    """One section (ingress, registry, proxy) of a namespace's configuration.
    ``settings`` holds only non-secret values; a secret lives in Secrets
    Manager under ``secret_ref``."""

    section = UnicodeAttribute()
    type = UnicodeAttribute(null=True)
    settings = JSONAttribute()  # no secrets
    secret_ref = UnicodeAttribute(null=True)
    secret_digests = SortedJSONAttribute(null=True)  # {field: salted digest}, see domain.digests
    updated_at = UnicodeAttribute(null=True)
    updated_by = UnicodeAttribute(null=True)
    version = VersionAttribute()


class Plan(Item, discriminator="plan"):
    """A database or storage plan of a namespace (seed §3.4, §4.5)."""

    name = UnicodeAttribute()
    plan_kind = UnicodeAttribute()  # database | storage
    type = UnicodeAttribute()  # postgres | ephemeral | minio | s3
    settings = JSONAttribute()  # no secrets
    secret_ref = UnicodeAttribute(null=True)
    secret_digests = SortedJSONAttribute(null=True)  # {field: salted digest}, see domain.digests
    active = FlagAttribute(default=True)
    updated_at = UnicodeAttribute(null=True)
    updated_by = UnicodeAttribute(null=True)
    version = VersionAttribute()


class Environment(Item, discriminator="environment"):
    """An app's environment in a namespace, with its storage provisioning.

    The provisioning workflow (Step Functions) writes ``state``, ``step``,
    ``attempt``, ``retry_in_seconds``, ``failed_at`` and ``last_error_code``
    as it goes; the events handler adds the agent's own ``last_error``."""

    name = UnicodeAttribute()
    app = UnicodeAttribute()
    namespace_id = UnicodeAttribute()
    namespace = UnicodeAttribute()
    cluster_id = UnicodeAttribute()
    database_plan = UnicodeAttribute()
    storage_plan = UnicodeAttribute()
    state = UnicodeAttribute()
    step = UnicodeAttribute(null=True)
    attempt = NumberAttribute(null=True)
    attempt_started_at = UnicodeAttribute(null=True)
    retry_in_seconds = NumberAttribute(null=True)
    failed_at = UnicodeAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    last_error_code = UnicodeAttribute(null=True)
    max_attempts = NumberAttribute(null=True)
    execution_arn = UnicodeAttribute(null=True)
    finished_at = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute(null=True)
    # what the agent reported per step (JSON: plan type, database/bucket names,
    # notes such as "ephemeral: nothing is created outside the namespace")
    provisioned = SortedJSONAttribute(null=True)  # what each step made: names and notes
    version = VersionAttribute()


# --- index projections (docs/liveness.md) -------------------------------------

VOLATILE = ("last_seen",)  # rewritten by every heartbeat: copied into no index
INDEXED_ITEMS = {
    "lookup": (Namespace, Activity),
    "due": (Namespace, Command, Member, Environment),
}
_KEYS = ("pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk")


def projected_attributes(index_name: str) -> list[str]:
    """The non-key attributes the index copies: every attribute of the item
    types stored in it, except the volatile ones and the keys (the table's and
    both indexes' — a changed deadline must not rewrite the lookup index)."""
    names = {name for model in INDEXED_ITEMS[index_name] for name in model.get_attributes()}
    return sorted(names - set(VOLATILE) - set(_KEYS))
