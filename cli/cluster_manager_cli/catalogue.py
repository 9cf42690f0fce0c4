"""``GET /catalogue``: what plan types and configuration sections exist, with
their fields and rules; ``apply`` validates files against it before any
write.  Cached per API URL for a few minutes (``--refresh`` skips the cache)."""
import hashlib
import json
import time

from cluster_manager_cli import config
from cluster_manager_cli.errors import ApiRefused, CliError

TTL_SECONDS = 300


def _cache_path(url: str):
    return config.cache_dir() / f"catalogue-{hashlib.sha256(url.encode()).hexdigest()[:16]}.json"


def fetch(api, *, refresh: bool = False) -> dict:
    path = _cache_path(api.url)
    if not refresh:
        try:
            cached = json.loads(path.read_text())
            if time.time() - cached["fetched_at"] < TTL_SECONDS:
                return cached["catalogue"]
        except (OSError, ValueError, KeyError, TypeError):
            pass
    try:
        data = api.get("/catalogue")
    except ApiRefused as exc:
        if exc.status == 404:
            raise CliError(f"The API at {api.url} serves no /catalogue (an older server?); "
                           "the file cannot be validated against it.") from None
        raise
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"fetched_at": time.time(), "catalogue": data}))
    except OSError:
        pass  # a cache that cannot be written is no reason to fail
    return data


def plan_type(catalogue: dict, kind: str, type_: str) -> dict | None:
    for plan in catalogue.get("plans", []):
        if plan.get("kind") == kind:
            return next((t for t in plan.get("types", []) if t.get("type") == type_), None)
    return None


def plan_kinds(catalogue: dict) -> dict:
    return {p["kind"]: [t["type"] for t in p.get("types", [])] for p in catalogue.get("plans", [])}


def section(catalogue: dict, name: str) -> dict | None:
    return next((s for s in catalogue.get("sections", []) if s.get("section") == name), None)


def variant(section_entry: dict, value) -> dict | None:
    return next((v for v in section_entry.get("variants", []) if v.get("value") == value), None)


def secret_fields(fields: list[dict]) -> set[str]:
    return {f["name"] for f in fields if f.get("secret")}
