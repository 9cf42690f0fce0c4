"""Operate URLs of a namespace (seed §4.4): where members find metrics,
alerts, logs and backups.  Each is optional, https (http only for
localhost), at most 2048 characters; only the creator sets them."""
from urllib.parse import urlsplit

from chalicelib import clock, db, models
from chalicelib.domain.access import MANAGE, VIEW, Principal, authorize
from chalicelib.errors import Unprocessable

FIELDS = ("metrics_url", "alerts_url", "logs_url", "backups_url")
MAX_URL = 2048
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def url_problem(value: str) -> str | None:
    if len(value) > MAX_URL:
        return f"is {len(value)} characters long; the limit is {MAX_URL}"
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return "is not a URL"
    if parts.scheme not in ("https", "http") or not host:
        return "must be an absolute https:// URL, e.g. https://grafana.example.com/d/app"
    if parts.scheme == "http" and host not in LOCAL_HOSTS:
        return "must use https (plain http is accepted only for localhost)"
    return None


def _item(namespace) -> models.Operate:
    key = (models.namespace_pk(namespace.namespace_id), models.OPERATE_SK)
    return db.get_or_none(models.Operate, *key, consistent_read=False) or models.Operate(*key)


def get(principal: Principal, cluster_id: str, name: str) -> models.Operate:
    return _item(authorize(principal, cluster_id, need=VIEW, namespace=name).target)


def put(principal: Principal, cluster_id: str, name: str, urls: dict) -> models.Operate:
    problems = [f"{f}: {p}" for f in FIELDS
                if urls.get(f) is not None and (p := url_problem(urls[f]))]
    if problems:
        raise Unprocessable("Operate URLs are not valid: " + "; ".join(problems) + ".",
                            code="invalid_url")
    namespace = authorize(principal, cluster_id, need=MANAGE, namespace=name).target
    item = _item(namespace)
    for field in FIELDS:  # PUT replaces: a missing field clears that link
        setattr(item, field, urls.get(field))
    item.updated_at, item.updated_by = clock.now_iso(), principal.email
    db.save_or_conflict(item, "The operate URLs")
    return item
