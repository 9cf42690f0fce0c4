"""Database and storage plans of a namespace (seed §3.4.2, §3.4.3, §4.5).

Creating a plan whose name exists updates it and says so (the seed errors
first); plans are never removed, only deactivated — a deactivated plan stays
listed, keeps serving the environments that use it, and cannot be picked for
new ones.  Passwords and secret keys go to the secret store.
"""

from chalicelib import clock, db, models, pagination, secret_store, settings
from chalicelib.catalogue import CATALOGUE
from chalicelib.domain import commands, digests, forms
from chalicelib.domain.configuration import push
from chalicelib.domain.access import MANAGE, VIEW, authorize, save_in_namespace
from chalicelib.domain.names import dns1123_problem
from chalicelib.errors import Conflict, NotFound, Unprocessable

MASK = "***"
# Paths under …/plans/ that are routes of their own, so no plan can be named so.
RESERVED_NAMES = ("s3-policy",)
ACCOUNT_ID_PATTERN = r"^[0-9]{12}$"


def s3_policy(account_id: str) -> dict:
    """The IAM policy the S3 plan's user needs (seed §3.4.3), for one account."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "bucketPermissions", "Effect": "Allow",
             "Action": ["s3:CreateBucket", "s3:DeleteBucket"],
             "Resource": "arn:aws:s3:::mendix-*"},
            {"Sid": "iamPermissions", "Effect": "Allow",
             "Action": ["iam:DeleteAccessKey", "iam:PutUserPolicy", "iam:DeleteUserPolicy",
                        "iam:DeleteUser", "iam:CreateUser", "iam:CreateAccessKey",
                        # beyond the reference's policy: finds a key a crashed run left
                        "iam:ListAccessKeys"],
             "Resource": [f"arn:aws:iam::{account_id}:user/mendix-*"]},
        ],
    }


def check(body: dict) -> tuple[dict, dict]:
    """``(settings, secrets)`` of a plan body, or 422 naming every problem."""
    problems = []
    name, kind, type_ = body.get("name"), body.get("kind"), body.get("type")
    if not name:
        problems.append("'name' is required (or send {\"existing\": name} to add an existing plan)")
    elif dns1123_problem(name):
        problems.append(f"name {name!r} must be a DNS-1123 label: lowercase letters, digits and "
                        "'-', starting and ending with a letter or digit, at most 63 characters")
    elif name in RESERVED_NAMES:
        problems.append(f"name {name!r} is reserved: it is the path of GET …/plans/{name}; "
                        "pick another name")
    group = CATALOGUE.plan_kind(kind)
    variant = group.variant(type_) if group else None
    if group is None:
        problems.append("'kind' must be " + " or ".join(repr(g.name) for g in CATALOGUE.plans))
    elif variant is None:
        problems.append(f"a {kind} plan's 'type' must be one of {', '.join(group.values)}")
    if not problems:
        settings, secrets, problems = forms.check(group, variant, body, None,
                                                  subject=f"a {type_} plan",
                                                  others=CATALOGUE.plan_fields())
    if problems:
        raise Unprocessable("The plan is not valid: " + "; ".join(problems) + ".", code="invalid_plan")
    return settings, secrets


def find(namespace, name) -> models.Plan | None:
    return _load(namespace, name)


def _load(namespace, name):
    return db.get_or_none(models.Plan, models.namespace_pk(namespace.namespace_id),
                          models.plan_sk(name))


def masked(plan) -> dict:
    """A plan's settings as the API shows them: secrets replaced by ``"***"``."""
    group = CATALOGUE.plan_kind(plan.plan_kind)
    return forms.mask(group.variant(plan.type) if group else None, plan.settings,
                      bool(plan.secret_ref), MASK)


def upsert(principal, cluster_id: str, name: str, body: dict):
    """Create or update a plan by name: ``(plan, "created" | "updated")``."""
    grant = authorize(principal, cluster_id, need=MANAGE, namespace=name)
    namespace = grant.target
    if body.get("existing") is not None:
        return add_existing(grant, body)
    settings, secrets = check(body)
    plan = _load(namespace, body["name"])
    if plan is not None and plan.plan_kind != body["kind"]:
        raise Conflict(f"{body['name']!r} is already a {plan.plan_kind} plan in this namespace; "
                       f"a {body['kind']} plan needs another name.", code="plan_kind_mismatch")
    result = "created" if plan is None else "updated"
    now = clock.now_iso()
    plan = plan or models.Plan(models.namespace_pk(namespace.namespace_id),
                               models.plan_sk(body["name"]), name=body["name"],
                               plan_kind=body["kind"], created_at=now, active=True)
    plan.secret_digests = digests.of(secrets)
    plan.type, plan.settings = body["type"], settings
    plan.updated_at, plan.updated_by = now, principal.email
    with secret_store.staged(namespace.namespace_id, "plans", plan.name, secrets,
                             plan.secret_ref) as plan.secret_ref:
        _save(namespace, plan, "created" if result == "created" else None)
    push(namespace, reason=f"plan {plan.name} {result}")
    return plan, result


def _save(namespace, plan, creating: str | None) -> None:
    save_in_namespace(namespace, plan, f"Plan {plan.name!r}",
                      condition=models.Item.pk.does_not_exist() if creating else None)


def add_existing(grant, body: dict):
    """Link a plan that exists in another namespace of the same cluster (seed
    §4.5.1: for when the script could not add it)."""
    name = body["existing"]
    if any(body.get(f) is not None for f in ("name", "kind", "type", *CATALOGUE.plan_fields())):
        raise Unprocessable("Send either {\"existing\": name} alone, or a whole plan; not both.",
                            code="invalid_plan")
    namespace = grant.target
    mine = _load(namespace, name)
    if mine is not None:
        return mine, "unchanged"
    source = next((p for ns in grant.namespaces if ns.namespace_id != namespace.namespace_id
                   if (p := _load(ns, name)) is not None), None)
    if source is None:
        return _register_from_cluster(grant, name)
    now = clock.now_iso()
    plan = models.Plan(models.namespace_pk(namespace.namespace_id), models.plan_sk(name), name=name,
                       plan_kind=source.plan_kind, type=source.type, settings=source.settings,
                       active=True, created_at=now, updated_at=now,
                       updated_by=grant.principal.email)
    values = secret_store.get(source.secret_ref) if source.secret_ref else {}
    plan.secret_digests = source.secret_digests if values else None
    with secret_store.staged(namespace.namespace_id, "plans", name, values, None) as plan.secret_ref:
        _save(namespace, plan, "created")
    push(namespace, reason=f"plan {name} added")
    return plan, "added"


def _register_from_cluster(grant, name: str):
    """Register a plan that the namespace's cluster has but the manager does
    not (seed §4.5.1: the script could not register it; or the namespace was
    removed from the manager and added again).  The agent reads it from the
    operator's configuration; secrets never leave the cluster, so a plan that
    needs one is registered deactivated until its secret is sent again."""
    namespace = grant.target
    if namespace.installation_type != "connected" or namespace.status != "connected":
        raise Conflict(f"No plan named {name!r} exists in the other namespaces of this cluster, "
                       f"and namespace {namespace.name!r} has no connected agent to look for it in "
                       "the cluster; connect its agent and try again, or create the plan with its "
                       "full settings.", code="plan_not_found")
    command = commands.issue(namespace, "describe_plan", {"name": name},
                             requested_by=grant.principal.email)
    done = commands.wait(namespace.namespace_id, command.command_id, settings.plan_lookup_seconds())
    if done is None or done.state != commands.SUCCEEDED:
        why = (f"did not answer within {settings.plan_lookup_seconds():g} s" if done is None
               else f"could not read the cluster's configuration: {done.error}")
        raise Conflict(f"The agent of namespace {namespace.name!r} {why}; try again (command "
                       f"{command.command_id}), or create the plan with its full settings.",
                       code="plan_lookup_failed")
    found = done.result or {}
    if not found.get("found"):
        raise Conflict(f"No plan named {name!r} exists in this cluster: not in its other "
                       f"namespaces, nor in namespace {namespace.name!r}'s configuration on the "
                       "cluster; create it with its full settings instead.", code="plan_not_found")
    plan_in_cluster = found["plan"]
    group = CATALOGUE.plan_kind(plan_in_cluster.get("kind"))
    variant = group.variant(plan_in_cluster.get("type")) if group else None
    if variant is None:
        raise Unprocessable(f"The cluster's plan {name!r} is of a kind or type Cluster Manager "
                            f"does not know ({plan_in_cluster.get('kind')}/"
                            f"{plan_in_cluster.get('type')}); create it with its full settings.",
                            code="invalid_plan")
    values, _, problems = forms.check(group, variant, plan_in_cluster["settings"], None,
                                      subject=f"a {variant.value} plan", others={},
                                      secrets_known=False)
    if problems:
        raise Unprocessable(f"The cluster's plan {name!r} is not valid here: "
                            + "; ".join(problems) + "; create it with its full settings instead.",
                            code="invalid_plan")
    needs_secret = [f.name for f in variant.fields if f.secret and f.required]
    now = clock.now_iso()
    plan = models.Plan(models.namespace_pk(namespace.namespace_id), models.plan_sk(name),
                       name=name, plan_kind=group.name, type=variant.value,
                       settings=values, active=not needs_secret,
                       created_at=now, updated_at=now, updated_by=grant.principal.email)
    _save(namespace, plan, "created")
    if plan.active:
        push(namespace, reason=f"plan {name} added")
    return plan, "added"


def missing_secrets(plan) -> list[str]:
    """The required secret fields a plan has no value for (one registered
    from the cluster, which never hands secrets out)."""
    group = CATALOGUE.plan_kind(plan.plan_kind)
    variant = group.variant(plan.type) if group else None
    if variant is None or plan.secret_ref:
        return []
    return [f.name for f in variant.fields if f.secret and f.required]


def list_page(principal, cluster_id: str, name: str, limit: int, next_token):
    namespace = authorize(principal, cluster_id, need=VIEW, namespace=name).target
    pk = models.namespace_pk(namespace.namespace_id)
    items, last_key = db.page(pk, models.PLAN_PREFIX, limit, pagination.decode(next_token, pk=pk))
    return items, pagination.encode(last_key)


def set_active(principal, cluster_id: str, name: str, plan_name: str, active: bool):
    namespace = authorize(principal, cluster_id, need=MANAGE, namespace=name).target
    plan = _load(namespace, plan_name)
    if plan is None:
        raise NotFound(f"Namespace {name!r} has no plan {plan_name!r}.", code="plan_not_found")
    if active and (missing := missing_secrets(plan)):
        raise Conflict(f"Plan {plan_name!r} was registered from the cluster without its "
                       f"{' and '.join(missing)} (secrets never leave the cluster); send the "
                       "whole plan with POST …/plans first, then activate it.",
                       code="plan_incomplete")
    plan.active, plan.updated_at, plan.updated_by = active, clock.now_iso(), principal.email
    _save(namespace, plan, None)
    push(namespace, reason=f"plan {plan_name} {'activated' if active else 'deactivated'}")
    return plan


def usable(namespace, plan_name: str, kind: str) -> models.Plan:
    """A plan a new environment may use: it exists, is of that kind and active."""
    plan = _load(namespace, plan_name)
    if plan is None or plan.plan_kind != kind:
        raise Conflict(f"Namespace {namespace.name!r} has no {kind} plan {plan_name!r}; "
                       f"list its plans with GET …/plans.", code="plan_not_found")
    if not plan.active:
        raise Conflict(f"The {kind} plan {plan_name!r} is deactivated and cannot be used for new "
                       "environments; pick an active plan or ask the cluster's creator to "
                       "activate it.", code="plan_inactive")
    return plan
