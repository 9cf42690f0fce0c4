"""A meter in the AWS stand-in: every request by service and action, and
DynamoDB's capacity units as AWS would bill them (``bench/cost.py``).

Requests are counted as they reach moto (``service:Action``, plus the kind of
queue for SQS).  DynamoDB units follow AWS's sizing rules on the real items:

- an item's size is the sum of its attribute names and values (UTF-8 bytes;
  numbers ~1 byte per two digits + 1; nested types + 3 bytes);
- a write costs ceil(size / 1 KB) write units, of the larger of the item
  before and after; a write whose condition fails still costs its table
  write; transactional writes cost twice;
- each global secondary index is written only if the write changes the
  index's entry (keys or projected attributes): 1 write to add or remove an
  entry or update it in place, 2 (delete + put) when its key changes; an
  entry's size is its projected attributes + 100 bytes;
- reads cost ceil(size / 4 KB) read units, halved when eventually
  consistent; a Query sums its items' sizes before rounding (min. 1 unit).

    GET    /moto-api/meter   {"requests": {…}, "dynamodb": {…}}
    DELETE /moto-api/meter   start counting again
"""
import io
import json
import math
import re
import threading
from collections import defaultdict
from urllib.parse import parse_qs

PATH = "/moto-api/meter"
_state_lock = threading.Lock()
_requests: dict = defaultdict(int)
_units: dict = defaultdict(lambda: defaultdict(float))
_WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
_READS = {"GetItem", "Query", "Scan", "BatchGetItem"}


def reset() -> None:
    with _state_lock:
        _requests.clear()
        _units.clear()


def snapshot() -> dict:
    with _state_lock:
        return {"requests": dict(_requests),
                "dynamodb": {k: dict(v) for k, v in _units.items()}}


# --- sizes ------------------------------------------------------------------------

def value_size(value: dict) -> float:
    (kind, v), = value.items()
    if kind == "S":
        return len(v.encode())
    if kind == "N":
        digits = len(re.sub(r"[^0-9]", "", v).lstrip("0")) or 1
        return math.ceil(digits / 2) + 1
    if kind == "B":
        return len(v) * 3 // 4 if isinstance(v, str) else len(v)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "NS", "BS"):
        return sum(value_size({kind[0]: x}) for x in v)
    if kind == "L":
        return 3 + sum(1 + value_size(x) for x in v)
    if kind == "M":
        return 3 + sum(len(k.encode()) + 1 + value_size(x) for k, x in v.items())
    return 0


def item_size(attrs: dict | None) -> float:
    return sum(len(k.encode()) + value_size(v) for k, v in (attrs or {}).items())


def _units_for(size: float, unit: int) -> int:
    return max(1, math.ceil(size / unit))


# --- DynamoDB state, read in-process -------------------------------------------------

def _table(region: str, name: str):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    try:
        return dynamodb_backends[DEFAULT_ACCOUNT_ID][region].get_table(name)
    except Exception:
        return None


def _item(table, key: dict) -> dict | None:
    from moto.dynamodb.models.dynamo_type import DynamoType

    try:
        hash_key = DynamoType(key[table.hash_key_attr])
        range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
        found = table.get_item(hash_key, range_key)
    except Exception:
        return None
    return {k: v.to_json() for k, v in found.attrs.items()} if found else None


def _entry(table, index, attrs: dict | None) -> dict | None:
    """The index's copy of an item (None when the item is not in the index)."""
    if attrs is None or any(k not in attrs for k in index.schema_key_attrs):
        return None
    projection = (index.projection or {}).get("ProjectionType", "ALL")
    if projection == "ALL":
        return dict(attrs)
    keep = set(table.table_key_attrs) | set(index.schema_key_attrs)
    if projection == "INCLUDE":
        keep |= set(index.projection.get("NonKeyAttributes", []))
    return {k: v for k, v in attrs.items() if k in keep}


def write_units(table, old: dict | None, new: dict | None, *, failed=False,
                transactional=False) -> dict:
    """{table_or_index_label: write units} for one item's change."""
    base = _units_for(max(item_size(old), item_size(new)), 1024) * (2 if transactional else 1)
    result = {table.name: base}
    if failed:
        return result
    for index in table.global_indexes:
        o, n = _entry(table, index, old), _entry(table, index, new)
        size_o = item_size(o) + 100 if o is not None else 0
        size_n = item_size(n) + 100 if n is not None else 0
        if o is None and n is None or o == n:
            units = 0
        elif o is None:
            units = _units_for(size_n, 1024)
        elif n is None:
            units = _units_for(size_o, 1024)
        elif any(o.get(k) != n.get(k) for k in index.schema_key_attrs):
            units = _units_for(size_o, 1024) + _units_for(size_n, 1024)
        else:
            units = _units_for(max(size_o, size_n), 1024)
        result[f"{table.name}/{index.name}"] = units
    return result


def _write_targets(action: str, body: dict) -> list:
    """[(table name, key or item, transactional)] a write request touches."""
    if action in ("PutItem",):
        return [(body["TableName"], body["Item"], False)]
    if action in ("UpdateItem", "DeleteItem"):
        return [(body["TableName"], body["Key"], False)]
    if action == "BatchWriteItem":
        return [(name, r.get("PutRequest", {}).get("Item") or r["DeleteRequest"]["Key"], False)
                for name, requests in body.get("RequestItems", {}).items() for r in requests]
    if action == "TransactWriteItems":
        out = []
        for t in body.get("TransactItems", []):
            (op, spec), = t.items()
            if op != "ConditionCheck":
                out.append((spec["TableName"], spec.get("Item") or spec["Key"], True))
        return out
    return []


def _key_of(table, key_or_item: dict) -> dict:
    return {k: key_or_item[k] for k in table.table_key_attrs if k in key_or_item}


def _add(action: str, units: dict, kind: str) -> None:
    with _state_lock:
        for label, n in units.items():
            _units[label][f"{kind}:{action}"] += n


def _read_units(region: str, action: str, body: dict, response: dict) -> None:
    factor = 1.0 if body.get("ConsistentRead") else 0.5
    if action == "GetItem":
        size = item_size(response.get("Item"))
        _add(action, {body["TableName"]: _units_for(size, 4096) * factor}, "read")
    elif action in ("Query", "Scan"):
        label = body["TableName"] + (f"/{body['IndexName']}" if body.get("IndexName") else "")
        size = sum(item_size(i) for i in response.get("Items", []))
        _add(action, {label: _units_for(size, 4096) * factor}, "read")
    elif action == "BatchGetItem":
        for name, items in response.get("Responses", {}).items():
            consistent = body.get("RequestItems", {}).get(name, {}).get("ConsistentRead")
            units = sum(_units_for(item_size(i), 4096) for i in items) * (1.0 if consistent else 0.5)
            _add(action, {name: units}, "read")


# --- the WSGI wrapper --------------------------------------------------------------------

def _sqs_resource(url: str | None) -> str:
    name = (url or "").rsplit("/", 1)[-1]
    if not name:
        return ""
    kind = "namespace-queue" if "-ns-" in name else "events-queue" if "events" in name else "queue"
    return kind + ("-dlq" if name.endswith("-dlq") else "")


def _describe(environ: dict, body: bytes) -> tuple[str, str, str, dict]:
    """(service, action, region, parsed body) of one request."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    scope = re.search(r"Credential=[^/]+/\d+/([^/]+)/([^/]+)/", auth)
    region, service = (scope.group(1), scope.group(2)) if scope else ("us-east-1", "unknown")
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    parsed: dict = {}
    if target:
        action = target.rsplit(".", 1)[-1]
        try:
            parsed = json.loads(body or b"{}")
        except ValueError:
            parsed = {}
    else:
        form = parse_qs(body.decode(errors="replace")) if body else {}
        action = (form.get("Action") or [environ.get("REQUEST_METHOD", "?") + " "
                                         + environ.get("PATH_INFO", "")])[0]
        parsed = {k: v[0] for k, v in form.items()}
    return service, action, region, parsed


def _serve_meter(environ, start_response):
    """The meter's own endpoint: its figures (GET) or a reset (DELETE)."""
    if environ.get("REQUEST_METHOD") == "DELETE":
        reset()
    payload = json.dumps(snapshot()).encode()
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(payload)))])
    return [payload]


def _count(environ, body: bytes):
    """Count one request by service and action (SQS by queue); its description."""
    service, action, region, parsed = _describe(environ, body)
    key = f"{service}:{action}"
    if service == "sqs":
        resource = _sqs_resource(parsed.get("QueueUrl") or parsed.get("QueueName"))
        key += f":{resource}" if resource else ""
    with _state_lock:
        _requests[key] += 1
    return service, action, region, parsed


def _metered_read(app, environ, capture, status, region, action, parsed):
    chunks = b"".join(app(environ, capture))
    try:
        if status.get("code", "").startswith("200"):
            _read_units(region, action, parsed, json.loads(chunks or b"{}"))
    except Exception:  # never let the meter break a request
        pass
    return [chunks]


def _metered_write(app, environ, capture, status, region, action, parsed):
    targets = []
    for name, key_or_item, transactional in _write_targets(action, parsed):
        table = _table(region, name)
        if table is not None:
            key_ = _key_of(table, key_or_item)
            targets.append((table, key_, _item(table, key_), transactional))
    chunks = b"".join(app(environ, capture))
    failed = not status.get("code", "").startswith("200")
    if failed and b"ConditionalCheckFailed" not in chunks \
            and b"TransactionCanceled" not in chunks:
        return [chunks]  # a rejected request writes nothing
    for table, key_, old, transactional in targets:
        new = old if failed else _item(table, key_)
        try:
            _add(action, write_units(table, old, new, failed=failed,
                                     transactional=transactional), "write")
        except Exception:  # never let the meter break a request
            pass
    return [chunks]


def wrap(app, write_lock):
    """Meter every request ``app`` serves; DynamoDB writes are metered under
    ``write_lock`` (the stand-in's own DynamoDB write lock), so the item
    before and after belong to this request alone."""

    def metered(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith(PATH):
            return _serve_meter(environ, start_response)
        if path.startswith("/moto-api"):
            return app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        service, action, region, parsed = _count(environ, body)
        if service != "dynamodb" or action not in _WRITES | _READS:
            return app(environ, start_response)
        status = {}

        def capture(code, headers, exc_info=None):
            status["code"] = code
            return start_response(code, headers, exc_info)

        if action in _READS:
            return _metered_read(app, environ, capture, status, region, action, parsed)
        with write_lock:
            return _metered_write(app, environ, capture, status, region, action, parsed)

    return metered
