"""A namespace's ingress, registry and proxy configuration (seed §3.4).

Rules are checked here with messages that name them; secret values (registry
secret, proxy password) go to the secret store (SSM, KMS-encrypted) and never come back out of the
API.  Every change is pushed to a connected namespace's agent as one
``configure`` command carrying the whole non-secret configuration (plans
included) with secret references; a namespace that is not connected gets it
when its agent connects.
"""

from chalicelib import clock, db, models, secret_store
from chalicelib.catalogue import CATALOGUE
from chalicelib.domain import commands, digests, forms
from chalicelib.domain.access import MANAGE, VIEW, authorize, save_in_namespace
from chalicelib.errors import NotFound, Unprocessable

SECTIONS = tuple(g.name for g in CATALOGUE.sections)
MASK = "***"


def invalid(section: str, problems: list[str]) -> Unprocessable:
    return Unprocessable(f"The {section} configuration is not valid: " + "; ".join(problems) + ".",
                         code=f"invalid_{section}")


def _proxy_rules(settings: dict, secrets: dict, problems: list) -> None:
    if settings.get("enabled") and settings["host"]:
        settings["host"] = settings["host"].lower()


SPECIAL_RULES = {"proxy": _proxy_rules}
# The same rules as JSON Schema, for the OpenAPI document: (section, value) → extra keys
NOT_SET = {"const": ""}  # an empty text is "not set"
VARIANT_RULES = {("proxy", True): {"anyOf": [
    {"properties": {"user": NOT_SET, "password": NOT_SET}},           # neither
    {"required": ["user", "password"],                                  # or both
     "properties": {"user": {"minLength": 1}, "password": {"minLength": 1}}},
]}}


def check_section(section: str, cluster, body: dict) -> tuple[dict, dict]:
    """``(settings, secrets)`` of one section, by the catalogue and the few
    rules of its own, or 422 naming every problem."""
    group = CATALOGUE.section(section)
    value = body.get(group.discriminator)
    variant = group.variant(value)
    if variant is None:
        raise invalid(section, [f"{group.discriminator!r} must be one of "
                                + ", ".join(forms.shown(v) for v in group.values)])
    subject = (f"type {value!r}" if group.discriminator == "type"
               else f"with {group.discriminator} {forms.shown(value)}")
    settings, secrets, problems = forms.check(group, variant, body, cluster, subject=subject,
                                              others=group.all_fields())
    settings = {group.discriminator: value, **settings}
    if section in SPECIAL_RULES:
        SPECIAL_RULES[section](settings, secrets, problems)
    if problems:
        raise invalid(section, problems)
    return settings, secrets


def _section_or_404(section: str) -> None:
    if section not in SECTIONS:
        raise NotFound(f"No configuration section {section!r}; the sections are "
                       f"{', '.join(SECTIONS)} (database and storage are plans).",
                       code="section_not_found")


def _load(namespace, section):
    return db.get_or_none(models.Configuration, models.namespace_pk(namespace.namespace_id),
                          models.config_sk(section))


def masked(item) -> dict:
    """A section as the API shows it: secrets replaced by ``"***"``."""
    settings = item.settings
    group = CATALOGUE.section(item.section)
    return forms.mask(group.variant(settings.get(group.discriminator)), settings,
                      bool(item.secret_ref), MASK)


def get_section(principal, cluster_id: str, name: str, section: str):
    _section_or_404(section)
    grant = authorize(principal, cluster_id, need=VIEW, namespace=name)
    item = _load(grant.target, section)
    if item is None:
        raise NotFound(f"Namespace {name!r} has no {section} configuration yet; set it with "
                       f"PUT (or run the reconfiguration script).", code="not_configured")
    return item


def read_all(principal, cluster_id: str, name: str) -> tuple[list, list]:
    """``(sections, plans)``: every configuration item of the namespace."""
    namespace = authorize(principal, cluster_id, need=VIEW, namespace=name).target
    pk = models.namespace_pk(namespace.namespace_id)
    return (db.read_partition(pk, models.CONFIG_PREFIX),
            db.read_partition(pk, models.PLAN_PREFIX))


def put_section(principal, cluster_id: str, name: str, section: str, body: dict):
    """Validate and store one section; returns ``(item, result)`` where result
    is created, updated or unchanged."""
    _section_or_404(section)
    grant = authorize(principal, cluster_id, need=MANAGE, namespace=name)
    namespace = grant.target
    settings, secrets = check_section(section, grant.cluster, body)
    item = _load(namespace, section)
    result = "created" if item is None else "updated"
    if item is not None and item.settings == settings and not secrets \
            and not item.secret_ref:
        return item, "unchanged"
    item = item or models.Configuration(models.namespace_pk(namespace.namespace_id),
                                        models.config_sk(section), section=section,
                                        created_at=clock.now_iso())
    item.type = settings.get("type")
    item.settings = settings
    item.secret_digests = digests.of(secrets)
    item.updated_at, item.updated_by = clock.now_iso(), principal.email
    with secret_store.staged(namespace.namespace_id, "config", section, secrets,
                             item.secret_ref) as item.secret_ref:
        save_in_namespace(namespace, item, f"The {section} configuration",
                          condition=models.Item.pk.does_not_exist() if result == "created"
                          else None)
    push(namespace, reason=f"{section} {result}")
    return item, result


def snapshot(namespace) -> dict:
    """The namespace's whole configuration for its agent: no secret values,
    only references to them."""
    out = {"namespace": namespace.name, "sections": {}, "plans": []}
    for item in db.read_partition(models.namespace_pk(namespace.namespace_id), models.CONFIG_PREFIX):
        out["sections"][item.section] = {**item.settings,
                                         "secret_ref": item.secret_ref}
    for plan in db.read_partition(models.namespace_pk(namespace.namespace_id), models.PLAN_PREFIX):
        out["plans"].append({"name": plan.name, "kind": plan.plan_kind, "type": plan.type,
                             "active": plan.active, **plan.settings,
                             "secret_ref": plan.secret_ref})
    return out


def push(namespace, *, reason: str, snap: dict | None = None):
    """Send the current configuration to the agent, if one can receive it now;
    otherwise it is sent when the agent connects."""
    if namespace.installation_type != "connected" or namespace.status != "connected":
        return None
    return commands.issue(namespace, "configure", {"reason": reason, **(snap or snapshot(namespace))},
                          requested_by="cluster-manager")


def push_on_connect(ref: dict) -> None:
    """Called when an agent (re)connects: give it the configuration it missed."""
    namespace = db.get_or_none(models.Namespace, ref["pk"], ref["sk"], consistent_read=False)
    if namespace is None or namespace.deleting:
        return
    snap = snapshot(namespace)
    if snap["sections"] or snap["plans"]:
        try:
            push(namespace, reason="agent connected", snap=snap)
        except NotFound:
            pass  # deleted meanwhile: nothing to bring up to date
