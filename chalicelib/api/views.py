"""Items → response dicts (the shapes in ``schemas``)."""
from chalicelib import clock
from chalicelib.domain import namespaces as namespace_rules


def namespace_summary(ns, now) -> dict:
    return {
        "namespace_id": ns.namespace_id,
        "name": ns.name,
        "installation_type": ns.installation_type,
        "status": ns.status,
        "runtime_seconds": namespace_rules.runtime_seconds(ns, now),
    }


def namespace(ns, now=None) -> dict:
    now = now or clock.now()
    return {
        **namespace_summary(ns, now),
        "cluster_id": ns.cluster_id,
        "created_at": ns.created_at,
        "last_seen": ns.last_seen,
        "connected_since": ns.connected_since,
    }


def cluster(item, namespaces, now=None) -> dict:
    now = now or clock.now()
    return {
        "cluster_id": item.cluster_id,
        "name": item.name,
        "type": item.type,
        "platform": item.platform,
        "description": item.description,
        "creator": item.creator,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "namespaces": [namespace_summary(ns, now) for ns in namespaces],
    }


def page(items, next_token) -> dict:
    return {"items": items, "next_token": next_token}


def command(item) -> dict:
    import json

    return {
        "command_id": item.command_id,
        "namespace": item.namespace,
        "type": item.type,
        "state": item.state,
        "payload": json.loads(item.payload) if item.payload else None,
        "result": json.loads(item.result) if item.result else None,
        "error": item.error,
        "requested_by": item.requested_by,
        "created_at": item.created_at,
        "delivered_at": item.delivered_at,
        "finished_at": item.finished_at,
    }
