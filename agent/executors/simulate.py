"""An executor without a cluster: the namespace's state lives in a directory.

For demos, the local stack and tests: everything a command would change is
kept as JSON files, readable by people and by tests.

- ``DIR/agent.json``: the simulated namespace (agent status, the operator's
  deployment, how many commands ran);
- ``DIR/commands/<command_id>.json``: each command's outcome, the
  idempotency record, so it survives a restart of the agent;
- ``DIR/operator-config.json``: the operator's configuration, written by
  ``configure`` (what kubectl would apply as the ConfigMap
  ``mendix-operator-config``);
- ``DIR/environments/<env>/database.json``, ``storage.json``: what
  ``provision`` did for an environment (plan with secret references only,
  the result), removed by ``deprovision``;
- ``DIR/environments/<env>/database.connection.json``, ``storage.connection.json``
  (mode 0600): the environment's connection details (host, user, password,
  keys) — what kubectl would store in the Secret ``mendix-env-<env>-<step>``;
- ``DIR/tasks/<key>.json``: each provisioning attempt's outcome, by task token;
- ``DIR/faults.json``: faults to inject into provisioning attempts
  (``python -m agent fault``, see ``agent/faults.py``);
- ``DIR/timings.jsonl``: with ``record_timings``, one line per handled
  message (wall-clock receipt and answer times, for benchmarks).
"""
import json
import logging
import os
import shutil
from pathlib import Path

from agent import faults, operator_config
from agent.commands import Command, Task
from agent.events import now_iso
from agent.executors.base import NO_ANSWER, Executor, Outcome
from agent.session import Target

log = logging.getLogger("agent")

OPERATOR = "deployment.apps/mendix-operator"
OPERATOR_CONFIG = "operator-config.json"


def write_json(path: Path, data: dict) -> None:
    """Atomically: a crash leaves the old file or the new one, never half."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)


def read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return None
    return data if isinstance(data, dict) else None


class FileResults:
    def __init__(self, directory: Path):
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)

    def get(self, command_id: str) -> Outcome | None:
        try:
            return Outcome.from_dict(json.loads((self.dir / f"{command_id}.json").read_text()))
        except FileNotFoundError:
            return None

    def put(self, command_id: str, outcome: Outcome) -> None:
        write_json(self.dir / f"{command_id}.json", outcome.to_dict())


class SimulateExecutor(Executor):
    name = "simulate"

    def __init__(self, directory, *, record_timings: bool = False):
        self.dir = Path(directory)
        (self.dir / "commands").mkdir(parents=True, exist_ok=True)
        super().__init__(FileResults(self.dir / "commands"), FileResults(self.dir / "tasks"))
        self.record_timings_to = self.dir / "timings.jsonl" if record_timings else None

    @property
    def state_file(self) -> Path:
        return self.dir / "agent.json"

    @property
    def operator_config_file(self) -> Path:
        return self.dir / OPERATOR_CONFIG

    def environment_dir(self, environment: str) -> Path:
        return self.dir / "environments" / environment

    def state(self) -> dict:
        try:
            return json.loads(self.state_file.read_text())
        except FileNotFoundError:
            return {"status": "installed", "operator": OPERATOR, "commands_run": 0}

    def _update(self, **changes) -> dict:
        state = {**self.state(), **changes, "updated_at": now_iso()}
        write_json(self.state_file, state)
        return state

    def started(self, target: Target) -> None:
        self._update(status="running", namespace=target.namespace, pid=os.getpid(),
                     started_at=now_iso())

    def stopped(self) -> None:
        self._update(status="stopped", stopped_at=now_iso())

    def record_timing(self, kind, ident, type, received, answered) -> None:
        if self.record_timings_to is None:
            return
        line = json.dumps({"kind": kind, "id": ident, "type": type, "received": received,
                           "answered": answered})
        with open(self.record_timings_to, "a") as f:  # one short append: whole lines
            f.write(line + "\n")

    # --- commands -------------------------------------------------------------
    def handlers(self):
        return {"ping": self.ping, "configure": self.configure,
                "describe_plan": self.describe_plan}

    def describe_plan(self, command: Command, target: Target) -> Outcome:
        try:
            return Outcome(True, operator_config.describe_plan(
                read_json(self.operator_config_file), command.payload.get("name")))
        except operator_config.BadConfiguration as exc:
            return Outcome(False, None, str(exc))

    def ping(self, command: Command, target: Target) -> Outcome:
        state = self.state()
        self._update(commands_run=int(state.get("commands_run", 0)) + 1, last_command=command.id)
        return Outcome(True, {"pong": True, "executor": self.name,
                              "namespace": target.namespace, "operator": state.get("operator")})

    def configure(self, command: Command, target: Target) -> Outcome:
        try:
            spec, dropped = operator_config.build(command.payload, target.namespace)
        except operator_config.BadConfiguration as exc:
            return Outcome(False, None, str(exc))
        current = read_json(self.operator_config_file)
        if operator_config.is_older(command.issued_at, current):
            return Outcome(True, {"applied": False, "where": OPERATOR_CONFIG,
                                  "reason": f"a newer configuration (issued {current['issued_at']}) "
                                            "is already applied"})
        changed = current is None or current.get("spec") != spec
        write_json(self.operator_config_file, operator_config.document(
            spec, command_id=command.id, issued_at=command.issued_at,
            reason=command.payload.get("reason"), applied_at=now_iso()))
        self._update(commands_run=int(self.state().get("commands_run", 0)) + 1,
                     last_command=command.id)
        return Outcome(True, operator_config.summary(spec, dropped, changed=changed,
                                                     where=OPERATOR_CONFIG))

    # --- provisioning tasks -----------------------------------------------------
    def task_handlers(self):
        return {"provision": self.provision, "deprovision": self.deprovision}

    def _fault(self, task: Task) -> Outcome | None:
        action, message = faults.take(self.dir, step=task.step, operation=task.type)
        if action == faults.HANG:
            log.warning("injected hang: taking %s without ever answering", task.describe())
            return NO_ANSWER
        if action == faults.FAIL:
            log.warning("injected failure of %s", task.describe())
            return Outcome(False, None, message)
        return None

    def provision(self, task: Task, target: Target) -> Outcome:
        injected = self._fault(task)
        if injected is not None:
            return injected
        outcome = self.provision_step(task, target)
        if outcome.ok:
            where = self.environment_dir(task.environment)
            where.mkdir(parents=True, exist_ok=True)
            path = where / f"{task.step}.json"
            write_json(path, {"environment": task.environment, "namespace": target.namespace,
                              "step": task.step, "plan": task.plan, "attempt": task.attempt,
                              "provisioned_at": now_iso(), "result": outcome.result})
            outcome = Outcome(True, {**outcome.result, "file": str(path.relative_to(self.dir))})
        return outcome

    def deprovision(self, task: Task, target: Target) -> Outcome:
        injected = self._fault(task)
        if injected is not None:
            return injected
        outcome = self.deprovision_step(task, target)
        if outcome.ok:
            where = self.environment_dir(task.environment)
            try:
                (where / f"{task.step}.json").unlink()
                removed = True
            except FileNotFoundError:
                removed = False  # already gone: deprovisioning something absent succeeds
            if where.is_dir() and not any(p for p in where.iterdir() if p.suffix == ".json"):
                shutil.rmtree(where, ignore_errors=True)
            outcome = Outcome(True, {**outcome.result,
                                     "removed": bool(outcome.result.get("removed") or removed)})
        return outcome

    # --- connection details: DIR/environments/<env>/<step>.connection.json (0600) ---
    def details_path(self, environment: str, step: str) -> Path:
        return self.environment_dir(environment) / f"{step}.connection.json"

    def details_location(self, environment: str, step: str) -> str:
        return str(self.details_path(environment, step).relative_to(self.dir))

    def load_details(self, environment, step, target):
        return read_json(self.details_path(environment, step))

    def store_details(self, environment, step, target, details) -> str:
        path = self.details_path(environment, step)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:  # created 0600: never readable by others, not even briefly
            f.write(json.dumps(details, indent=2, sort_keys=True) + "\n")
        os.replace(tmp, path)
        return self.details_location(environment, step)

    def remove_details(self, environment, step, target) -> bool:
        try:
            self.details_path(environment, step).unlink()
            return True
        except FileNotFoundError:
            return False
