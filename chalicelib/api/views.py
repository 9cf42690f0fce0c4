"""Items → response dicts (the shapes in ``schemas``)."""
from datetime import datetime, timedelta

from chalicelib import clock
from chalicelib.domain import configuration as configuration_rules
from chalicelib.domain import digests
from chalicelib.domain import environments as environment_rules
from chalicelib.domain import namespaces as namespace_rules
from chalicelib.domain import plans as plan_rules


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
        "payload": item.payload,
        "result": item.result,
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
        "rights": item.rights,
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
        "target": item.target,
    }


def configuration(item) -> dict:
    return {"section": item.section, "settings": configuration_rules.masked(item),
            "updated_at": item.updated_at, "updated_by": item.updated_by,
            "secret_digests": digests.visible(item.secret_digests)}


def plan(item) -> dict:
    return {"name": item.name, "kind": item.plan_kind, "type": item.type,
            "active": item.active, "settings": plan_rules.masked(item),
            "missing_secrets": plan_rules.missing_secrets(item),
            "created_at": item.created_at, "updated_at": item.updated_at,
            "updated_by": item.updated_by,
            "secret_digests": digests.visible(item.secret_digests)}


def _parse_time(text: str | None) -> datetime | None:
    try:
        return clock.parse_iso(text) if text else None
    except ValueError:
        return None


LAST_ERROR_TEXT = {
    "States.Timeout": "the agent did not answer within the attempt timeout "
                      "(is the namespace connected?)",
}


def environment(env) -> dict:
    failed_at = _parse_time(env.failed_at)
    next_retry = None
    if env.state in (environment_rules.PROVISIONING, environment_rules.DEPROVISIONING) \
            and failed_at and env.retry_in_seconds:
        next_retry = clock.iso(failed_at + timedelta(seconds=int(env.retry_in_seconds)))
    last_error = env.last_error or LAST_ERROR_TEXT.get(env.last_error_code or "", env.last_error_code)
    return {
        "name": env.name, "app": env.app, "namespace": env.namespace, "state": env.state,
        "database_plan": env.database_plan, "storage_plan": env.storage_plan,
        "step": env.step, "attempt": int(env.attempt or 0),
        "max_attempts": int(env.max_attempts or 0), "last_error": last_error,
        "next_retry_at": next_retry, "created_at": env.created_at, "created_by": env.created_by,
        "finished_at": env.finished_at,
        "provisioned": env.provisioned or {},
    }
