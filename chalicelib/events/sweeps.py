"""The scheduled sweep: everything that must happen because time passed.

Each part reads only what is overdue (the sparse ``due`` index), never the
whole table, so a sweep costs the same with ten namespaces or ten thousand.

The schedule fires once a minute (EventBridge's finest rate); liveness needs
a finer grain (docs/liveness.md), so one invocation runs its liveness part
again every ``LIVENESS_PASS_SECONDS`` until the next invocation is due —
passes at 0, 15, 30 and 45 s by default.
"""
import logging
import time

from chalicelib import clock, settings
from chalicelib.domain import commands, environments, liveness, members

log = logging.getLogger("cluster_manager.sweep")
SPARE_SECONDS = 5  # a pass never starts with less than this before the timeout


def run(now=None) -> dict:
    now = now or clock.now()
    report = {"namespaces": liveness.sweep(now), "commands": commands.sweep(now),
              "invitations": members.expire(now), "environments": environments.sweep(now)}
    _log(report)
    return report


def _log(report: dict) -> None:
    if any(part.get(key) for part in report.values() for key in part if key != "items_read"):
        log.info("sweep: %s", report)  # quiet when nothing was due


def scheduled(context=None, *, sleep=time.sleep) -> dict:
    """One scheduled invocation: a full sweep, then liveness-only passes every
    ``liveness_pass_seconds`` while the schedule's period (and the function's
    remaining time) allows; counts add up over the passes."""
    started = time.monotonic()
    report = run()
    report["passes"] = 1
    step, period = settings.liveness_pass_seconds(), settings.sweep_seconds()
    offset = step
    while offset < period:
        wait = started + offset - time.monotonic()
        remaining = (context.get_remaining_time_in_millis() / 1000) if context else float("inf")
        if wait + SPARE_SECONDS > remaining:
            break
        if wait > 0:
            sleep(wait)
        part = liveness.sweep(clock.now())
        for key, value in part.items():
            report["namespaces"][key] = report["namespaces"].get(key, 0) + value
        report["passes"] += 1
        if part.get("disconnected") or part.get("rearmed"):
            log.info("sweep pass %d: %s", report["passes"], part)
        offset += step
    return report
