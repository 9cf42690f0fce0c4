"""The activity log: every state-changing request, who made it, when, on what.

Recorded by the routing layer after each successful change (so no route can
forget it); read per cluster (creator and managers) or per namespace, newest
first.  In a namespace's log a member sees only what their rights let them
see anyway (``MEMBER_VISIBLE``) and their own actions: who was invited, as
what, or when credentials were rotated is for the creator and managers.
"""
import logging

from chalicelib import clock, db, models, pagination
from chalicelib.domain.access import MANAGE, VIEW, Principal, authorize

log = logging.getLogger("cluster_manager.activity")

# actions on things every member of the namespace can read
MEMBER_VISIBLE = frozenset({
    "create_namespace", "send_command", "put_configuration_section", "save_plan", "toggle_plan",
    "create_environment", "delete_environment", "retry_provisioning", "put_operate",
    "patch_operate",
})


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


def visible_to(grant):
    if grant.can_manage:
        return lambda entry: True
    me = grant.principal.email
    return lambda entry: entry.action in MEMBER_VISIBLE or entry.actor == me


def namespace_page(principal: Principal, cluster_id: str, name: str, limit: int, next_token):
    """One page of what the caller may see (full pages, a token only when more follows)."""
    grant = authorize(principal, cluster_id, need=VIEW, namespace=name)
    key = models.namespace_activity_key(grant.target.namespace_id)
    start = pagination.decode(next_token, pk=key, key_attr="gsi1pk",
                              prefix=models.ACTIVITY_PREFIX, sort_attr="gsi1sk")
    keep = visible_to(grant)
    page, more = [], False
    for entry in models.Item.lookup.query(key, last_evaluated_key=start,
                                          scan_index_forward=False, page_size=max(limit, 25)):
        if not keep(entry):
            continue
        if len(page) == limit:
            more = True
            break
        page.append(entry)
    last = page[-1] if more else None
    token = pagination.encode({"pk": {"S": last.pk}, "sk": {"S": last.sk},
                               "gsi1pk": {"S": last.gsi1pk}, "gsi1sk": {"S": last.gsi1sk}}
                              ) if last else None
    return page, token
