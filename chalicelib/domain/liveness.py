"""Namespace connection status, driven by agent heartbeats (docs/liveness.md).

A namespace is alive while its last heartbeat is less than ``GRACE_BEATS``
heartbeat intervals old (2.5 × 30 s = 75 s: one lost heartbeat plus the next
one 10 s late still fits, with 5 s to spare for the queue).

Cost: every heartbeat writes ``last_seen`` on the namespace item (1 write
unit; no index copies ``last_seen``).  Only every ``ARM_EVERY``-th heartbeat
of an agent (its ``seq``) also moves the namespace's *check time* in the
sparse ``due`` index to ``now + grace`` (a changed index key: 2 more write
units), so a heartbeat costs 2 write units on average instead of 4.  With a
check time at most one interval behind, a healthy agent always moves it
before it comes due (the grace is longer than two intervals).

The sweep reads only entries whose check time passed.  For each it
disconnects the namespace *only if* ``last_seen`` is older than the grace
(a condition, so a concurrent heartbeat wins); otherwise the agent is alive
and its check time was merely behind (its last heartbeat was an odd one):
the sweep re-arms it at ``last_seen + grace``.  Detection therefore takes at
most grace + one sweep pass (``settings.liveness_pass_seconds``).  Neither
path bumps the item's version, so user edits never collide with heartbeats.
"""
from datetime import timedelta

from chalicelib import clock, db, models
from chalicelib.domain.namespaces import CONNECTED, DISCONNECTED

GRACE_BEATS = 2.5  # heartbeat intervals of silence before "disconnected"
ARM_EVERY = 2  # heartbeats per move of the check time
HEARTBEAT = "heartbeat"

N = models.Namespace


def grace_seconds(heartbeat_seconds) -> float:
    return GRACE_BEATS * float(heartbeat_seconds or 30)


def deadline(now, heartbeat_seconds) -> str:
    """When silence since ``now`` means disconnected."""
    return clock.iso(now + timedelta(seconds=grace_seconds(heartbeat_seconds)))


def arms(seq) -> bool:
    """Whether this heartbeat moves the check time: every ``ARM_EVERY``-th of
    an agent process (seq counts its heartbeats from 0); always for agents
    that send no ``seq``."""
    return not isinstance(seq, int) or isinstance(seq, bool) or seq % ARM_EVERY == 0


BEAT, CONNECTED_NOW = "beat", "connected"


def _check_time(namespace_id: str, at: str) -> list:
    return [N.gsi2pk.set(models.due_pk(HEARTBEAT, models.due_shard(namespace_id))),
            N.gsi2sk.set(at)]


def record_heartbeat(ref: dict, generation: int, now, seq=None) -> str | None:
    """Apply one heartbeat: ``"connected"`` when it (re)connected the
    namespace, ``"beat"`` when it already was, None when it no longer applies
    (namespace gone or being deleted, or a rotated-away credential)."""
    seen = clock.iso(now)
    check = _check_time(ref["namespace_id"], deadline(now, ref["heartbeat_seconds"]))
    current = (N.agent_generation == generation) & N.deleting.does_not_exist()
    if db.update_fields(N, ref["pk"], ref["sk"], [N.last_seen.set(seen), *(check if arms(seq) else [])],
                        condition=current & (N.status == CONNECTED)):
        return BEAT
    if db.update_fields(
            N, ref["pk"], ref["sk"],
            [N.status.set(CONNECTED), N.connected_since.set(seen), N.last_seen.set(seen), *check],
            condition=current & N.pk.exists() & (N.status != CONNECTED)):
        return CONNECTED_NOW
    return None


def _silent_since(item, now) -> str:
    return clock.iso(now - timedelta(seconds=grace_seconds(item.heartbeat_seconds)))


def check(item, now) -> str | None:
    """One overdue entry: ``"disconnected"``, ``"rearmed"`` (alive, its check
    time was behind) or None (a heartbeat moved it since it was read)."""
    unchanged = N.gsi2sk == item.gsi2sk
    silent = N.last_seen.does_not_exist() | (N.last_seen < _silent_since(item, now))
    if db.update_fields(N, item.pk, item.sk,
                        [N.status.set(DISCONNECTED), N.gsi2pk.remove(), N.gsi2sk.remove()],
                        condition=unchanged & silent):
        return "disconnected"
    try:
        fresh = N.get(item.pk, item.sk, consistent_read=True,
                      attributes_to_get=["kind", "last_seen", "gsi2sk", "heartbeat_seconds"])
    except N.DoesNotExist:
        return None
    if fresh.gsi2sk != item.gsi2sk or not fresh.last_seen:
        return None
    at = clock.parse_iso(fresh.last_seen) + timedelta(
        seconds=grace_seconds(fresh.heartbeat_seconds))
    if db.update_fields(N, item.pk, item.sk, [N.gsi2sk.set(clock.iso(at))], condition=unchanged):
        return "rearmed"
    return None


def sweep(now) -> dict:
    """Mark namespaces whose agents went silent; reads only overdue entries."""
    rearmed = 0

    def act(item):
        nonlocal rearmed
        outcome = check(item, now)
        rearmed += outcome == "rearmed"
        return outcome == "disconnected"

    report = db.sweep_overdue(HEARTBEAT, clock.iso(now), act, label="disconnected",
                              shards=models.DUE_SHARDS)
    return {**report, "rearmed": rearmed}
