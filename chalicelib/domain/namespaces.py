"""Namespaces of a cluster: add, list, read, delete, and their live status."""
from chalicelib import clock, db, models, pagination, settings, workflows
from chalicelib.domain import agents, members
from chalicelib.domain.access import MANAGE, VIEW, Principal, authorize
from chalicelib.domain.names import check_dns1123
from chalicelib.errors import Conflict

WAITING = "waiting_for_connection"
CONNECTED = "connected"
DISCONNECTED = "disconnected"


def runtime_seconds(namespace: models.Namespace, now=None) -> int:
    """How long the agent has been connected without a break (0 otherwise)."""
    if namespace.status != CONNECTED or not namespace.connected_since:
        return 0
    now = now or clock.now()
    return max(0, int((now - clock.parse_iso(namespace.connected_since)).total_seconds()))


def create(principal: Principal, cluster_id: str, *, name: str,
           installation_type: str):
    """``(grant, namespace)``: the new namespace and the creator's grant."""
    check_dns1123(name, "Namespace name")
    grant = authorize(principal, cluster_id, need=MANAGE)
    cluster = grant.cluster
    now = clock.now_iso()
    namespace_id = clock.new_id()
    secret = agents.new_secret()
    namespace = models.Namespace(
        models.cluster_pk(cluster_id), models.namespace_sk(name),
        namespace_id=namespace_id, cluster_id=cluster_id, name=name,
        installation_type=installation_type, status=WAITING, created_at=now,
        updated_at=now, environment_count=0, heartbeat_seconds=settings.heartbeat_seconds(),
        gsi1pk=models.namespace_pk(namespace_id), gsi1sk="NAMESPACE",
        **agents.credential_fields(secret, generation=1),
    )
    # The queues and the secret are named by the new id, so they can be made
    # before the name is claimed; whoever loses the race removes its own.
    agents.provision(namespace_id, secret)
    with db.conditional() as write:
        try:
            with db.transaction() as tx:
                # The cluster must still exist and not be on its way out …
                tx.condition_check(
                    models.Cluster, models.cluster_pk(cluster_id), models.CLUSTER_SK,
                    condition=models.Item.pk.exists() & models.Cluster.deleting.does_not_exist(),
                )
                # … and the name must be free: concurrent creates race here, one wins.
                tx.save(namespace, condition=models.Item.pk.does_not_exist())
        except Exception:  # lost the race or failed: remove what was made for it
            agents.deprovision(namespace_id)
            raise
    if not write.held:
        authorize(principal, cluster_id)  # 404 if the cluster went away
        raise Conflict(
            f"Cluster {cluster.name!r} already has a namespace named {name!r}; "
            "namespace names are unique within a cluster, so pick another name.",
            code="namespace_exists",
        ) from None
    return grant, namespace


def list_page(principal: Principal, cluster_id: str, limit: int, next_token: str | None):
    """``(grant, page, next_token)``: one page of the namespaces the caller can see."""
    grant = authorize(principal, cluster_id)
    pk = models.cluster_pk(cluster_id)
    start = pagination.decode(next_token, pk=pk, prefix=models.NAMESPACE_PREFIX)
    after = start["sk"]["S"] if start else ""
    # pages over the namespaces the caller may see (the grant holds them all)
    visible = sorted((ns for ns in grant.namespaces if ns.sk > after), key=lambda ns: ns.sk)
    page = visible[:limit]
    more = len(visible) > limit
    token = pagination.encode({"pk": {"S": pk}, "sk": {"S": page[-1].sk}}) if more else None
    return grant, page, token


def get(principal: Principal, cluster_id: str, name: str, *, need: str = VIEW,
        resume_delete: bool = False):
    """``(cluster, namespace)`` when the caller may ``need`` it."""
    grant = authorize(principal, cluster_id, need=need, namespace=name,
                      resume_delete=resume_delete)
    return grant.cluster, grant.target


NAMESPACE_UNTOUCHED = (
    "Removed from Cluster Manager only; nothing was deprovisioned. The namespace and its "
    "environments (listed in left_on_platform) still run on your platform; delete them "
    "there with your platform's own tools (e.g. 'kubectl delete namespace <name>' or "
    "'oc delete project <name>')."
)


def delete(principal: Principal, cluster_id: str, name: str, confirm: bool = False) -> dict:
    """Remove from the manager only (nothing on the platform is touched);
    with environments present it needs ``confirm``.  Returns what stays on
    the platform: ``{"namespace": name, "environments": [...]}``.

    The namespace is first marked ``deleting`` (without ``confirm`` only if
    it has no environments; creating one requires that mark to be absent),
    then its belongings are purged, then the item itself: a retry resumes."""
    _, namespace = get(principal, cluster_id, name, need=MANAGE, resume_delete=True)
    if not namespace.deleting and not mark_deleting(namespace, allow_environments=confirm):
        environments = environment_names(namespace)
        raise Conflict(
            f"Namespace {name!r} still has environments: "
            f"{', '.join(environments) or '(one is being created)'}. Removing it from Cluster "
            "Manager deprovisions nothing: they keep running on your platform. Repeat the "
            "request with ?confirm=true to remove it anyway, or delete those environments "
            "first.", code="namespace_has_environments")
    return {"namespace": name, "environments": purge(namespace)}


def mark_deleting(namespace: models.Namespace, *, allow_environments: bool) -> bool:
    """Mark the namespace as going (no environment can be added from then on);
    False when it has environments and they are not allowed."""
    condition = None if allow_environments else (models.Namespace.environment_count == 0)
    if db.update_fields(models.Namespace, namespace.pk, namespace.sk,
                        [models.Namespace.deleting.set(clock.now_iso())],
                        condition=(models.Item.pk.exists() & condition) if condition is not None
                        else models.Item.pk.exists()):
        return True
    # gone already: nothing left to mark (or to keep)
    return db.get_or_none(models.Namespace, namespace.pk, namespace.sk) is None


def unmark_deleting(namespace: models.Namespace) -> None:
    db.update_fields(models.Namespace, namespace.pk, namespace.sk,
                     [models.Namespace.deleting.remove()], condition=models.Item.pk.exists())


def environment_names(namespace: models.Namespace) -> list[str]:
    return [item.sk.split("#", 1)[1] for item in db.read_partition(
        models.namespace_pk(namespace.namespace_id), models.ENVIRONMENT_PREFIX)
        if getattr(item, "state", None) != "deprovisioned"]


def purge(namespace: models.Namespace) -> list[str]:
    """Remove everything that belongs to a namespace — its queues and secret,
    its members' access, its items — then the namespace itself (idempotent:
    safe to run again after a crash).  Runs of the provisioning workflow are
    stopped, nothing is deprovisioned; returns the environments left on the
    platform.  Call after ``mark_deleting`` (so nothing is added meanwhile)."""
    agents.deprovision(namespace.namespace_id)
    belongings = db.read_partition(models.namespace_pk(namespace.namespace_id))
    left = []
    for item in belongings:
        if isinstance(item, models.Member):
            members.withdraw(item)
        elif isinstance(item, models.Environment) and item.state != "deprovisioned":
            left.append(item.name)
            if item.execution_arn:
                workflows.stop(item.execution_arn)
    db.delete_all(belongings)
    db.delete_all([namespace])
    return sorted(left)
