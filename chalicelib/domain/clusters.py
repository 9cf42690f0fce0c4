"""Clusters: create, list, read, edit, delete (from the portal only)."""
from chalicelib import clock, db, models, pagination
from chalicelib.domain import namespaces as namespace_rules
from chalicelib.domain.access import Principal, load_cluster
from chalicelib.errors import NotFound

PLATFORM_UNTOUCHED = (
    "Removed from Cluster Manager only. The cluster and its namespaces still run on "
    "your platform; delete them there with your platform's own tools "
    "(e.g. 'kubectl delete namespace <name>' or 'oc delete project <name>')."
)


def create(principal: Principal, *, name: str, type: str, description: str | None,
           platform: str | None) -> models.Cluster:
    cluster_id = clock.new_id()
    now = clock.now_iso()
    cluster = models.Cluster(
        models.cluster_pk(cluster_id), models.CLUSTER_SK,
        cluster_id=cluster_id, name=name, type=type, description=description,
        platform=platform, creator=principal.email, created_at=now, updated_at=now,
    )
    access = models.ClusterAccess(
        models.user_pk(principal.email), f"{models.ACCESS_PREFIX}{cluster_id}",
        cluster_id=cluster_id, role="creator", created_at=now,
    )
    with db.transaction() as tx:
        tx.save(cluster, condition=models.Item.pk.does_not_exist())
        tx.save(access)
    return cluster


def list_for(principal: Principal, limit: int, next_token: str | None):
    """One page of the caller's clusters, each with its namespaces."""
    pk = models.user_pk(principal.email)
    start = pagination.decode(next_token, pk=pk)
    grants, last_key = db.page(pk, models.ACCESS_PREFIX, limit, start)
    page = []
    for grant in grants:
        try:
            page.append(load_cluster(principal, grant.cluster_id))
        except NotFound:  # deleted meanwhile, or access withdrawn
            continue
    return page, pagination.encode(last_key)


def update(principal: Principal, cluster_id: str, changes: dict):
    cluster, namespaces = load_cluster(principal, cluster_id, manage=True)
    for field, value in changes.items():
        setattr(cluster, field, value)
    cluster.updated_at = clock.now_iso()
    try:
        cluster.save()
    except Exception as exc:
        if db.condition_failed(exc):
            raise db.concurrent_change("The cluster") from None
        raise
    return cluster, namespaces


def delete(principal: Principal, cluster_id: str) -> None:
    """Remove the cluster and everything under it from the portal.

    Idempotent and resumable: the cluster is first marked ``deleting`` (it
    disappears from every read and no namespace can be added), then its
    namespaces are purged, then the cluster and its access grants go in one
    transaction.  A retry after a crash finishes the job."""
    cluster, namespaces = load_cluster(principal, cluster_id, manage=True, resume_delete=True)
    if not cluster.deleting:
        try:
            cluster.update(actions=[models.Cluster.deleting.set(clock.now_iso())])
        except Exception as exc:
            if db.condition_failed(exc):
                raise db.concurrent_change("The cluster") from None
            raise
    for namespace in namespaces:
        namespace_rules.purge(namespace)
    grants = [models.ClusterAccess(models.user_pk(cluster.creator),
                                   f"{models.ACCESS_PREFIX}{cluster_id}")]
    with db.transaction() as tx:
        tx.delete(cluster)
        for grant in grants:
            tx.delete(grant)
