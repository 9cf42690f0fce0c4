"""Items → response dicts (the shapes in ``schemas``)."""
import json

from chalicelib import clock
from chalicelib.domain import namespaces as namespace_rules


def namespace_summary(ns, grant, now) -> dict:
    return {
        "namespace_id": ns.namespace_id,
        "name": ns.name,
        "installation_type": ns.installation_type,
        "status": ns.status,
        "runtime_seconds": namespace_rules.runtime_seconds(ns, now),
        "my_rights": grant.rights_in(ns),
    }


def namespace(ns, grant, now=None) -> dict:
    now = now or clock.now()
    return {
        **namespace_summary(ns, grant, now),
        "cluster_id": ns.cluster_id,
        "created_at": ns.created_at,
        "last_seen": ns.last_seen,
        "connected_since": ns.connected_since,
    }


def cluster(grant, now=None) -> dict:
    now = now or clock.now()
    item = grant.cluster
    return {
        "cluster_id": item.cluster_id,
        "name": item.name,
        "type": item.type,
        "platform": item.platform,
        "description": item.description,
        "creator": item.creator,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "my_role": grant.role,
        "namespaces": [namespace_summary(ns, grant, now) for ns in grant.namespaces],
    }


def page(items, next_token) -> dict:
    return {"items": items, "next_token": next_token}


def command(item) -> dict:
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


def member(item) -> dict:
    return {
        "email": item.email,
        "namespace": item.namespace,
        "role": item.role,
        "rights": json.loads(item.rights),
        "status": item.status,
        "invited_by": item.invited_by,
        "invitation_expires_at": item.invite_expires_at if item.status != "active" else None,
        "accepted_at": item.accepted_at,
        "created_at": item.created_at,
    }


def activity(item) -> dict:
    return {
        "activity_id": item.activity_id,
        "at": item.created_at,
        "actor": item.actor,
        "action": item.action,
        "method": item.method,
        "path": item.path,
        "status": int(item.status),
        "namespace": item.namespace,
        "target": json.loads(item.target),
    }


def configuration(item) -> dict:
    from chalicelib.domain.configuration import masked

    from chalicelib.domain.digests import visible

    return {"section": item.section, "settings": masked(item), "updated_at": item.updated_at,
            "updated_by": item.updated_by, "secret_digests": visible(item.secret_digests)}
