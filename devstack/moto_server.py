"""moto in server mode, with what the local stack needs on top.

1. Serialized DynamoDB writes (a correctness fix, below).
2. ``/moto-api/data.json?service=…&model=…`` to read one kind of object
   (sent mail) without dumping everything moto tracks.
3. ``/moto-api/meter``: every request counted by service and action, and
   DynamoDB's capacity units by AWS's sizing rules (``devstack/meter.py``).
4. The Deny statements of SQS queue policies, for assumed-role sessions
   (``devstack/queue_policies.py``): what locks an agent with a rotated
   secret out of its command queue.

moto's DynamoDB ``TransactWriteItems`` rolls a failed transaction back by
putting back a copy of the *whole table* taken when the transaction began.
Requests are served on threads, so a write that lands meanwhile — a
concurrent namespace create, a heartbeat — is silently undone, and twenty
racing creates of one name can all "succeed".  DynamoDB itself never does
that.  Here every DynamoDB write of the stand-in is serialized, which makes
the snapshot-and-restore safe.  Applied only by this launcher; the app and
its tests know nothing of it (``tests/integration`` races creates to check it).

    python -m devstack.moto_server -H 127.0.0.1 -p 5000
"""
import functools
import json
import threading

WRITES = ("put_item", "update_item", "delete_item", "transact_write_items")


WRITE_LOCK = threading.RLock()


def serialize_dynamodb_writes() -> None:
    from moto.dynamodb.models import DynamoDBBackend

    lock = WRITE_LOCK
    for name in WRITES:
        original = getattr(DynamoDBBackend, name)
        if getattr(original, "_serialized", False):
            continue

        @functools.wraps(original)
        def serialized(self, *args, _original=original, **kwargs):
            with lock:
                return _original(self, *args, **kwargs)

        serialized._serialized = True
        setattr(DynamoDBBackend, name, serialized)


def filterable_model_data() -> None:
    """``/moto-api/data.json?service=ses&model=Message``: one model's instances.

    The unfiltered dump walks every object moto ever tracked (every SQS
    message, every item): late in a busy session it takes seconds.  Reading
    sent mail (``make mail``, the tests) needs only SES messages."""
    from urllib.parse import parse_qs, urlsplit

    from moto.moto_api._internal.responses import MotoAPIResponse

    original = MotoAPIResponse.model_data
    if getattr(original, "_filterable", False):
        return

    def model_data(self, request, full_url, headers):
        query = parse_qs(urlsplit(full_url).query)
        service, model = query.get("service", [None])[0], query.get("model", [None])[0]
        if not (service and model):
            return original(self, request, full_url, headers)
        from moto.core.model_instances import model_data as tracked

        found = tracked.get(service, {}).get(model)
        results = []
        for instance in getattr(found, "instances_tracked", []):
            fields = {}
            for attr in dir(instance):
                if attr.startswith("_"):
                    continue
                try:
                    value = getattr(instance, attr)
                    json.dumps(value)
                except (TypeError, AttributeError, ValueError):
                    continue
                fields[attr] = value
            results.append(fields)
        return 200, {"Content-Type": "application/json"}, json.dumps({service: {model: results}})

    model_data._filterable = True
    MotoAPIResponse.model_data = model_data


# SQS actions that name a queue (the policy's resource)
QUEUE_ACTIONS = ("receive_message", "delete_message", "delete_message_batch",
                 "change_message_visibility", "change_message_visibility_batch",
                 "send_message", "send_message_batch", "get_queue_attributes",
                 "set_queue_attributes", "purge_queue", "delete_queue", "tag_queue",
                 "untag_queue", "list_queue_tags")


_callers: dict = {}  # access key → Caller or None: a key's kind never changes


def assumed_role_caller(access_key: str):
    """The assumed-role session that ``access_key`` belongs to, or None."""
    from moto.sts.models import sts_backends

    from devstack.queue_policies import Caller

    if access_key in _callers:
        return _callers[access_key]
    found = None
    for account in list(sts_backends):
        for backend in list(sts_backends[account].values()):
            role = next((r for r in reversed(backend.assumed_roles)
                         if r.access_key_id == access_key), None)
            if role is not None:
                found = Caller(role.role_arn, role.user_id)
    _callers[access_key] = found
    return found


def enforce_queue_policies() -> None:
    from moto.core.exceptions import ServiceException
    from moto.sqs.exceptions import QueueDoesNotExist
    from moto.sqs.responses import SQSResponse

    from devstack import queue_policies

    def denied(response, action: str) -> str | None:
        caller = assumed_role_caller(response.get_access_key())
        if caller is None:
            return None
        try:
            queue = response.sqs_backend.get_queue(response._get_queue_name())
        except QueueDoesNotExist:
            return None  # the action itself says so
        try:
            return queue_policies.denies(queue.policy, action, queue.queue_arn, caller)
        except queue_policies.Unsupported as exc:
            raise ServiceException("InternalFailure", str(exc)) from None

    for name in QUEUE_ACTIONS:
        original = getattr(SQSResponse, name)
        if getattr(original, "_enforced", False):
            continue
        action = "sqs:" + "".join(part.title() for part in name.split("_"))

        @functools.wraps(original)
        def enforced(self, _original=original, _action=action):
            sid = denied(self, _action)
            if sid is None:
                return _original(self)
            # as SQS answers in its JSON protocol (botocore reads the code "AccessDenied")
            message = (f"User: {self.get_access_key()} is not authorized to perform: {_action} "
                       f"with an explicit deny in a resource-based policy ({sid})")
            return json.dumps({"__type": "com.amazon.coral.service#AccessDeniedException",
                               "message": message}), {
                "status": 403, "Content-Type": "application/x-amz-json-1.0",
                "x-amzn-query-error": "AccessDenied;Sender"}

        enforced._enforced = True
        setattr(SQSResponse, name, enforced)


def metered() -> None:
    """Serve moto through the meter (``devstack/meter.py``)."""
    import moto.server

    from devstack import meter

    original = moto.server.run_simple
    if getattr(original, "_metered", False):
        return

    def run_simple(host, port, app, **kwargs):
        return original(host, port, meter.wrap(app, WRITE_LOCK), **kwargs)

    run_simple._metered = True
    moto.server.run_simple = run_simple


def main() -> None:
    serialize_dynamodb_writes()
    filterable_model_data()
    enforce_queue_policies()
    metered()
    from moto.server import main as moto_main

    moto_main()


if __name__ == "__main__":
    main()
