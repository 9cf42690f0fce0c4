"""``python -m agent operator``: the operator's side in the namespace.

It runs from the agent's image (the ``mendix-operator`` Deployment) and
keeps checking the operator configuration the agent applies — the ConfigMap
``mendix-operator-config`` (or, with ``--simulate DIR``, the file
``DIR/operator-config.json``): it reports each new configuration (digest,
sections, plans), and says so when the configuration is missing or does not
match its digest.  In a standalone namespace nobody applies one, and it says
that too, once.
"""
import json
import logging
import subprocess
import threading
from pathlib import Path

from agent import operator_config

log = logging.getLogger("agent.operator")


def read_configmap(cli: str, namespace: str | None, timeout: float = 30) -> dict | None:
    argv = [cli, "get", "configmap", operator_config.CONFIGMAP, "--ignore-not-found", "-o", "json"]
    if namespace:
        argv += ["-n", namespace]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise RuntimeError((done.stderr or done.stdout).strip() or f"{cli} exited "
                           f"{done.returncode}")
    if not done.stdout.strip():
        return None
    text = (json.loads(done.stdout).get("data") or {}).get("config.json")
    return json.loads(text) if text else None


def check(document: dict | None) -> tuple[str, str]:
    """``(level, message)`` about one configuration document."""
    if document is None:
        return "warning", ("no operator configuration yet (a connected namespace gets one from "
                           "its agent; a standalone namespace is configured by hand)")
    spec = document.get("spec")
    if not isinstance(spec, dict):
        return "error", "the operator configuration has no spec"
    if operator_config.digest(spec) != document.get("digest"):
        return "error", ("the operator configuration does not match its digest (edited by "
                         "hand?); the agent will replace it at the next change")
    plans = {k[:-len("_plans")]: len(v) for k, v in spec.items() if k.endswith("_plans")}
    sections = sorted(k for k, v in spec.items() if isinstance(v, dict))
    return "info", (f"configuration {document['digest']} (issued {document.get('issued_at')}, "
                    f"{document.get('reason') or 'no reason given'}): sections "
                    f"{', '.join(sections) or 'none'}; plans {json.dumps(plans, sort_keys=True)}")


class Operator:
    def __init__(self, read, interval: float, stop: threading.Event):
        self.read, self.interval, self.stop = read, interval, stop
        self.last: tuple[str, str] | None = None

    def tick(self) -> tuple[str, str]:
        try:
            level, message = check(self.read())
        except (RuntimeError, OSError, ValueError, subprocess.TimeoutExpired) as exc:
            level, message = "warning", f"cannot read the operator configuration: {exc}"
        if (level, message) != self.last:  # report changes, not every tick
            getattr(log, level)(message)
            self.last = (level, message)
        return level, message

    def run(self) -> int:
        while not self.stop.is_set():
            self.tick()
            self.stop.wait(self.interval)
        return 0


def reader(simulate: str | None, cli: str, namespace: str | None):
    if simulate:
        path = Path(simulate) / "operator-config.json"
        return lambda: json.loads(path.read_text()) if path.exists() else None
    return lambda: read_configmap(cli, namespace)
