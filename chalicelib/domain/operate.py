"""Operate URLs of a namespace (seed §4.4): where members find metrics,
alerts, logs and backups.  Each is optional, https (http only for
localhost), at most 2048 characters; the creator and managers set them
(all at once with PUT, one by one with PATCH), and a member sees each only
with its right (``RIGHTS``)."""
import re

from chalicelib import clock, db, models
from chalicelib.catalogue import URL_HOST, URL_REST
from chalicelib.domain import rights as R
from chalicelib.domain.access import MANAGE, VIEW, Principal, authorize, save_in_namespace
from chalicelib.errors import Unprocessable

# which right shows which link
RIGHTS = {"metrics_url": R.VIEW_METRICS, "alerts_url": R.VIEW_ALERTS, "logs_url": R.VIEW_LOGS,
          "backups_url": R.MANAGE_BACKUPS}
FIELDS = tuple(RIGHTS)
MAX_URL = 2048
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")
URL_PATTERN = (r"^(https://" + URL_HOST + "|http://(" + "|".join(map(re.escape, LOCAL_HOSTS))
               + "))" + URL_REST + "$")


def url_problem(value: str) -> str | None:
    if len(value) > MAX_URL:
        return f"is {len(value)} characters long; the limit is {MAX_URL}"
    if re.match(URL_PATTERN, value):
        return None
    if value.startswith("http://"):
        return "must use https (plain http is accepted only for localhost)"
    return ("must be an absolute https:// URL with no spaces or characters a URL cannot hold, "
            "e.g. https://grafana.example.com/d/app")


def _item(namespace) -> models.Operate:
    key = (models.namespace_pk(namespace.namespace_id), models.OPERATE_SK)
    return db.get_or_none(models.Operate, *key, consistent_read=False) or models.Operate(*key)


def get(principal: Principal, cluster_id: str, name: str) -> dict:
    grant = authorize(principal, cluster_id, need=VIEW, namespace=name)
    return shown(_item(grant.target), grant.rights_in(grant.target))


def shown(item: models.Operate, rights) -> dict:
    """The links the holder of ``rights`` may see (the others as None)."""
    out = {f: (getattr(item, f) if RIGHTS[f] in rights else None) for f in FIELDS}
    return {**out, "updated_at": item.updated_at, "updated_by": item.updated_by}


def _check(urls: dict) -> None:
    problems = [f"{f}: {p}" for f in FIELDS
                if urls.get(f) is not None and (p := url_problem(urls[f]))]
    if problems:
        raise Unprocessable("Operate URLs are not valid: " + "; ".join(problems) + ".",
                            code="invalid_url")


def put(principal: Principal, cluster_id: str, name: str, urls: dict) -> dict:
    """Replace all four: a missing field clears that link."""
    return _save(principal, cluster_id, name, {f: urls.get(f) for f in FIELDS})


def patch(principal: Principal, cluster_id: str, name: str, changes: dict) -> dict:
    """Change only the links sent (null clears one); the others stay."""
    return _save(principal, cluster_id, name, changes)


def _save(principal, cluster_id, name, changes: dict) -> dict:
    _check(changes)
    grant = authorize(principal, cluster_id, need=MANAGE, namespace=name)
    item = _item(grant.target)
    for field, value in changes.items():
        setattr(item, field, value)
    item.updated_at, item.updated_by = clock.now_iso(), principal.email
    save_in_namespace(grant.target, item, "The operate URLs")
    return shown(item, grant.rights_in(grant.target))
