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
    log.info("sweep: %s", report)
    return report
