"""Namespace connection status, driven by agent heartbeats.

A heartbeat marks the namespace ``connected`` (setting ``connected_since``
when it was not) and pushes its deadline to three intervals ahead in the
sparse ``due`` index.  The sweep reads only entries past their deadline and
marks those namespaces ``disconnected``; ``last_seen`` stays.  Neither path
bumps the item's version, so user edits never collide with heartbeats.
"""
from datetime import timedelta

from chalicelib import clock, db, models
from chalicelib.domain.namespaces import CONNECTED, DISCONNECTED

MISSED_BEATS = 3
HEARTBEAT = "heartbeat"

N = models.Namespace


def deadline(now, heartbeat_seconds: int) -> str:
    return clock.iso(now + timedelta(seconds=MISSED_BEATS * heartbeat_seconds))


BEAT, CONNECTED_NOW = "beat", "connected"


def record_heartbeat(ref: dict, generation: int, now) -> str | None:
    """Apply one heartbeat: ``"connected"`` when it (re)connected the
    namespace, ``"beat"`` when it already was, None when it no longer applies
    (namespace gone or being deleted, or a rotated-away credential)."""
    seen = clock.iso(now)
    due = [N.gsi2pk.set(models.due_pk(HEARTBEAT, models.due_shard(ref["namespace_id"]))),
           N.gsi2sk.set(deadline(now, ref["heartbeat_seconds"]))]
    current = (N.agent_generation == generation) & N.deleting.does_not_exist()
    if db.update_fields(N, ref["pk"], ref["sk"], [N.last_seen.set(seen), *due],
                        condition=current & (N.status == CONNECTED)):
        return BEAT
    if db.update_fields(
            N, ref["pk"], ref["sk"],
            [N.status.set(CONNECTED), N.connected_since.set(seen), N.last_seen.set(seen), *due],
            condition=current & N.pk.exists() & (N.status != CONNECTED)):
        return CONNECTED_NOW
    return None


def sweep(now) -> dict:
    """Mark namespaces whose agents went silent; reads only overdue entries."""
    def disconnect(item):  # only if no heartbeat moved the deadline since we read it
        return db.update_fields(N, item.pk, item.sk,
                                [N.status.set(DISCONNECTED), N.gsi2pk.remove(), N.gsi2sk.remove()],
                                condition=N.gsi2sk == item.gsi2sk)

    return db.sweep_overdue(HEARTBEAT, clock.iso(now), disconnect, label="disconnected",
                            shards=models.DUE_SHARDS)
