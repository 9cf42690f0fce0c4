"""Small helpers around PynamoDB: transactions, whole-partition reads, purges,
and the one way to handle missing items, failed conditions and retries:

- ``get_or_none``: an item, or None when it does not exist;
- ``conditional()``: writes whose condition may not hold; a failed condition
  is an outcome (``.held`` is False), every other error propagates;
  ``or_conflict(what)`` turns it into the usual 409;
- ``retry(attempt, what)``: a read-modify-write run again while a concurrent
  change makes its conditions fail, then a 409.
"""
import contextlib

from pynamodb.exceptions import DeleteError, PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib import pagination
from chalicelib.errors import Conflict
from chalicelib.models import Item, due_pk


def transaction() -> TransactWrite:
    """A TransactWrite on the models' own connection (no second client)."""
    return TransactWrite(connection=Item._get_connection().connection)


WRITE_ERRORS = (PutError, UpdateError, DeleteError, TransactWriteError)


def get_or_none(model_cls, pk: str, sk: str, *, consistent_read: bool = True):
    """The item with this key, or None."""
    try:
        return model_cls.get(pk, sk, consistent_read=consistent_read)
    except model_cls.DoesNotExist:
        return None


def condition_failed(exc: Exception) -> bool:
    """True when a write failed only because a condition did not hold."""
    if isinstance(exc, TransactWriteError):
        reasons = exc.cancellation_reasons or []
        return any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons)
    if isinstance(exc, (PutError, UpdateError, DeleteError)):
        return exc.cause_response_code == "ConditionalCheckFailedException"
    return False


def concurrent_change(what: str) -> Conflict:
    return Conflict(
        f"{what} was changed by another request at the same time; read it again and retry.",
        code="concurrent_modification",
    )


class Outcome:
    """What ``conditional()`` saw: ``held`` is False when a condition failed."""

    held = True


@contextlib.contextmanager
def conditional():
    """Run writes (a save, an update, a whole transaction) whose conditions may
    not hold: a failed condition sets ``outcome.held = False`` instead of
    raising; any other error propagates."""
    outcome = Outcome()
    try:
        yield outcome
    except WRITE_ERRORS as exc:
        if not condition_failed(exc):
            raise
        outcome.held = False


@contextlib.contextmanager
def or_conflict(what: str):
    """Writes under optimistic locking: a lost race is a 409 that says so."""
    with conditional() as outcome:
        yield
    if not outcome.held:
        raise concurrent_change(what) from None


def retry(attempt, what: str, *, tries: int = 5, on_condition_failed=None):
    """Run ``attempt()`` (read, change, write conditionally) until its
    conditions hold, at most ``tries`` times; then a 409 naming ``what``.
    ``on_condition_failed()`` runs after each failed try (it may raise the
    precise error, or clear the obstacle)."""
    for _ in range(tries):
        with conditional() as outcome:
            result = attempt()
        if outcome.held:
            return result
        if on_condition_failed is not None:
            on_condition_failed()
    raise concurrent_change(what)


def read_partition(pk: str, prefix: str | None = None) -> list:
    """Every item of one partition (optionally below an sk prefix), typed."""
    condition = Item.sk.startswith(prefix) if prefix else None
    return list(Item.query(pk, condition))


def page(pk: str, prefix: str, limit: int, start_key: dict | None, *, newest_first=False):
    """One page of a partition: (items, last_evaluated_key).  A start key
    outside the listed range (another partition, another item type) is a 400."""
    if start_key is not None and not (
            start_key.get("pk", {}).get("S") == pk
            and start_key.get("sk", {}).get("S", "").startswith(prefix)):
        raise pagination.invalid()
    result = Item.query(
        pk,
        Item.sk.startswith(prefix),
        limit=limit,
        last_evaluated_key=start_key,
        scan_index_forward=not newest_first,
    )
    items = list(result)
    return items, result.last_evaluated_key


def delete_all(items) -> None:
    """Batch-delete items (idempotent: deleting a missing item is a no-op)."""
    with Item.batch_write() as batch:
        for item in items:
            batch.delete(item)


def update_fields(model_cls, pk: str, sk: str, actions: list, condition=None) -> bool:
    """Update system-owned fields (liveness, command state) without touching
    ``version``: user edits stay protected by optimistic locking while
    heartbeats keep flowing.  Returns False when ``condition`` did not hold."""
    with conditional() as outcome:
        model_cls._get_connection().update_item(pk, range_key=sk, actions=actions,
                                                condition=condition)
    return outcome.held


def delete_if(item, condition) -> bool:
    """Delete when ``condition`` holds; False (no error) when it does not."""
    with conditional() as outcome:
        item.delete(condition=condition, add_version_condition=False)
    return outcome.held


def sweep_overdue(what: str, now: str, act, *, label: str, shards: int = 1) -> dict:
    """Apply ``act`` to every item whose ``what`` deadline is at or before
    ``now``.  Reads the sparse ``due`` index only, so the cost is the number of
    overdue items, not the size of the table."""
    read = changed = 0
    for shard in range(shards):
        for item in Item.due.query(due_pk(what, shard), Item.gsi2sk <= now):
            read += 1
            changed += bool(act(item))
    return {"items_read": read, label: changed}


def save_or_conflict(item, what: str, **kwargs) -> None:
    """Save with optimistic locking; a lost race is a 409 that says so."""
    with or_conflict(what):
        item.save(**kwargs)
