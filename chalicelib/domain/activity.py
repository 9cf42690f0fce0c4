"""The activity log: every state-changing request, who made it, when, on what.

Recorded by the routing layer after each successful change (so no route can
forget it); read per cluster or per namespace, newest first.
"""
import logging

from chalicelib import clock, db, models, pagination
from chalicelib.domain.access import MANAGE, VIEW, Principal, authorize

log = logging.getLogger("cluster_manager.activity")


def record(*, actor: str, action: str, method: str, path: str, status: int, cluster_id: str,
           namespace: str | None = None, namespace_id: str | None = None, target: dict) -> None:
    activity_id = clock.new_id()
    item = models.Activity(
        models.activity_pk(cluster_id), f"{models.ACTIVITY_PREFIX}{activity_id}",
        activity_id=activity_id, cluster_id=cluster_id, namespace=namespace, actor=actor,
        action=action, method=method, path=path, status=status,
        target=target, created_at=clock.now_iso())
    if namespace_id:
        item.gsi1pk = models.namespace_activity_key(namespace_id)
        item.gsi1sk = item.sk
    try:
        item.save()
    except Exception:  # the change itself succeeded; never turn it into an error
        log.exception("could not record activity %s on %s", action, path)


def cluster_page(principal: Principal, cluster_id: str, limit: int, next_token):
    authorize(principal, cluster_id, need=MANAGE)
    pk = models.activity_pk(cluster_id)
    items, last_key = db.page(pk, models.ACTIVITY_PREFIX, limit,
                              pagination.decode(next_token, pk=pk), newest_first=True)
    return items, pagination.encode(last_key)


def namespace_page(principal: Principal, cluster_id: str, name: str, limit: int, next_token):
    namespace = authorize(principal, cluster_id, need=VIEW, namespace=name).target
    key = models.namespace_activity_key(namespace.namespace_id)
    start = pagination.decode(next_token, pk=key, key_attr="gsi1pk")
    result = models.Item.lookup.query(key, limit=limit, last_evaluated_key=start,
                                      scan_index_forward=False)
    items = list(result)
    return items, pagination.encode(result.last_evaluated_key)
