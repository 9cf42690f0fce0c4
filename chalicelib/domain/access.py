"""Who may do what: the one authorization decision every route goes through.

``authorize(principal, cluster_id, need=…, namespace=…)`` answers with a
``Grant`` or raises.  The rules (seed §4.3):

- the cluster's creator may do everything;
- a member sees the cluster and only the namespaces they belong to, and acts
  there with the rights their role gives them;
- the creator and the cluster managers the creator appointed manage:
  namespaces, plans, members, operate URLs, agent credentials (``need=MANAGE``);
  a manager holds every right in every namespace;
- only the creator edits or deletes the cluster and appoints or removes
  managers (``need=CREATOR_ONLY``); nobody can remove or demote the creator;
- a cluster or namespace the caller may not see answers 404 exactly like one
  that does not exist, so ids leak nothing; a visible one the caller may not
  change answers 403 with the reason.

It costs one consistent GetItem (the caller's access item, so a removed member
is refused on their very next request) and one Query (the cluster partition).
"""
import contextvars
from dataclasses import dataclass, field

from chalicelib import clock, db, models
from chalicelib.domain import rights as R
from chalicelib.errors import Forbidden, NotFound

# The grant of the request being served (read by the activity log).
CURRENT = contextvars.ContextVar("grant", default=None)

VIEW = "view"
MANAGE = "manage"
CREATOR_ONLY = "creator_only"
CREATOR, MANAGER, MEMBER = "creator", "manager", "member"


@dataclass(frozen=True)
class Principal:
    """The signed-in user; ``email`` (lower-cased) is the identity."""

    email: str
    subject: str


@dataclass(frozen=True)
class AgentPrincipal:
    """A namespace's own credentials (the reconfiguration script uses them):
    good for that namespace's configuration and plans, nothing else."""

    namespace_id: str
    cluster_id: str
    namespace: str

    @property
    def email(self) -> str:  # how it appears in activity and "updated_by"
        return f"agent:{self.namespace}"


def cluster_not_found(cluster_id: str) -> NotFound:
    return NotFound(
        f"No cluster {cluster_id!r} is visible to you; list yours with GET /clusters.",
        code="cluster_not_found",
    )


def namespace_not_found(cluster_id: str, name: str) -> NotFound:
    return NotFound(
        f"Cluster {cluster_id!r} has no namespace {name!r} that you can see; list them with "
        f"GET /clusters/{cluster_id}/namespaces.",
        code="namespace_not_found",
    )


@dataclass
class Grant:
    principal: Principal
    access: models.ClusterAccess
    cluster: models.Cluster
    namespaces: list = field(default_factory=list)  # the ones the caller can see
    target: models.Namespace | None = None  # the namespace the request is about

    @property
    def is_creator(self) -> bool:
        return (self.access is not None and self.access.role == CREATOR
                and self.cluster.creator == self.principal.email)

    @property
    def is_manager(self) -> bool:
        """Appointed by the creator (both the cluster and the caller's access say so)."""
        return (self.access is not None and self.access.role == MANAGER
                and self.principal.email in managers(self.cluster))

    @property
    def can_manage(self) -> bool:
        return self.is_creator or self.is_manager

    @property
    def role(self) -> str:
        return CREATOR if self.is_creator else MANAGER if self.is_manager else MEMBER

    def rights_in(self, namespace: models.Namespace) -> list[str]:
        if self.can_manage:
            return list(R.ALL)
        return list(memberships(self.access).get(namespace.namespace_id, []))

    def namespace(self, name: str) -> models.Namespace:
        for ns in self.namespaces:
            if ns.name == name:
                return ns
        raise namespace_not_found(self.cluster.cluster_id, name)


def managers(cluster: models.Cluster) -> list[str]:
    return list(cluster.managers or [])


def memberships(access: models.ClusterAccess) -> dict:
    return access.memberships or {}


def build(principal: Principal, access: models.ClusterAccess, items, *,
          resume_delete: bool = False) -> Grant | None:
    """A grant from the caller's access item and the cluster partition's items;
    None when the cluster is gone (or going) or the access is stale."""
    cluster, namespaces = None, []
    for item in items:
        if isinstance(item, models.Cluster):
            cluster = item
        elif isinstance(item, models.Namespace) and (resume_delete or not item.deleting):
            namespaces.append(item)
    if cluster is None or (cluster.deleting and not resume_delete):
        return None
    grant = Grant(principal, access, cluster)
    if grant.can_manage:
        grant.namespaces = namespaces
    elif access.role in (MEMBER, MANAGER):  # (a manager no longer: their memberships)
        mine = memberships(access)
        grant.namespaces = [ns for ns in namespaces if ns.namespace_id in mine]
    else:
        return None
    return grant


def _authorize_agent(agent: AgentPrincipal, cluster_id: str, namespace: str | None) -> Grant:
    """Namespace credentials reach their own namespace only (routes decide
    whether they are accepted at all)."""
    if cluster_id != agent.cluster_id:
        raise cluster_not_found(cluster_id)
    if namespace != agent.namespace:
        raise namespace_not_found(cluster_id, namespace or "")
    items = list(models.Item.query(models.cluster_pk(cluster_id)))
    grant = Grant(agent, None, next((i for i in items if isinstance(i, models.Cluster)), None))
    target = [i for i in items if isinstance(i, models.Namespace)
              and i.namespace_id == agent.namespace_id and not i.deleting]
    if grant.cluster is None or grant.cluster.deleting or not target:
        raise cluster_not_found(cluster_id)
    grant.namespaces, grant.target = target, target[0]
    CURRENT.set(grant)
    return grant


def authorize(principal, cluster_id: str, *, need: str = VIEW,
              namespace: str | None = None, resume_delete: bool = False) -> Grant:
    """Decide; ``need`` is VIEW, MANAGE or one of the rights in ``rights``."""
    if not clock.is_id(cluster_id):
        raise cluster_not_found(cluster_id)
    if isinstance(principal, AgentPrincipal):
        return _authorize_agent(principal, cluster_id, namespace)
    access = db.get_or_none(models.ClusterAccess, models.user_pk(principal.email),
                            f"{models.ACCESS_PREFIX}{cluster_id}")
    if access is None:
        raise cluster_not_found(cluster_id)
    grant = build(principal, access, models.Item.query(models.cluster_pk(cluster_id)),
                  resume_delete=resume_delete)
    if grant is None:
        raise cluster_not_found(cluster_id)
    if namespace is not None:
        grant.target = grant.namespace(namespace)
    CURRENT.set(grant)
    _require(grant, need)
    return grant


def _require(grant: Grant, need: str) -> None:
    """Raise 403 unless the grant covers ``need``."""
    if need == VIEW or grant.is_creator:
        return
    if need == CREATOR_ONLY:
        raise Forbidden(
            f"Only the cluster's creator ({grant.cluster.creator}) may do this: edit or delete "
            "the cluster and appoint or remove cluster managers.", code="creator_only")
    if grant.is_manager:
        return
    if need == MANAGE:
        raise Forbidden(
            f"Only the cluster's creator ({grant.cluster.creator}) or a cluster manager may do "
            "this: add and delete namespaces, manage plans, members, operate URLs and agent "
            "credentials.", code="creator_only")
    if grant.target is None or need not in grant.rights_in(grant.target):
        where = f"namespace {grant.target.name!r}" if grant.target else "this cluster"
        raise Forbidden(
            f"You need the '{R.DESCRIPTIONS.get(need, need)}' right ({need}) in {where}; "
            f"ask the cluster's creator ({grant.cluster.creator}) or a manager to grant it.",
            code="missing_right")


def save_in_namespace(namespace: models.Namespace, item, what: str, *, condition=None) -> None:
    """Save ``item`` (with its optimistic locking and ``condition``: a lost race
    is a 409) under ``namespace`` only while the namespace is there and not
    being deleted; otherwise 404, and nothing is left under it.

    Written first, then the namespace is read (consistently).  Still there and
    not marked: the write finished before any delete marked the namespace, so
    that delete — which marks first and only then reads what is under the
    namespace — finds the item and removes it with the rest.  Marked or gone:
    the item is removed again here.  Never an orphan; one write and one read,
    where a transaction would cost two of each (and moto a copy of the table)."""
    db.save_or_conflict(item, what, condition=condition)
    current = db.get_or_none(models.Namespace, namespace.pk, namespace.sk)
    if current is not None and not current.deleting \
            and current.namespace_id == namespace.namespace_id:
        return
    db.delete_all([item])
    if current is not None and current.namespace_id == namespace.namespace_id:
        raise NotFound(f"Namespace {namespace.name!r} is being deleted.", code="namespace_not_found")
    raise namespace_not_found(namespace.cluster_id, namespace.name)
