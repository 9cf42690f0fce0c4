"""moto in server mode, with one fix the local stack needs.

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
import threading

WRITES = ("put_item", "update_item", "delete_item", "transact_write_items")


def serialize_dynamodb_writes() -> None:
    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.RLock()
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


def main() -> None:
    serialize_dynamodb_writes()
    from moto.server import main as moto_main

    moto_main()


if __name__ == "__main__":
    main()
