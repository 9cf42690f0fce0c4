"""Cluster managers: users the creator appoints to run the cluster with them.

A manager adds and deletes namespaces, manages members, plans, operate URLs
and agent credentials, and holds every right in every namespace; only the
creator edits or deletes the cluster and appoints or removes managers, and
nobody can remove or demote the creator.  The list lives on the cluster item,
the role on the manager's access item; both change in one transaction.
"""

from chalicelib import clock, db, models
from chalicelib.domain import access as access_rules
from chalicelib.domain.access import CREATOR_ONLY, MANAGE, MANAGER, MEMBER, Principal, authorize
from chalicelib.domain.names import email_problem
from chalicelib.errors import Conflict, NotFound, Unprocessable

TX_RETRIES = 5


def listing(cluster: models.Cluster) -> dict:
    return {"creator": cluster.creator, "managers": access_rules.managers(cluster)}


def get(principal: Principal, cluster_id: str) -> dict:
    return listing(authorize(principal, cluster_id, need=MANAGE).cluster)


def _target(principal, cluster_id, email):
    email = email.strip().lower()
    problem = email_problem(email)
    if problem:
        raise Unprocessable(f"{problem}.", code="invalid_email")
    grant = authorize(principal, cluster_id, need=CREATOR_ONLY)
    if email == grant.cluster.creator:
        raise Conflict(f"{email} created this cluster; the creator holds every right and "
                       "cannot be appointed, removed or demoted.", code="creator_is_permanent")
    return grant, email


def _change(cluster_id: str, email: str, appoint: bool) -> models.Cluster:
    key = (models.cluster_pk(cluster_id), models.CLUSTER_SK)
    access_key = (models.user_pk(email), f"{models.ACCESS_PREFIX}{cluster_id}")

    def attempt() -> models.Cluster:
        cluster = models.Cluster.get(*key, consistent_read=True)
        if cluster.deleting:
            raise access_rules.cluster_not_found(cluster_id)
        current = access_rules.managers(cluster)
        if not appoint and email not in current:
            raise NotFound(f"{email} is not a manager of this cluster; list them with "
                           f"GET /clusters/{cluster_id}/managers.", code="manager_not_found")
        if appoint and email in current:
            return cluster
        cluster.managers = sorted({*current, email} if appoint else set(current) - {email})
        access = db.get_or_none(models.ClusterAccess, *access_key) or models.ClusterAccess(
            *access_key, cluster_id=cluster_id, created_at=clock.now_iso())
        access.role = MANAGER if appoint else MEMBER
        cluster.updated_at = clock.now_iso()
        with db.transaction() as tx:
            tx.save(cluster)
            if appoint or access_rules.memberships(access):
                tx.save(access)  # a demoted manager keeps their namespace memberships
            elif access.version is not None:
                tx.delete(access)
        return cluster

    return db.retry(attempt, "The cluster's managers", tries=TX_RETRIES)


def appoint(principal: Principal, cluster_id: str, email: str) -> dict:
    _, email = _target(principal, cluster_id, email)
    return listing(_change(cluster_id, email, appoint=True))


def remove(principal: Principal, cluster_id: str, email: str) -> dict:
    _, email = _target(principal, cluster_id, email)
    return listing(_change(cluster_id, email, appoint=False))
