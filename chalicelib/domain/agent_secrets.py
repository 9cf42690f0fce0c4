"""Secret values for a namespace's own agent, and for no one else.

The agent receives only secret *references* (in ``configure`` commands and
provisioning tasks); to provision a database or a bucket it needs the values
behind them.  It asks here with its namespace's own credentials (the same
pair it trades for a session).  A reference is served only when a plan or a
configuration section of *that* namespace holds it: the rule is the
namespace's own records, not the shape of the reference, so it holds
whatever backend ``secret_store`` uses.  Anything else is 404, the same
answer for "not yours" and "does not exist", so nothing leaks.  Values are
read through ``secret_store`` and never logged.

A task issued before its plan was rewritten carries the reference of the
write it saw, which the rewrite removed; the item's current reference is
served instead (``secret_store.successor``: the same item, still one the
namespace holds), so a running provisioning workflow picks up a changed
password instead of failing until it is retried.
"""
from chalicelib import db, models, secret_store
from chalicelib.domain import agents
from chalicelib.errors import NotFound


def readable_refs(namespace: models.Namespace) -> set[str]:
    """The references the namespace's plans and configuration sections hold."""
    pk = models.namespace_pk(namespace.namespace_id)
    refs = set()
    for prefix in (models.PLAN_PREFIX, models.CONFIG_PREFIX):
        for item in db.read_partition(pk, prefix):
            if getattr(item, "secret_ref", None):
                refs.add(item.secret_ref)
    return refs


def read(namespace_id: str, secret: str, secret_ref: str) -> dict:
    namespace = agents.verify(namespace_id, secret)  # 401 unless its current secret
    held = readable_refs(namespace)
    current = secret_ref if secret_ref in held else secret_store.successor(secret_ref, held)
    if current is None:
        raise NotFound(f"Namespace {namespace.name!r} has no secret with this reference; an "
                       "agent may read only the secrets of its own namespace's plans and "
                       "configuration.", code="secret_not_found")
    return {"secret_ref": current, "values": secret_store.get(current)}
