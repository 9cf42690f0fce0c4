"""The executor contract: run each command and each provisioning task once,
report a clean outcome.

An executor returns an ``Outcome`` for everything it understood, success or
failure (a *clean* outcome), and stores it by command id (by task token for
provisioning tasks): SQS delivers at least once, so a redelivered message
must report the same result without running it twice.  For a command it
raises (``ExecutorError`` or anything else) only when it cannot tell what
happened; the message then stays on the queue to be retried and, after its
last attempt, ends in the dead-letter queue.  For a provisioning task the
agent answers such an error as a failure: the workflow retries with backoff.
"""
import logging
import re
from collections import OrderedDict
from dataclasses import asdict, dataclass
from typing import Callable

from agent import __version__, provisioners
from agent.commands import OPERATIONS, STEPS, Command, Task
from agent.secrets import NoSecrets, SecretUnavailable
from agent.session import Target

log = logging.getLogger("agent")

_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


class ExecutorError(Exception):
    """Not a clean failure: retry the command later."""


@dataclass(frozen=True)
class Outcome:
    ok: bool
    result: dict | None = None
    error: str | None = None
    answer: bool = True  # False: deliberately send nothing (an injected hang)

    def to_dict(self) -> dict:
        data = asdict(self)
        if self.answer:
            del data["answer"]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Outcome":
        return cls(bool(data["ok"]), data.get("result"), data.get("error"),
                   bool(data.get("answer", True)))


NO_ANSWER = Outcome(False, None, "no answer (injected hang)", answer=False)


class MemoryResults:
    """Outcomes kept in memory, newest ``limit`` only: enough for commands
    that are harmless to repeat after a restart."""

    def __init__(self, limit: int = 1000):
        self.limit = limit
        self._items: OrderedDict[str, Outcome] = OrderedDict()

    def get(self, command_id: str) -> Outcome | None:
        return self._items.get(command_id)

    def put(self, command_id: str, outcome: Outcome) -> None:
        self._items[command_id] = outcome
        while len(self._items) > self.limit:
            self._items.popitem(last=False)


Handler = Callable[[Command, Target], Outcome]
TaskHandler = Callable[[Task, Target], Outcome]


def task_problem(task: Task) -> str | None:
    """Why a task cannot be carried out as it stands (None: it can)."""
    if task.type not in OPERATIONS:
        return (f"unknown provisioning task type {task.type!r}: this agent (version "
                f"{__version__}) understands {', '.join(OPERATIONS)}")
    if task.step not in STEPS:
        return f"unknown provisioning step {task.step!r}: the steps are {', '.join(STEPS)}"
    if not _LABEL.match(task.environment):
        return (f"environment name {task.environment!r} is not a DNS-1123 label; "
                "refusing to use it as a resource name")
    if task.type == "provision" and task.plan is None:
        return f"the task carries no {task.step} plan (plans.{task.step})"
    return None


class Executor:
    name = "executor"

    def __init__(self, results, task_results=None):
        self.results = results
        self.task_results = task_results if task_results is not None else MemoryResults()
        self.secrets = NoSecrets()  # the CLI gives it the API's SecretReader

    def handlers(self) -> dict[str, Handler]:
        return {}

    def task_handlers(self) -> dict[str, TaskHandler]:
        return {}

    def started(self, target: Target) -> None:
        """The agent has its first session (and so knows its namespace)."""

    def stopped(self) -> None:
        """The agent is shutting down."""

    def record_timing(self, kind: str, ident: str, type: str, received: float,
                      answered: float) -> None:
        """A message was handled (wall-clock times); only benchmarks care."""

    def execute(self, command: Command, target: Target) -> Outcome:
        stored = self.results.get(command.id)
        if stored is not None:
            log.info("command %s already ran; reporting its stored result again", command.id)
            return stored
        handlers = self.handlers()
        handler = handlers.get(command.type)
        if handler is None:
            outcome = Outcome(False, None, (
                f"unknown command type {command.type!r}: this agent (version {__version__}, "
                f"{self.name} executor) understands {', '.join(sorted(handlers)) or 'none'}"))
        else:
            outcome = handler(command, target)
        self.results.put(command.id, outcome)
        return outcome

    def run_task(self, task: Task, target: Target) -> Outcome:
        """Carry out one attempt once per task token; ``outcome.answer`` False
        means: send no task_result at all (not now, nor on a redelivery)."""
        stored = self.task_results.get(task.key)
        if stored is not None:
            log.info("task %s already ran; reporting its stored outcome again", task.describe())
            return stored
        problem = task_problem(task)
        handler = self.task_handlers().get(task.type)
        if problem is None and handler is None:
            problem = f"the {self.name} executor cannot {task.type}"
        outcome = Outcome(False, None, problem) if problem else handler(task, target)
        self.task_results.put(task.key, outcome)
        return outcome

    # --- provisioning, shared by the executors ------------------------------------
    # Each executor keeps an environment's connection details in the namespace
    # its own way (a Secret, a 0600 file): load_details, store_details,
    # remove_details.

    def load_details(self, environment: str, step: str, target: Target) -> dict | None:
        raise NotImplementedError

    def store_details(self, environment: str, step: str, target: Target, details: dict) -> str:
        """Write them into the namespace; returns where (for the result)."""
        raise NotImplementedError

    def remove_details(self, environment: str, step: str, target: Target) -> bool:
        raise NotImplementedError

    def _plan_secrets(self, plan: dict) -> dict:
        if not provisioners.needs_secret(plan):
            return {}
        if not plan.get("secret_ref"):
            raise provisioners.ProvisioningFailed(
                f"the {plan.get('type')} plan {plan.get('name')!r} has no secret reference "
                "(its password or secret key is missing); update the plan")
        return self.secrets.read(plan["secret_ref"])

    def _names(self, task: Task, target: Target) -> "provisioners.Names":
        return provisioners.Names(target.namespace, target.namespace_id or target.namespace,
                                  task.environment)

    def _carry_out(self, task: Task, work) -> Outcome:
        """``work()``'s result as the step's outcome; its failure, in the
        server's (or kubectl's) words, as a clean failed attempt."""
        try:
            result = work()
        except (provisioners.ProvisioningFailed, SecretUnavailable, ExecutorError) as exc:
            log.warning("%s failed: %s", task.describe(), exc)
            return Outcome(False, None, str(exc))
        log.info("%s done", task.describe())
        return Outcome(True, {"environment": task.environment, "step": task.step,
                              "executor": self.name, **result})

    def provision_step(self, task: Task, target: Target) -> Outcome:
        """Create the step's database or bucket on the plan's server, then
        write its connection details into the namespace."""
        def work() -> dict:
            existing = self.load_details(task.environment, task.step, target)
            details, result = provisioners.provision(
                task.plan, self._plan_secrets(task.plan), self._names(task, target), existing)
            if details is None:
                self.remove_details(task.environment, task.step, target)
            elif details != existing:
                result["details_in"] = self.store_details(task.environment, task.step, target,
                                                          details)
            else:
                result["details_in"] = self.details_location(task.environment, task.step)
            return result
        return self._carry_out(task, work)

    def deprovision_step(self, task: Task, target: Target) -> Outcome:
        """Remove the step's database or bucket (as the plan allows), then the
        connection details."""
        def work() -> dict:
            existing = self.load_details(task.environment, task.step, target)
            result = ({"removed": False, "note": "no plan: only the namespace's copy of the "
                                                 "connection details was removed"}
                      if task.plan is None else
                      provisioners.deprovision(task.plan, self._plan_secrets(task.plan),
                                               self._names(task, target), existing))
            details_removed = self.remove_details(task.environment, task.step, target)
            result["removed"] = bool(result.get("removed") or details_removed)
            return result
        return self._carry_out(task, work)

    def details_location(self, environment: str, step: str) -> str:
        return f"{environment}/{step}"
