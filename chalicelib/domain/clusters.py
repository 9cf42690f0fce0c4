"""Clusters: create, list, read, edit, delete (from the portal only)."""
from chalicelib import clock, db, models, pagination
from chalicelib.domain import namespaces as namespace_rules
from chalicelib.domain import access as access_rules
from chalicelib.domain.access import CREATOR_ONLY, Principal, authorize
from chalicelib.errors import Conflict

PLATFORM_UNTOUCHED = (
    "Removed from Cluster Manager only; nothing was deprovisioned. The cluster, its "
    "namespaces and their environments (listed in left_on_platform) still run on your "
    "platform; delete them there with your platform's own tools "
    "(e.g. 'kubectl delete namespace <name>' or 'oc delete project <name>')."
)


def create(principal: Principal, *, name: str, type: str, description: str | None,
           platform: str | None) -> access_rules.Grant:
    cluster_id = clock.new_id()
    now = clock.now_iso()
    cluster = models.Cluster(
        models.cluster_pk(cluster_id), models.CLUSTER_SK,
        cluster_id=cluster_id, name=name, type=type, description=description,
        platform=platform, creator=principal.email, created_at=now, updated_at=now,
    )
    access = models.ClusterAccess(
        models.user_pk(principal.email), f"{models.ACCESS_PREFIX}{cluster_id}",
        cluster_id=cluster_id, role=access_rules.CREATOR, created_at=now,
    )
    with db.transaction() as tx:
        tx.save(cluster, condition=models.Item.pk.does_not_exist())
        tx.save(access)
    return access_rules.Grant(principal, access, cluster, [])


def list_for(principal: Principal, limit: int, next_token: str | None):
    """One page of the caller's clusters as grants (cluster, visible namespaces,
    the caller's rights)."""
    pk = models.user_pk(principal.email)
    start = pagination.decode(next_token, pk=pk)
    accesses, last_key = db.page(pk, models.ACCESS_PREFIX, limit, start)
    page = []
    for access in accesses:
        grant = access_rules.build(principal, access,
                                   models.Item.query(models.cluster_pk(access.cluster_id)))
        if grant is not None:  # None: deleted meanwhile
            page.append(grant)
    return page, pagination.encode(last_key)


def update(principal: Principal, cluster_id: str, changes: dict):
    grant = authorize(principal, cluster_id, need=CREATOR_ONLY)
    cluster = grant.cluster
    for field, value in changes.items():
        setattr(cluster, field, value)
    cluster.updated_at = clock.now_iso()
    db.save_or_conflict(cluster, "The cluster")
    return grant


def delete(principal: Principal, cluster_id: str, confirm: bool = False) -> dict:
    """Remove the cluster and everything under it from the manager; nothing on
    the platform is touched (no environment is deprovisioned).  Returns what
    stays on the platform: ``{"namespaces": [...], "environments": [...]}``.

    With environments present it needs ``confirm`` (``?confirm=true``).
    Race-free and resumable: the cluster is marked ``deleting`` first (no
    namespace can be added from then on), then its namespaces are read, then
    each is marked (no environment can be added from then on; without
    ``confirm`` only if it has none, else everything is unmarked and the
    answer is 409), then purged, then the cluster and its grants go."""
    grant = authorize(principal, cluster_id, need=CREATOR_ONLY, resume_delete=True)
    cluster = grant.cluster
    resumed = bool(cluster.deleting)
    if not resumed:
        with db.or_conflict("The cluster"):
            cluster.update(actions=[models.Cluster.deleting.set(clock.now_iso())])
    under = [i for i in models.Item.query(models.cluster_pk(cluster_id), consistent_read=True)
             if isinstance(i, models.Namespace)]
    marked, busy = [], []
    for namespace in under:
        if namespace_rules.mark_deleting(namespace, allow_environments=confirm or resumed):
            marked.append(namespace)
        else:
            busy.append(namespace)
    if busy:
        for namespace in marked:
            namespace_rules.unmark_deleting(namespace)
        db.update_fields(models.Cluster, cluster.pk, cluster.sk,
                         [models.Cluster.deleting.remove()])
        names = []
        for namespace in busy:
            names += [f"{namespace.name}/{env}" for env in namespace_rules.environment_names(namespace)]
        raise Conflict(
            f"Environments {', '.join(names) or '(being created)'} still exist. Removing the "
            "cluster from Cluster Manager deprovisions nothing: they keep running on your "
            "platform. Repeat the request with ?confirm=true to remove it anyway, or delete "
            "those environments first.", code="cluster_has_environments")
    left = {"namespaces": sorted(ns.name for ns in under), "environments": []}
    for namespace in under:
        left["environments"] += [{"namespace": namespace.name, "name": env}
                                 for env in namespace_rules.purge(namespace)]
    db.delete_all(db.read_partition(models.activity_pk(cluster_id)))
    with db.transaction() as tx:
        tx.delete(cluster, add_version_condition=False)
        tx.delete(grant.access, add_version_condition=False)
        for email in access_rules.managers(cluster):
            tx.delete(models.ClusterAccess(models.user_pk(email),
                                           f"{models.ACCESS_PREFIX}{cluster_id}"),
                      add_version_condition=False)
    return left
