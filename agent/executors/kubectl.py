"""The executor for a real namespace: kubectl (or oc) as the pod's ServiceAccount.

- ``ping`` reads the operator's deployment;
- ``configure`` applies the operator's configuration as the ConfigMap
  ``mendix-operator-config`` (key ``config.json``; secret references only);
- provisioning tasks create (``provision``) or remove (``deprovision``) the
  environment's database or bucket on the plan's server (``agent.provisioners``)
  and keep its connection details in the Secret ``mendix-env-<env>-<step>``
  (one key per field, plus ``connection.json``), applied through stdin.

Outcomes are remembered in memory only.  That is enough: every change is an
``apply`` of the whole desired object or a ``delete --ignore-not-found``, so
running one again after a restart leaves the cluster as it was, and a
``configure`` older than the applied one (by ``issued_at``, kept in an
annotation) is skipped.
"""
import base64
import json
import shutil
import subprocess

from agent import __version__, operator_config
from agent.commands import Command, Task
from agent.events import now_iso
from agent.executors.base import Executor, ExecutorError, MemoryResults, Outcome
from agent.session import Target

OPERATOR = "mendix-operator"
MANAGED_BY = {"app.kubernetes.io/managed-by": "cluster-manager-agent"}
ANNOTATION = "cluster-manager.io/"


DETAILS_KEY = "connection.json"


def details_secret(environment: str, step: str) -> str:
    """The Secret holding an environment's connection details for one step."""
    return f"mendix-env-{environment}-{step}"


def last_line(done: subprocess.CompletedProcess, cli: str) -> str:
    lines = (done.stderr or done.stdout or "").strip().splitlines()
    return lines[-1] if lines else f"{cli} exited {done.returncode}"


class KubectlExecutor(Executor):
    name = "kubectl"

    def __init__(self, results=None, timeout: float = 30, which=shutil.which):
        super().__init__(results or MemoryResults(), MemoryResults())
        self.timeout = timeout
        self._which = which

    def binary(self, target: Target) -> str | None:
        order = ("oc", "kubectl") if target.cluster_type == "openshift" else ("kubectl", "oc")
        return next((name for name in order if self._which(name)), None)

    def _run(self, cli: str, args: list[str], target: Target, stdin: str | None = None):
        argv = [cli, *args, "-n", target.namespace]
        try:
            return subprocess.run(argv, capture_output=True, text=True, timeout=self.timeout,
                                  input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise ExecutorError(f"{cli} did not answer within {self.timeout:.0f} s") from None

    NO_CLI = "neither kubectl nor oc is on the agent's PATH"

    # --- commands -------------------------------------------------------------
    def handlers(self):
        return {"ping": self.ping, "configure": self.configure,
                "describe_plan": self.describe_plan}

    def describe_plan(self, command: Command, target: Target) -> Outcome:
        cli = self.binary(target)
        if cli is None:
            return Outcome(False, None, self.NO_CLI)
        try:
            return Outcome(True, operator_config.describe_plan(
                self._applied_config(cli, target), command.payload.get("name")))
        except operator_config.BadConfiguration as exc:
            return Outcome(False, None, str(exc))

    def ping(self, command: Command, target: Target) -> Outcome:
        cli = self.binary(target)
        if cli is None:
            return Outcome(False, None, self.NO_CLI)
        done = self._run(cli, ["get", "deployment", OPERATOR, "-o", "name"], target)
        result = {"pong": True, "executor": self.name, "operator": None}
        if done.returncode == 0 and done.stdout.strip():
            result["operator"] = done.stdout.strip()
        else:
            result["operator_error"] = last_line(done, cli)
        return Outcome(True, result)

    def configure(self, command: Command, target: Target) -> Outcome:
        cli = self.binary(target)
        if cli is None:
            return Outcome(False, None, self.NO_CLI)
        try:
            spec, dropped = operator_config.build(command.payload, target.namespace)
        except operator_config.BadConfiguration as exc:
            return Outcome(False, None, str(exc))
        current = self._applied_config(cli, target)
        where = f"configmap/{operator_config.CONFIGMAP}"
        if operator_config.is_older(command.issued_at, current):
            return Outcome(True, {"applied": False, "where": where,
                                  "reason": f"a newer configuration (issued {current['issued_at']}) "
                                            "is already applied"})
        doc = operator_config.document(spec, command_id=command.id, issued_at=command.issued_at,
                                       reason=command.payload.get("reason"), applied_at=now_iso())
        configmap = {
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": operator_config.CONFIGMAP, "namespace": target.namespace,
                         "labels": {**MANAGED_BY, "app.kubernetes.io/part-of": OPERATOR},
                         "annotations": {ANNOTATION + "command-id": command.id,
                                         ANNOTATION + "issued-at": command.issued_at or "",
                                         ANNOTATION + "agent-version": __version__}},
            "data": {"config.json": json.dumps(doc, indent=2, sort_keys=True)},
        }
        done = self._run(cli, ["apply", "-f", "-", "-o", "name"], target, json.dumps(configmap))
        if done.returncode != 0:
            return Outcome(False, None, f"{cli} apply of {where} failed: {last_line(done, cli)}")
        changed = current is None or current.get("spec") != spec
        return Outcome(True, operator_config.summary(spec, dropped, changed=changed, where=where))

    def _applied_config(self, cli: str, target: Target) -> dict | None:
        """The configuration in the cluster now (None if absent or unreadable)."""
        done = self._run(cli, ["get", "configmap", operator_config.CONFIGMAP,
                               "--ignore-not-found", "-o", "json"], target)
        if done.returncode != 0 or not done.stdout.strip():
            return None
        try:
            data = json.loads(json.loads(done.stdout)["data"]["config.json"])
        except (ValueError, KeyError, TypeError):
            return None
        return data if isinstance(data, dict) else None

    # --- provisioning tasks -----------------------------------------------------
    def task_handlers(self):
        return {"provision": self.provision, "deprovision": self.deprovision}

    def provision(self, task: Task, target: Target) -> Outcome:
        if self.binary(target) is None:
            return Outcome(False, None, self.NO_CLI)
        return self.provision_step(task, target)

    def deprovision(self, task: Task, target: Target) -> Outcome:
        if self.binary(target) is None:
            return Outcome(False, None, self.NO_CLI)
        return self.deprovision_step(task, target)

    # --- connection details: the Secret mendix-env-<env>-<step> ------------------
    def details_location(self, environment: str, step: str) -> str:
        return f"secret/{details_secret(environment, step)}"

    def load_details(self, environment, step, target):
        cli = self.binary(target)
        name = details_secret(environment, step)
        done = self._run(cli, ["get", "secret", name, "-o", "json", "--ignore-not-found"], target)
        if done.returncode != 0:
            raise ExecutorError(f"{cli} get of secret/{name} failed: {last_line(done, cli)}")
        if not done.stdout.strip():
            return None
        data = (json.loads(done.stdout).get("data") or {}).get(DETAILS_KEY)
        return json.loads(base64.b64decode(data)) if data else None

    def store_details(self, environment, step, target, details) -> str:
        cli = self.binary(target)
        name = details_secret(environment, step)
        secret = {
            "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": {"name": name, "namespace": target.namespace,
                         "labels": {**MANAGED_BY, ANNOTATION + "environment": environment,
                                    ANNOTATION + "step": step},
                         "annotations": {ANNOTATION + "agent-version": __version__}},
            # each field on its own (what an app mounts or reads as env vars),
            # plus the whole document for the agent's own re-runs
            "stringData": {**{k: str(v) for k, v in details.items()},
                           DETAILS_KEY: json.dumps(details, sort_keys=True)},
        }
        # on stdin, never on a command line
        done = self._run(cli, ["apply", "-f", "-", "-o", "name"], target, json.dumps(secret))
        if done.returncode != 0:
            raise ExecutorError(f"{cli} apply of secret/{name} failed: {last_line(done, cli)}")
        return f"secret/{name}"

    def remove_details(self, environment, step, target) -> bool:
        cli = self.binary(target)
        name = details_secret(environment, step)
        done = self._run(cli, ["delete", "secret", name, "--ignore-not-found"], target)
        if done.returncode != 0:
            raise ExecutorError(f"{cli} delete of secret/{name} failed: {last_line(done, cli)}")
        return bool(done.stdout.strip())
