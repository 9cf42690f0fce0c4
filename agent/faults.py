"""Fault injection for the simulation: ``DIR/faults.json``.

Read at every provisioning task attempt (provision or deprovision, any step)
by the simulate executor and edited by ``python -m agent fault`` while the
agent runs.  Both sides hold an exclusive lock on ``DIR/.faults.lock`` for
their read-modify-write and replace the file atomically, so a decrement and
an edit never lose each other.

    {"fail_next": 2, "fail_always": false, "hang_next": 0, "message": "disk full",
     "failures_injected": 0, "hangs_injected": 0, "updated_at": "…"}

Per attempt, in this order: ``hang_next`` > 0 → hang (take the task and never
answer, so the workflow's attempt timeout fires) and decrement; else
``fail_always`` → fail; else ``fail_next`` > 0 → fail and decrement; else run
normally.  A failure answers ``ok: false`` with ``message`` (or a default
that names this tool).
"""
import fcntl
import json
import logging
import os
from contextlib import contextmanager
from pathlib import Path

from agent.events import now_iso

log = logging.getLogger("agent")

FILE, LOCK = "faults.json", ".faults.lock"
EMPTY = {"fail_next": 0, "fail_always": False, "hang_next": 0, "message": None,
         "failures_injected": 0, "hangs_injected": 0}
DEFAULT_MESSAGE = ("injected failure: the simulated {step} could not be {done} "
                   "(set with `python -m agent fault`)")
HANG, FAIL = "hang", "fail"


class BadFaults(Exception):
    """faults.json exists but is not a faults object."""


@contextmanager
def _locked(directory: Path):
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _read(directory: Path) -> dict:
    try:
        data = json.loads((directory / FILE).read_text())
    except FileNotFoundError:
        return dict(EMPTY)
    except ValueError as exc:
        raise BadFaults(f"{directory / FILE} is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise BadFaults(f"{directory / FILE} is not a JSON object")
    return {**EMPTY, **data}


def _write(directory: Path, data: dict) -> None:
    path = directory / FILE
    tmp = path.with_name(f".{FILE}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({**data, "updated_at": now_iso()}, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)


def read(directory) -> dict:
    with _locked(Path(directory)):
        return _read(Path(directory))


def edit(directory, *, clear=False, fail_next=None, fail_always=None, hang_next=None,
         message=None) -> dict:
    """Apply the changes (``clear`` first) and return the faults now in effect."""
    directory = Path(directory)
    with _locked(directory):
        try:
            data = _read(directory)
        except BadFaults:
            if not clear:
                raise
            data = dict(EMPTY)
        if clear:  # keeps the counters: they tell what was injected so far
            data = {**EMPTY, "failures_injected": data["failures_injected"],
                    "hangs_injected": data["hangs_injected"]}
        for key, value in (("fail_next", fail_next), ("fail_always", fail_always),
                           ("hang_next", hang_next), ("message", message)):
            if value is not None:
                data[key] = value
        _write(directory, data)
        return data


def take(directory, *, step: str, operation: str) -> tuple[str | None, str | None]:
    """At the start of an attempt: ``(HANG, None)``, ``(FAIL, message)`` or
    ``(None, None)``; consumes what it uses.  An unreadable faults.json
    injects nothing (and says so in the log)."""
    directory = Path(directory)
    if not (directory / FILE).exists():
        return None, None
    with _locked(directory):
        try:
            data = _read(directory)
        except BadFaults as exc:
            log.error("%s; injecting no fault (fix it with `python -m agent fault --clear`)", exc)
            return None, None
        try:
            hang_next, fail_next = int(data["hang_next"] or 0), int(data["fail_next"] or 0)
        except (TypeError, ValueError):
            log.error("%s has non-numeric counters; injecting no fault", directory / FILE)
            return None, None
        if hang_next > 0:
            data.update(hang_next=hang_next - 1, hangs_injected=int(data["hangs_injected"]) + 1)
            _write(directory, data)
            return HANG, None
        if data["fail_always"] or fail_next > 0:
            if not data["fail_always"]:
                data["fail_next"] = fail_next - 1
            data["failures_injected"] = int(data["failures_injected"]) + 1
            _write(directory, data)
            done = "provisioned" if operation == "provision" else "deprovisioned"
            return FAIL, data["message"] or DEFAULT_MESSAGE.format(step=step, done=done)
        return None, None
