"""The scheduled sweep: everything that must happen because time passed.

Each part reads only what is overdue (the sparse ``due`` index), never the
whole table, so a sweep costs the same with ten namespaces or ten thousand.
"""
import logging

from chalicelib import clock
from chalicelib.domain import commands, environments, liveness, members

log = logging.getLogger("cluster_manager.sweep")


def run(now=None) -> dict:
    now = now or clock.now()
    report = {"namespaces": liveness.sweep(now), "commands": commands.sweep(now),
              "invitations": members.expire(now), "environments": environments.sweep(now)}
    if any(part.get(key) for part in report.values() for key in part if key != "items_read"):
        log.info("sweep: %s", report)  # quiet when nothing was due
    return report
