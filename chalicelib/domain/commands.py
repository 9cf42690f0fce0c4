"""Commands to a namespace's agent, through the namespace's own queue.

A command is recorded first (``queued``) and then sent; its state only moves
forward — queued → delivered → succeeded | failed — each step a conditional
update, so a redelivered message or a duplicate event changes nothing.  Every
open command has a deadline in the sparse ``due`` index and in its message;
the sweep fails the ones whose agent never answered, so no command waits
forever in silence, and the agent refuses (and reports as expired) any it
receives past that deadline, so a command the user was told failed never runs.
"""
import time
from datetime import timedelta

from chalicelib import clock, db, models, pagination, queues, settings
from chalicelib.domain import namespaces
from chalicelib.domain.access import MANAGE, save_in_namespace
from chalicelib.errors import Conflict, NotFound

QUEUED, DELIVERED, SUCCEEDED, FAILED = "queued", "delivered", "succeeded", "failed"
DUE = "command"

C = models.Command


def send(principal, cluster_id: str, name: str, type: str, payload: dict | None = None):
    """A user's command to a namespace (creator only for now)."""
    _, namespace = namespaces.get(principal, cluster_id, name, need=MANAGE)
    return issue(namespace, type, payload or {}, requested_by=principal.email)


def issue(namespace: models.Namespace, type: str, payload: dict, *, requested_by: str):
    """Record a command and put it on the namespace's queue."""
    if namespace.installation_type == "standalone":
        raise Conflict(
            f"Namespace {namespace.name!r} is standalone: it is managed with the operator's "
            "own CLI and receives no commands from Cluster Manager. Use a connected "
            "namespace to send commands.", code="standalone_namespace")
    now = clock.now()
    command_id = clock.new_id()
    command = C(
        models.namespace_pk(namespace.namespace_id), models.command_sk(command_id),
        command_id=command_id, namespace_id=namespace.namespace_id,
        cluster_id=namespace.cluster_id, namespace=namespace.name, type=type, state=QUEUED,
        payload=payload, requested_by=requested_by, created_at=clock.iso(now),
        gsi2pk=models.due_pk(DUE, models.due_shard(command_id)),
        gsi2sk=clock.iso(now + timedelta(seconds=settings.command_timeout_seconds())),
    )
    save_in_namespace(namespace, command, f"Command {command_id}",
                      condition=models.Item.pk.does_not_exist())
    # the deadline travels with the command: past it the sweep fails the command
    # and the agent refuses to run it, so both tell the same story
    message = {"command_id": command_id, "type": type, "payload": payload,
               "issued_at": command.created_at, "deadline": command.gsi2sk}
    try:
        queues.send_command(namespace.namespace_id, command_id, message)
    except Exception as exc:  # the record must not claim a queued command that is not
        finish(namespace.namespace_id, command_id, ok=False, result=None,
               error=f"could not be queued for the agent: {exc}", at=clock.now())
        command.refresh()
    return command


def list_page(principal, cluster_id: str, name: str, limit: int, next_token: str | None):
    _, namespace = namespaces.get(principal, cluster_id, name)
    pk = models.namespace_pk(namespace.namespace_id)
    start = pagination.decode(next_token, pk=pk)
    items, last_key = db.page(pk, models.COMMAND_PREFIX, limit, start, newest_first=True)
    return items, pagination.encode(last_key)


def get(principal, cluster_id: str, name: str, command_id: str):
    _, namespace = namespaces.get(principal, cluster_id, name)
    command = db.get_or_none(C, models.namespace_pk(namespace.namespace_id),
                             models.command_sk(command_id),
                             consistent_read=False) if clock.is_id(command_id) else None
    if command is not None:
        return command
    raise NotFound(f"Namespace {name!r} has no command {command_id!r}.", code="command_not_found")


def wait(namespace_id: str, command_id: str, seconds: float, poll: float = 0.1):
    """The command once it has finished, or None after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        command = C.get(models.namespace_pk(namespace_id), models.command_sk(command_id),
                        consistent_read=True)
        if command.state in (SUCCEEDED, FAILED) or time.monotonic() >= deadline:
            return command if command.state in (SUCCEEDED, FAILED) else None
        time.sleep(poll)


def mark_delivered(namespace_id: str, command_id: str, at) -> bool:
    return db.update_fields(
        C, models.namespace_pk(namespace_id), models.command_sk(command_id),
        [C.state.set(DELIVERED), C.delivered_at.set(clock.iso(at))],
        condition=C.state == QUEUED)


def finish(namespace_id: str, command_id: str, *, ok: bool, result, error, at) -> bool:
    """Record the outcome once; later duplicates find the state closed."""
    actions = [C.state.set(SUCCEEDED if ok else FAILED), C.finished_at.set(clock.iso(at)),
               C.gsi2pk.remove(), C.gsi2sk.remove()]
    if result is not None:
        actions.append(C.result.set(result))
    if error:
        actions.append(C.error.set(str(error)[:2000]))
    return db.update_fields(
        C, models.namespace_pk(namespace_id), models.command_sk(command_id), actions,
        condition=C.state.is_in(QUEUED, DELIVERED))


def sweep(now) -> dict:
    """Fail commands whose agent has not answered by their deadline."""
    error = (f"no result from the agent within {settings.command_timeout_seconds()} s "
             "(is the namespace connected?); it will not run: the agent refuses commands "
             "past their deadline")
    return db.sweep_overdue(
        DUE, clock.iso(now),
        lambda item: finish(item.namespace_id, item.command_id, ok=False, result=None,
                            error=error, at=now),
        label="failed", shards=models.DUE_SHARDS)
