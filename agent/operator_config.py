"""The operator's configuration, built from a ``configure`` command.

The backend sends the namespace's whole configuration on every change (and
when the agent connects): the sections (ingress, registry, proxy) and every
plan, with secret *references* only.  Both executors turn it into the same
document — the simulation writes it to a file, kubectl applies it as the
ConfigMap ``mendix-operator-config`` — so what the operator reads does not
depend on how the agent runs.

Secret values never belong in it: should a payload carry one anyway (a field
named like a secret with a value), it is dropped and named in the summary,
so it cannot end up in a file or a ConfigMap.
"""
import hashlib
import json

from agent import __version__

CONFIGMAP = "mendix-operator-config"
SECRET_FIELDS = frozenset({"password", "secret", "secret_key", "secret_access_key", "token"})
MASKED = "***"


class BadConfiguration(Exception):
    """The payload cannot be turned into a configuration (a clean failure)."""


def _scrub(where: str, settings: dict, dropped: list[str]) -> dict:
    out = {}
    for key, value in settings.items():
        if key in SECRET_FIELDS and value not in (None, "", MASKED):
            dropped.append(f"{where}.{key}")
            continue
        out[key] = value
    return out


def build(payload: dict, namespace: str) -> tuple[dict, list[str]]:
    """``(spec, dropped)``: the operator's configuration and the secret-looking
    fields that were left out.  Raises BadConfiguration naming the problem."""
    sections, plans = payload.get("sections", {}), payload.get("plans", [])
    if not isinstance(sections, dict) or not all(isinstance(v, dict) for v in sections.values()):
        raise BadConfiguration("the configure payload's 'sections' must be an object of objects")
    if not isinstance(plans, list) or not all(isinstance(p, dict) and p.get("name") for p in plans):
        raise BadConfiguration("the configure payload's 'plans' must be a list of named plans")
    target = payload.get("namespace")
    if target and namespace and target != namespace:
        raise BadConfiguration(f"the configuration is for namespace {target!r}, "
                               f"but this agent serves {namespace!r}")
    dropped: list[str] = []
    spec: dict = {"namespace": target or namespace}
    for name in sorted(sections):
        spec[name] = _scrub(name, sections[name], dropped)
    for kind in ("database", "storage"):
        spec[f"{kind}_plans"] = []
    for plan in sorted(plans, key=lambda p: (str(p.get("kind")), str(p["name"]))):
        kind = str(plan.get("kind") or "other")
        entry = _scrub(f"plans.{plan['name']}", {k: v for k, v in plan.items() if k != "kind"},
                       dropped)
        spec.setdefault(f"{kind}_plans", []).append(entry)
    return spec, dropped


def digest(spec: dict) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]


def document(spec: dict, *, command_id: str, issued_at: str | None, reason: str | None,
             applied_at: str) -> dict:
    """The whole file / ConfigMap payload: the spec plus where it came from."""
    return {"kind": "OperatorConfiguration", "generated_by": f"cluster-manager-agent {__version__}",
            "command_id": command_id, "issued_at": issued_at, "reason": reason,
            "applied_at": applied_at, "digest": digest(spec), "spec": spec}


def is_older(issued_at: str | None, applied: dict | None) -> bool:
    """True when a configuration issued at ``issued_at`` is older than the one
    already applied (SQS may deliver configure commands out of order)."""
    if not applied or not issued_at or not applied.get("issued_at"):
        return False
    return issued_at < applied["issued_at"]  # same ISO-8601 UTC format: text order is time order


def summary(spec: dict, dropped: list[str], *, changed: bool, where: str) -> dict:
    plans = {kind[:-len("_plans")]: [p["name"] for p in value]
             for kind, value in spec.items() if kind.endswith("_plans")}
    sections = sorted(k for k, v in spec.items()
                      if isinstance(v, dict) and not k.endswith("_plans"))
    out = {"applied": True, "changed": changed, "where": where, "digest": digest(spec),
           "sections": sections, "plans": plans}
    if dropped:
        out["dropped_secret_values"] = dropped
    return out


def describe_plan(applied: dict | None, name) -> dict:
    """What the cluster's operator configuration says of one plan, for
    registering it with Cluster Manager ("add an existing plan" when the
    reconfiguration script could not register it, or after the namespace
    was removed from the manager and added again).  Never a secret value:
    only the plan's kind, type and plain settings; secret references are
    left out too (they belong to the installation that wrote them)."""
    if not isinstance(name, str) or not name:
        raise BadConfiguration("describe_plan needs the plan's 'name'")
    spec = (applied or {}).get("spec") or {}
    for key, plans in sorted(spec.items()):
        if not key.endswith("_plans") or not isinstance(plans, list):
            continue
        for plan in plans:
            if isinstance(plan, dict) and plan.get("name") == name:
                settings = {k: v for k, v in plan.items()
                            if k not in ("name", "type", "active", "secret_ref")
                            and k not in SECRET_FIELDS}
                return {"found": True, "plan": {"name": name, "kind": key[:-len("_plans")],
                                                "type": plan.get("type"), "settings": settings}}
    return {"found": False, "plan": None}
