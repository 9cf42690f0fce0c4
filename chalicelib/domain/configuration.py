"""A namespace's ingress, registry and proxy configuration (seed §3.4).

Rules are checked here with messages that name them; secret values (registry
secret, proxy password) go to the secret store (SSM, KMS-encrypted) and never come back out of the
API.  Every change is pushed to a connected namespace's agent as one
``configure`` command carrying the whole non-secret configuration (plans
included) with secret references; a namespace that is not connected gets it
when its agent connects.
"""
import json
import re

from chalicelib import clock, db, models, secret_store
from chalicelib.domain.access import MANAGE, VIEW, authorize
from chalicelib.errors import NotFound, Unprocessable

SECTIONS = ("ingress", "registry", "proxy")
MASK = "***"
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$")
_REGISTRY_URL = re.compile(r"^[a-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._/-]*)?$")


def invalid(section: str, problems: list[str]) -> Unprocessable:
    return Unprocessable(f"The {section} configuration is not valid: " + "; ".join(problems) + ".",
                         code=f"invalid_{section}")


def check_ingress(cluster, body: dict) -> tuple[dict, dict]:
    problems = []
    kind, domain = body["type"], body.get("domain")
    if kind == "openshift_route" and cluster.type != "openshift":
        problems.append("type 'openshift_route' works only on OpenShift clusters; this cluster is "
                        "'kubernetes', so use type 'ingress' with a domain")
    if kind == "ingress" and not domain:
        problems.append("type 'ingress' needs 'domain', the DNS name your apps get subdomains of "
                        "(e.g. 'apps.example.com')")
    if domain and not _HOSTNAME.match(domain):
        problems.append(f"domain {domain!r} is not a DNS name (lowercase letters, digits, '-' "
                        "and dots, e.g. 'apps.example.com')")
    if problems:
        raise invalid("ingress", problems)
    return {"type": kind, "domain": domain, "tls": body["tls"]}, {}


def check_registry(cluster, body: dict) -> tuple[dict, dict]:
    problems = []
    kind = body["type"]
    pull, push, name, secret = (body.get(k) for k in ("pull_url", "push_url", "name", "secret"))
    if kind in ("openshift3", "openshift4") and cluster.type != "openshift":
        problems.append(f"type {kind!r} (an OpenShift registry) works only on OpenShift clusters")
    if kind == "ecr" and cluster.platform != "eks":
        problems.append("type 'ecr' (AWS ECR) works only on clusters running on AWS EKS; mark the "
                        "cluster with platform 'eks' (PATCH is not enough: set it at creation) or "
                        "pick another registry type")
    if kind in ("ecr", "generic", "generic_auth") and not pull:
        problems.append(f"type {kind!r} needs 'pull_url', where the cluster pulls images from "
                        "(e.g. 'registry.example.com/apps')")
    if kind == "generic_auth" and not (name and secret):
        problems.append("type 'generic_auth' needs 'name' (the registry user) and 'secret' "
                        "(its password or token)")
    if kind == "generic" and (name or secret):
        problems.append("type 'generic' is a registry without authentication; drop 'name' and "
                        "'secret' or use type 'generic_auth'")
    for field, url in (("pull_url", pull), ("push_url", push)):
        if url and not _REGISTRY_URL.match(url):
            problems.append(f"{field} {url!r} is not a registry address like "
                            "'registry.example.com:5000/apps' (no scheme)")
    if problems:
        raise invalid("registry", problems)
    settings = {"type": kind, "pull_url": pull, "push_url": push or pull,
                "name": name if kind == "generic_auth" else None}
    return settings, ({"secret": secret} if kind == "generic_auth" else {})


def check_proxy(cluster, body: dict) -> tuple[dict, dict]:
    if not body["enabled"]:
        extra = [k for k in ("host", "port", "user", "password", "no_proxy") if body.get(k)]
        if extra:
            raise invalid("proxy", [f"with enabled false, leave out {', '.join(extra)}"])
        return {"enabled": False}, {}
    problems = []
    host, port, user, password = (body.get(k) for k in ("host", "port", "user", "password"))
    if not host or not _HOSTNAME.match(host.lower()):
        problems.append("'host' must be the proxy's DNS name or IP address (e.g. 'proxy.corp.example')")
    if port is None or not 1 <= port <= 65535:
        problems.append("'port' must be a number from 1 to 65535 (e.g. 3128)")
    if bool(user) != bool(password):
        problems.append("'user' and 'password' go together: give both or neither")
    no_proxy = body.get("no_proxy")
    if no_proxy and any(not part.strip() for part in no_proxy.split(",")):
        problems.append("'no_proxy' is a comma-separated list of hosts or domains, e.g. "
                        "'localhost,.svc,10.0.0.0/8'")
    if problems:
        raise invalid("proxy", problems)
    settings = {"enabled": True, "host": host.lower(), "port": port, "user": user,
                "no_proxy": no_proxy}
    return settings, ({"password": password} if password else {})


CHECKS = {"ingress": check_ingress, "registry": check_registry, "proxy": check_proxy}


def _section_or_404(section: str) -> None:
    if section not in SECTIONS:
        raise NotFound(f"No configuration section {section!r}; the sections are "
                       f"{', '.join(SECTIONS)} (database and storage are plans).",
                       code="section_not_found")


def _load(namespace, section):
    try:
        return models.Configuration.get(models.namespace_pk(namespace.namespace_id),
                                        models.config_sk(section), consistent_read=True)
    except models.Configuration.DoesNotExist:
        return None


def masked(item) -> dict:
    """A section as the API shows it: secrets replaced by ``"***"``."""
    settings = json.loads(item.settings)
    if item.section == "registry" and item.secret_ref:
        settings["secret"] = MASK
    if item.section == "proxy" and item.secret_ref:
        settings["password"] = MASK
    return settings


def get_section(principal, cluster_id: str, name: str, section: str):
    _section_or_404(section)
    grant = authorize(principal, cluster_id, need=VIEW, namespace=name)
    item = _load(grant.target, section)
    if item is None:
        raise NotFound(f"Namespace {name!r} has no {section} configuration yet; set it with "
                       f"PUT (or run the reconfiguration script).", code="not_configured")
    return item


def put_section(principal, cluster_id: str, name: str, section: str, body: dict):
    """Validate and store one section; returns ``(item, result)`` where result
    is created, updated or unchanged."""
    _section_or_404(section)
    grant = authorize(principal, cluster_id, need=MANAGE, namespace=name)
    namespace = grant.target
    settings, secrets = CHECKS[section](grant.cluster, body)
    item = _load(namespace, section)
    result = "created" if item is None else "updated"
    secret_ref = secret_store.ref(namespace.namespace_id, "config", section) if secrets else None
    if item is not None and json.loads(item.settings) == settings and not secrets \
            and not item.secret_ref:
        return item, "unchanged"
    if secrets:
        secret_store.put(secret_ref, secrets)
    item = item or models.Configuration(models.namespace_pk(namespace.namespace_id),
                                        models.config_sk(section), section=section,
                                        created_at=clock.now_iso())
    old_ref = item.secret_ref
    item.type = settings.get("type")
    item.settings, item.secret_ref = json.dumps(settings), secret_ref
    item.updated_at, item.updated_by = clock.now_iso(), principal.email
    db.save_or_conflict(item, f"The {section} configuration")
    if old_ref and not secret_ref:
        secret_store.delete(old_ref)
    push(namespace, reason=f"{section} {result}")
    return item, result


def snapshot(namespace) -> dict:
    """The namespace's whole configuration for its agent: no secret values,
    only references to them."""
    out = {"namespace": namespace.name, "sections": {}, "plans": []}
    for item in db.read_partition(models.namespace_pk(namespace.namespace_id), models.CONFIG_PREFIX):
        out["sections"][item.section] = {**json.loads(item.settings),
                                         "secret_ref": item.secret_ref}
    for plan in db.read_partition(models.namespace_pk(namespace.namespace_id), models.PLAN_PREFIX):
        out["plans"].append({"name": plan.name, "kind": plan.plan_kind, "type": plan.type,
                             "active": plan.active == "true", **json.loads(plan.settings),
                             "secret_ref": plan.secret_ref})
    return out


def push(namespace, *, reason: str, snap: dict | None = None):
    """Send the current configuration to the agent, if one can receive it now;
    otherwise it is sent when the agent connects."""
    from chalicelib.domain import commands

    if namespace.installation_type != "connected" or namespace.status != "connected":
        return None
    return commands.issue(namespace, "configure", {"reason": reason, **(snap or snapshot(namespace))},
                          requested_by="cluster-manager")


def push_on_connect(ref: dict) -> None:
    """Called when an agent (re)connects: give it the configuration it missed."""
    try:
        namespace = models.Namespace.get(ref["pk"], ref["sk"])
    except models.Namespace.DoesNotExist:
        return
    snap = snapshot(namespace)
    if snap["sections"] or snap["plans"]:
        push(namespace, reason="agent connected", snap=snap)
