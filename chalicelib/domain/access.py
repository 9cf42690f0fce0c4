"""Who may see and change a cluster.

One question, one place: every route that touches a cluster asks here.  A
caller who may not see a cluster gets the same 404 as for a cluster that does
not exist, so ids leak nothing.
"""
from dataclasses import dataclass

from chalicelib import clock, models
from chalicelib.errors import Forbidden, NotFound


@dataclass(frozen=True)
class Principal:
    """The signed-in user; ``email`` (lower-cased) is the identity."""

    email: str
    subject: str


def not_found(cluster_id: str) -> NotFound:
    return NotFound(
        f"No cluster {cluster_id!r} is visible to you; list yours with GET /clusters.",
        code="cluster_not_found",
    )


def load_cluster(principal: Principal, cluster_id: str, *, manage: bool = False,
                 resume_delete: bool = False):
    """The cluster with its namespaces: ``(cluster, [namespace, …])``.

    ``manage=True`` requires the creator (only they change or delete it).
    A cluster being deleted is invisible, except to the delete that resumes it."""
    if not clock.is_id(cluster_id):
        raise not_found(cluster_id)
    cluster, namespaces = None, []
    for item in models.Item.query(models.cluster_pk(cluster_id)):
        if isinstance(item, models.Cluster):
            cluster = item
        elif isinstance(item, models.Namespace) and (resume_delete or not item.deleting):
            namespaces.append(item)
    if cluster is None or (cluster.deleting and not resume_delete):
        raise not_found(cluster_id)
    if cluster.creator != principal.email:
        raise not_found(cluster_id)
    if manage and cluster.creator != principal.email:
        raise Forbidden("Only the cluster's creator may do this.", code="creator_only")
    return cluster, namespaces
