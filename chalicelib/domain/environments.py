"""Environments: where an app runs in a namespace (seed §4.2, §7).

Creating one reserves its name (unique per namespace, never the name of a
tool deployed there) together with the namespace's environment count, in one
transaction, then starts the provisioning workflow; deleting one runs the
same workflow backwards and frees the name when the agent has cleaned up.
Nobody deletes a failed pod by hand: failed steps are retried with backoff,
and ``retry-provisioning`` starts again after the last attempt failed.
"""

from chalicelib import clock, db, models, pagination, settings, workflows
from chalicelib.domain import plans as plan_rules
from chalicelib.domain import rights as R
from chalicelib.domain.access import VIEW, authorize
from chalicelib.domain.names import check_dns1123
from chalicelib.errors import Conflict, NotFound, Unprocessable

PROVISIONING, READY, PROVISIONING_FAILED = "provisioning", "ready", "provisioning_failed"
DEPROVISIONING, DEPROVISIONING_FAILED, DEPROVISIONED = (
    "deprovisioning", "deprovisioning_failed", "deprovisioned")
# The tools deployed in every namespace (seed §3.3.2): an app may not take their names.
RESERVED = ("mendix-operator", "mendix-agent")

E, N = models.Environment, models.Namespace


def not_found(namespace: str, name: str) -> NotFound:
    return NotFound(f"Namespace {namespace!r} has no environment {name!r}.",
                    code="environment_not_found")


def _load(namespace, name: str) -> models.Environment | None:
    env = db.get_or_none(E, models.namespace_pk(namespace.namespace_id),
                         models.environment_sk(name))
    return None if env is None or env.state == DEPROVISIONED else env


def plan_snapshot(plan: models.Plan) -> dict:
    """What the agent needs of a plan: settings and a secret reference."""
    return {"name": plan.name, "type": plan.type, **plan.settings,
            "secret_ref": plan.secret_ref}


def _plans_of(namespace, env) -> dict:
    snapshot = {}
    for kind, name in (("database", env.database_plan), ("storage", env.storage_plan)):
        plan = plan_rules.find(namespace, name)
        snapshot[kind] = plan_snapshot(plan) if plan else {"name": name}
    return snapshot


def create(principal, cluster_id: str, namespace_name: str, *, name: str, app: str | None,
           database_plan: str, storage_plan: str) -> models.Environment:
    grant = authorize(principal, cluster_id, need=R.MANAGE_ENVIRONMENT, namespace=namespace_name)
    namespace = grant.target
    check_dns1123(name, "Environment name")
    if name in RESERVED:
        raise Unprocessable(f"{name!r} is the name of a tool deployed in every namespace "
                            f"({', '.join(RESERVED)}); choose another environment name.",
                            code="reserved_name")
    if namespace.installation_type == "standalone":
        raise Conflict(f"Namespace {namespace.name!r} is standalone: its environments are managed "
                       "with the operator's CLI, not from Cluster Manager.",
                       code="standalone_namespace")
    database = plan_rules.usable(namespace, database_plan, "database")
    storage = plan_rules.usable(namespace, storage_plan, "storage")
    now = clock.now_iso()
    env = E(models.namespace_pk(namespace.namespace_id), models.environment_sk(name), name=name,
            app=app or name, namespace_id=namespace.namespace_id, namespace=namespace.name,
            cluster_id=cluster_id, database_plan=database.name, storage_plan=storage.name,
            state=PROVISIONING, step="database", attempt=0, created_at=now,
            max_attempts=settings.provisioning_retry()["max_attempts"],
            created_by=principal.email)
    _reserve(env, namespace)
    _start(env, workflows.PROVISION,
           {"database": plan_snapshot(database), "storage": plan_snapshot(storage)})
    return env


def _reserve(env, namespace) -> None:
    """Claim the name and count the environment, both or neither."""
    def attempt():
        with db.transaction() as tx:
            tx.save(env, condition=models.Item.pk.does_not_exist())
            tx.update(N(namespace.pk, namespace.sk), actions=[N.environment_count.add(1)],
                      condition=N.pk.exists() & N.deleting.does_not_exist(),
                      add_version_condition=False)

    def obstacle():
        """Which condition failed?  Say so, or clear a passing obstacle (and retry)."""
        leftover = db.get_or_none(E, env.pk, env.sk)
        if leftover is not None and leftover.state != DEPROVISIONED:
            raise Conflict(f"Namespace {namespace.name!r} already has an environment named "
                           f"{env.name!r}; environment names are unique within a namespace.",
                           code="environment_exists")
        if leftover is not None:
            finalize(leftover)  # gone from the cluster, not yet swept: free the name now
        elif not N.count(namespace.pk, N.sk == namespace.sk,
                         filter_condition=N.deleting.does_not_exist(), consistent_read=True):
            raise NotFound(f"Namespace {namespace.name!r} is being deleted.",
                           code="namespace_not_found")

    db.retry(attempt, f"Environment {env.name!r}", tries=3, on_condition_failed=obstacle)


def _start(env, operation: str, plans: dict) -> None:
    try:
        env.execution_arn = workflows.start(env, operation, plans, clock.new_id())
        db.update_fields(E, env.pk, env.sk, [E.execution_arn.set(env.execution_arn)])
    except Exception as exc:  # recorded, not lost: retry-provisioning starts it again
        failed = workflows.STATES[operation]["failed_state"]
        env.state, env.last_error = failed, f"could not start the {operation} workflow: {exc}"
        db.update_fields(E, env.pk, env.sk, [E.state.set(failed), E.last_error.set(env.last_error)])


def list_page(principal, cluster_id: str, namespace_name: str, limit: int, next_token):
    namespace = authorize(principal, cluster_id, need=VIEW, namespace=namespace_name).target
    pk = models.namespace_pk(namespace.namespace_id)
    items, last_key = db.page(pk, models.ENVIRONMENT_PREFIX, limit,
                              pagination.decode(next_token, pk=pk))
    return [e for e in items if e.state != DEPROVISIONED], pagination.encode(last_key)


def get(principal, cluster_id: str, namespace_name: str, name: str) -> models.Environment:
    namespace = authorize(principal, cluster_id, need=VIEW, namespace=namespace_name).target
    env = _load(namespace, name)
    if env is None:
        raise not_found(namespace_name, name)
    return env


def _transition(principal, cluster_id, namespace_name, name, *, allowed, to, operation, verb):
    grant = authorize(principal, cluster_id, need=R.MANAGE_ENVIRONMENT, namespace=namespace_name)
    env = _load(grant.target, name)
    if env is None:
        raise not_found(namespace_name, name)
    if env.state not in allowed or not db.update_fields(
            E, env.pk, env.sk,
            [E.state.set(to), E.attempt.set(0), E.last_error.remove(), E.last_error_code.remove(),
             E.retry_in_seconds.remove(), E.failed_at.remove()],
            condition=E.state.is_in(*allowed)):
        raise Conflict(f"Environment {name!r} is {env.state}; it can be {verb} only when it is "
                       f"{' or '.join(allowed)}.", code="environment_busy")
    env.state = to
    _start(env, operation, _plans_of(grant.target, env))
    return env


def retry(principal, cluster_id: str, namespace_name: str, name: str) -> models.Environment:
    """Start again after the last attempt failed (provisioning or deprovisioning)."""
    env = get(principal, cluster_id, namespace_name, name)
    if env.state == DEPROVISIONING_FAILED:
        return delete(principal, cluster_id, namespace_name, name)
    return _transition(principal, cluster_id, namespace_name, name, allowed=(PROVISIONING_FAILED,),
                       to=PROVISIONING, operation=workflows.PROVISION, verb="retried")


def delete(principal, cluster_id: str, namespace_name: str, name: str) -> models.Environment:
    """Deprovision through the agent; the name is freed when that is done."""
    return _transition(principal, cluster_id, namespace_name, name,
                       allowed=(READY, PROVISIONING_FAILED, DEPROVISIONING_FAILED),
                       to=DEPROVISIONING, operation=workflows.DEPROVISION, verb="deleted")


def record_agent_error(namespace_id: str, name: str, error: str) -> None:
    """The agent's own words for a failed attempt (shown as ``last_error``)."""
    db.update_fields(E, models.namespace_pk(namespace_id), models.environment_sk(name),
                     [E.last_error.set(error[:2000])], condition=E.pk.exists())


SHOWN_RESULT = ("plan_type", "note", "server", "database", "role", "bucket", "user", "details_in")


def record_agent_result(namespace_id: str, name: str, result: dict | None) -> None:
    """What a successful step made (names and notes, never credentials: the
    agent keeps those in the namespace), shown as ``provisioned``."""
    if not isinstance(result, dict) or result.get("step") not in workflows.STEPS[
            workflows.PROVISION]:
        return
    pk, sk = models.namespace_pk(namespace_id), models.environment_sk(name)
    env = db.get_or_none(E, pk, sk)
    if env is None:
        return
    shown = dict(env.provisioned or {})
    shown[result["step"]] = {k: str(result[k])[:300] for k in SHOWN_RESULT if k in result}
    db.update_fields(E, pk, sk, [E.provisioned.set(shown)], condition=E.pk.exists())


def finalize(env: models.Environment) -> bool:
    """Remove a deprovisioned environment and uncount it, in one transaction."""
    with db.conditional() as write, db.transaction() as tx:
        tx.delete(E(env.pk, env.sk), condition=E.state == DEPROVISIONED,
                  add_version_condition=False)
        tx.update(N(models.cluster_pk(env.cluster_id), models.namespace_sk(env.namespace)),
                  actions=[N.environment_count.add(-1)],
                  condition=N.namespace_id == env.namespace_id,
                  add_version_condition=False)
    if write.held:
        return True
    # the namespace itself is gone: nothing left to uncount
    return db.delete_if(E(env.pk, env.sk), E.state == DEPROVISIONED)


def sweep(now) -> dict:
    """Remove environments the workflow has deprovisioned."""
    return db.sweep_overdue(workflows.FINALIZE, clock.iso(now), finalize, label="removed")

