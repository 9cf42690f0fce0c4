"""Operate URLs of a namespace (seed §4.4): where members find metrics,
alerts, logs and backups.  Each is optional, https (http only for
localhost), at most 2048 characters; only the creator sets them."""
import re

from chalicelib import clock, db, models
from chalicelib.catalogue import URL_HOST, URL_REST
from chalicelib.domain.access import MANAGE, VIEW, Principal, authorize
from chalicelib.errors import Unprocessable

FIELDS = ("metrics_url", "alerts_url", "logs_url", "backups_url")
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
    try:
        return models.Operate.get(models.namespace_pk(namespace.namespace_id), models.OPERATE_SK)
    except models.Operate.DoesNotExist:
        return models.Operate(models.namespace_pk(namespace.namespace_id), models.OPERATE_SK)


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
