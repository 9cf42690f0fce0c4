"""Messages from the namespace's queue: commands (docs/agent-protocol.md §3)
and provisioning tasks (§5)."""
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

# Ids name result files, so they must be plain (the backend's are 26 chars).
_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")

OPERATIONS = ("provision", "deprovision")
STEPS = ("database", "storage")


class BadCommand(Exception):
    """A message that can never be executed as it stands."""


@dataclass(frozen=True)
class Command:
    id: str
    type: str
    payload: dict = field(default_factory=dict)
    issued_at: str | None = None
    deadline: str | None = None  # ISO 8601 UTC; past it the backend has failed the command

    def expired(self, now: datetime | None = None) -> bool:
        """True when the deadline has passed: the user was told the command
        failed, so it must not run (an unreadable deadline counts as passed)."""
        if not self.deadline:
            return False
        deadline = _parse_time(self.deadline)
        return deadline is None or (now or datetime.now(timezone.utc)) >= deadline


def _parse_time(text) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Task:
    """One attempt at one provisioning step, handed over by the provisioning
    workflow; answered with a ``task_result`` carrying ``token``.  Every
    attempt has a fresh token, so the token is the idempotency key."""
    token: str
    type: str
    step: str
    environment: str
    attempt: int = 1
    plans: dict = field(default_factory=dict)
    issued_at: str | None = None  # when the workflow handed it over …
    timeout_seconds: int | None = None  # … and how long it waits for the answer

    def expired(self, now: datetime | None = None) -> bool:
        """True when the workflow's attempt has timed out (its token is dead and
        a retry may be under way): a late delivery must not run.  Without (or
        with unreadable) times the token stays the only guard."""
        issued = _parse_time(self.issued_at)
        if issued is None or not self.timeout_seconds:
            return False
        elapsed = ((now or datetime.now(timezone.utc)) - issued).total_seconds()
        return elapsed >= self.timeout_seconds

    @property
    def key(self) -> str:
        """A file-name-safe stand-in for the (long, opaque) token."""
        return hashlib.sha256(self.token.encode()).hexdigest()[:40]

    @property
    def plan(self) -> dict | None:
        plan = self.plans.get(self.step) if isinstance(self.plans, dict) else None
        return plan if isinstance(plan, dict) else None

    def describe(self) -> str:
        return f"{self.type} {self.step} of environment {self.environment!r} (attempt {self.attempt})"


def attribute_id(message: dict) -> str | None:
    """The ``command_id`` message attribute: lets an unparseable body be reported."""
    value = message.get("MessageAttributes", {}).get("command_id", {}).get("StringValue")
    return value if isinstance(value, str) and _ID.match(value) else None


def _body(message: dict) -> dict:
    try:
        data = json.loads(message.get("Body", ""))
    except (ValueError, RecursionError) as exc:
        raise BadCommand(f"the message body is not JSON, or nested too deeply ({exc})") from None
    if not isinstance(data, dict):
        raise BadCommand("the message body is not a JSON object")
    return data


def read(message: dict) -> Command | Task:
    """A command, or a provisioning task (a body with ``task_token``)."""
    data = _body(message)
    if "task_token" in data and "command_id" not in data:
        return _task(data)
    return _command(data)


def parse(message: dict) -> Command:
    """A command message (a provisioning task is refused: it has no command_id)."""
    return _command(_body(message))


def _command(data: dict) -> Command:
    command_id, kind = data.get("command_id"), data.get("type")
    payload = data.get("payload") or {}
    if not isinstance(command_id, str) or not _ID.match(command_id):
        raise BadCommand("the command has no valid command_id")
    if not isinstance(kind, str) or not kind:
        raise BadCommand("the command has no type")
    if not isinstance(payload, dict):
        raise BadCommand("the command's payload is not a JSON object")
    deadline = data.get("deadline")
    return Command(command_id, kind, payload, data.get("issued_at"),
                   deadline if isinstance(deadline, str) else None)


def _task(data: dict) -> Task:
    """Only what is needed to answer is required here (the token and the
    environment); anything else that is wrong becomes a clean failure the
    workflow shows, rather than a message nobody answers."""
    token, environment = data.get("task_token"), data.get("environment")
    if not isinstance(token, str) or not token:
        raise BadCommand("the provisioning task has no task_token")
    if not isinstance(environment, str) or not environment:
        raise BadCommand("the provisioning task has no environment")
    attempt = data.get("attempt")
    try:
        attempt = int(attempt)
    except (TypeError, ValueError):
        attempt = 0
    timeout = data.get("timeout_seconds")
    return Task(token=token, type=str(data.get("type") or ""), step=str(data.get("step") or ""),
                environment=environment, attempt=attempt,
                plans=data.get("plans") if isinstance(data.get("plans"), dict) else {},
                issued_at=data.get("issued_at") if isinstance(data.get("issued_at"), str) else None,
                timeout_seconds=timeout if isinstance(timeout, int) and timeout > 0 else None)
