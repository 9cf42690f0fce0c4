"""The events the agent sends (docs/agent-protocol.md §4) and their sender."""
import json
from datetime import datetime, timezone

from agent import __version__, envelope
from agent.session import SessionHolder


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def heartbeat(executor: str, seq: int = 0) -> dict:
    """``seq``: heartbeats this process has sent before (the backend moves the
    namespace's check time on every second one; docs/liveness.md)."""
    return {"type": "heartbeat", "sent_at": now_iso(), "agent_version": __version__,
            "executor": executor, "seq": seq}


def command_received(command_id: str) -> dict:
    return {"type": "command_received", "sent_at": now_iso(), "command_id": command_id}


def command_result(command_id: str, ok: bool, result: dict | None, error: str | None) -> dict:
    return {"type": "command_result", "sent_at": now_iso(), "command_id": command_id,
            "ok": ok, "result": result, "error": error}


def task_result(task_token: str, environment: str, ok: bool, result: dict | None,
                error: str | None) -> dict:
    return {"type": "task_result", "sent_at": now_iso(), "task_token": task_token,
            "environment": environment, "ok": ok, "result": result, "error": error}


class EventSender:
    """Signs with the *current* session, so a refresh takes effect at once."""

    def __init__(self, holder: SessionHolder):
        self.holder = holder

    def send(self, event: dict) -> None:
        session = self.holder.current
        body = envelope.wrap(event, namespace_id=session.namespace_id,
                             generation=session.generation, key_hex=session.signing_key)
        session.sqs().send_message(QueueUrl=session.events_queue_url, MessageBody=json.dumps(body))
