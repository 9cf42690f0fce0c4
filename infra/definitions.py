"""The resources Cluster Manager needs, described once.

Both the local stack (``infra.local``) and the CDK app build from these, so
a key, an index or a queue setting cannot differ between the two.
"""

TABLE = {
    "partition_key": "pk",
    "sort_key": "sk",
    "ttl_attribute": "expires_at",
    "indexes": [
        # find an item by a secondary id (e.g. a namespace by namespace_id)
        {"name": "lookup", "partition_key": "gsi1pk", "sort_key": "gsi1sk"},
        # sparse: items with a deadline, so sweeps read only what is overdue
        {"name": "due", "partition_key": "gsi2pk", "sort_key": "gsi2sk"},
    ],
}


def index_attributes(index_name: str) -> list[str]:
    """What an index copies besides keys: every attribute of the item types it
    holds except those a heartbeat rewrites (``chalicelib/models.py`` owns the
    list, derived from the item types; docs/liveness.md says why)."""
    from chalicelib.models import projected_attributes

    return projected_attributes(index_name)


def dynamodb_create_table_args(table_name: str) -> dict:
    """``CreateTable`` arguments (on-demand billing, all string keys)."""
    keys = {TABLE["partition_key"], TABLE["sort_key"]}
    for index in TABLE["indexes"]:
        keys |= {index["partition_key"], index["sort_key"]}
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": k, "AttributeType": "S"} for k in sorted(keys)],
        "KeySchema": [
            {"AttributeName": TABLE["partition_key"], "KeyType": "HASH"},
            {"AttributeName": TABLE["sort_key"], "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": index["name"],
                "KeySchema": [
                    {"AttributeName": index["partition_key"], "KeyType": "HASH"},
                    {"AttributeName": index["sort_key"], "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "INCLUDE",
                               "NonKeyAttributes": index_attributes(index["name"])},
            }
            for index in TABLE["indexes"]
        ],
    }


# --- queues -----------------------------------------------------------------
# Per-namespace command queues are created by the API when a namespace is
# added (``chalicelib/queues.py`` owns their shape and names:
# ``<QUEUE_PREFIX>ns-<namespace_id>`` and ``…-dlq``); the shared events queue
# (agents → backend) and its dead-letter queue exist once and are made here.
from chalicelib.queues import (  # noqa: E402  (re-exported for the CDK app)
    AGENT_EVENTS_ACTIONS,
    AGENT_QUEUE_ACTIONS,
    COMMAND_QUEUE,
    redrive_policy,
)

EVENTS_QUEUE = {
    "visibility_timeout_seconds": 60,  # ≥ the events handler's timeout
    "message_retention_seconds": 4 * 24 * 3600,
    "max_receive_count": 5,
    "dlq_retention_seconds": 14 * 24 * 3600,
    "batch_size": 10,
}

# --- workflows ------------------------------------------------------------------
# One definition file, used by the CDK app and by the local stack.
from pathlib import Path  # noqa: E402

PROVISIONING_DEFINITION = Path(__file__).parent / "statemachines" / "provisioning.asl.json"


def provisioning_definition() -> str:
    return PROVISIONING_DEFINITION.read_text()


__all__ = ["TABLE", "EVENTS_QUEUE", "COMMAND_QUEUE", "AGENT_QUEUE_ACTIONS", "AGENT_EVENTS_ACTIONS",
           "PROVISIONING_DEFINITION", "provisioning_definition", "redrive_policy",
           "dynamodb_create_table_args", "index_attributes"]
