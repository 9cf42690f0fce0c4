"""``--wait``: follow long work until it ends, showing its progress.

On a terminal one status line is redrawn in place (with a spinner); when
stderr is not a terminal, a plain line is printed each time the state,
step, attempt, error or next retry changes.  The exit code is the final
state's: 0 for ready / succeeded / removed, 1 for a failed state or a timeout.
"""
import sys
import time

from cluster_manager_cli import paths
from cluster_manager_cli.errors import OK, REFUSED, ApiRefused

SPINNER = "|/-\\"
ENV_DONE = {"ready": OK, "provisioning_failed": REFUSED, "deprovisioning_failed": REFUSED}
COMMAND_DONE = {"succeeded": OK, "failed": REFUSED}


def describe_environment(env: dict) -> str:
    parts = [f"{env['name']}: {env['state']}"]
    if env.get("step"):
        parts.append(f"step {env['step']}")
    if env.get("attempt"):
        parts.append(f"attempt {env['attempt']}/{env.get('max_attempts', '?')}")
    if env.get("last_error"):
        parts.append(f"last error: {env['last_error']}")
    if env.get("next_retry_at"):
        parts.append(f"next retry {env['next_retry_at']}")
    return " · ".join(parts)


def describe_command(command: dict) -> str:
    parts = [f"command {command['command_id']} ({command['type']}): {command['state']}"]
    if command.get("error"):
        parts.append(f"error: {command['error']}")
    return " · ".join(parts)


class Progress:
    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.last = None
        self.tick = 0

    def show(self, line: str) -> None:
        if self.tty:
            self.tick += 1
            self.stream.write(f"\r\033[K{SPINNER[self.tick % 4]} {line}")
            self.stream.flush()
        elif line != self.last:
            self.stream.write(line + "\n")
            self.stream.flush()
        self.last = line

    def done(self, line: str) -> None:
        if self.tty:
            self.stream.write(f"\r\033[K{line}\n")
        elif line != self.last:
            self.stream.write(line + "\n")
        self.stream.flush()


def _poll(fetch, describe, finished, timeout: float, interval: float, what: str):
    """``(exit code, last object)``; ``fetch`` returns None once the object is gone."""
    progress, deadline = Progress(), time.monotonic() + timeout
    while True:
        current = fetch()
        code = finished(current)
        if code is not None:
            progress.done(describe(current) if current else f"{what}: removed")
            return code, current
        progress.show(describe(current))
        if time.monotonic() > deadline:
            progress.done(describe(current))
            sys.stderr.write(f"error: gave up waiting for {what} after {timeout:g} s; it goes "
                             "on in the background (check it later with `get`).\n")
            return REFUSED, current
        time.sleep(interval)


def environment(api, cluster_id, namespace, name, *, gone_ok=False, timeout=600.0,
                interval=0.5):
    path = api.path(paths.ENVIRONMENT, cluster=cluster_id, namespace=namespace, env=name)

    def fetch():
        try:
            return api.get(path)
        except ApiRefused as exc:
            if gone_ok and exc.status == 404:
                return None
            raise

    def finished(env):
        if env is None:
            return OK
        if gone_ok:
            return REFUSED if env["state"] == "deprovisioning_failed" else None
        return ENV_DONE.get(env["state"])

    return _poll(fetch, describe_environment, finished, timeout, interval,
                 f"environment {name}")


def command(api, cluster_id, namespace, command_id, *, timeout=600.0, interval=0.5):
    path = api.path(paths.COMMAND, cluster=cluster_id, namespace=namespace, command=command_id)
    return _poll(lambda: api.get(path), describe_command,
                 lambda c: COMMAND_DONE.get(c["state"]), timeout, interval,
                 f"command {command_id}")
