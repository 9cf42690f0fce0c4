"""Clusters: create, list, read, edit, delete (from the portal only)."""
from chalicelib import clock, db, models, pagination
from chalicelib.domain import namespaces as namespace_rules
from chalicelib.domain import access as access_rules
from chalicelib.domain.access import MANAGE, Principal, authorize
from chalicelib.errors import Conflict

PLATFORM_UNTOUCHED = (
    "Removed from Cluster Manager only. The cluster and its namespaces still run on "
    "your platform; delete them there with your platform's own tools "
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
    grant = authorize(principal, cluster_id, need=MANAGE)
    cluster = grant.cluster
    for field, value in changes.items():
        setattr(cluster, field, value)
    cluster.updated_at = clock.now_iso()
    db.save_or_conflict(cluster, "The cluster")
    return grant


def delete(principal: Principal, cluster_id: str) -> None:
    """Remove the cluster and everything under it from the portal.

    Idempotent and resumable: the cluster is first marked ``deleting`` (it
    disappears from every read and no namespace can be added), then its
    namespaces are purged, then the cluster and its access grants go in one
    transaction.  A retry after a crash finishes the job."""
    grant = authorize(principal, cluster_id, need=MANAGE, resume_delete=True)
    cluster = grant.cluster
    busy = sorted(ns.name for ns in grant.namespaces if ns.environment_count)
    if busy and not cluster.deleting:
        raise Conflict(
            f"Namespaces {', '.join(busy)} still have environments; delete those environments "
            "first (their storage is deprovisioned through the agent), then the cluster.",
            code="cluster_has_environments")
    if not cluster.deleting:
        with db.or_conflict("The cluster"):
            cluster.update(actions=[models.Cluster.deleting.set(clock.now_iso())])
    for namespace in grant.namespaces:
        namespace_rules.purge(namespace)
    db.delete_all(db.read_partition(models.activity_pk(cluster_id)))
    with db.transaction() as tx:
        tx.delete(cluster)
        tx.delete(grant.access, add_version_condition=False)
