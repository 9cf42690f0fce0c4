"""The batch handler of the shared events queue (heartbeats, command progress).

Lambda hands it up to ten messages; each is processed on its own and the
failures are reported back (``batchItemFailures``) so only those are retried
and, after ``maxReceiveCount``, moved to the dead-letter queue.  Every effect
is a conditional update, so a redelivered message changes nothing twice.
"""
import logging
import time

from chalicelib import clock, workflows
from chalicelib.domain import commands, configuration, environments, liveness
from chalicelib.domain import agents
from chalicelib.domain.agents import find_namespace
from chalicelib.events import envelope as envelopes

log = logging.getLogger("cluster_manager.events")

REF_TTL_SECONDS = 60
_refs: dict = {}  # namespace_id -> (expires, ref): one lookup per namespace a minute


def namespace_ref(namespace_id: str, generation: int) -> dict | None:
    cached = _refs.get(namespace_id)
    if cached and cached[0] > time.monotonic() and cached[1]["generation"] >= generation:
        return cached[1]
    namespace = find_namespace(namespace_id)
    if namespace is None:
        _refs.pop(namespace_id, None)
        return None
    generation = int(namespace.agent_generation or 1)
    ref = {"namespace_id": namespace_id, "pk": namespace.pk, "sk": namespace.sk,
           "key": agents.event_key(namespace_id, generation), "generation": generation,
           "heartbeat_seconds": int(namespace.heartbeat_seconds or 30)}
    _refs[namespace_id] = (time.monotonic() + REF_TTL_SECONDS, ref)
    return ref


def process(body: str) -> str:
    """Apply one event; returns what happened (for logs and tests)."""
    env = envelopes.parse(body)
    ref = namespace_ref(env.namespace_id, env.generation)
    if ref is None:
        return "ignored: namespace no longer exists"
    if env.generation < ref["generation"]:
        return "ignored: rotated-away credentials"  # an old agent still running
    if env.generation > ref["generation"]:
        raise envelopes.PoisonEvent(f"generation {env.generation} was never issued")
    envelopes.verify(env, ref["key"])
    event, now = env.event, clock.now()
    kind = event["type"]
    if kind == "heartbeat":
        applied = liveness.record_heartbeat(ref, env.generation, now)
        if applied == liveness.CONNECTED_NOW:
            configuration.push_on_connect(ref)  # whatever changed while it was away
        return "heartbeat" if applied else "ignored: heartbeat no longer applies"
    if kind == "task_result":
        return _task_result(env.namespace_id, event)
    command_id = event.get("command_id")
    if not isinstance(command_id, str):
        raise envelopes.PoisonEvent(f"{kind} event without a command_id")
    if kind == "command_received":
        return "delivered" if commands.mark_delivered(env.namespace_id, command_id, now) else "duplicate"
    if kind == "command_result":
        applied = commands.finish(env.namespace_id, command_id, ok=bool(event.get("ok")),
                                  result=event.get("result"), error=event.get("error"), at=now)
        return "finished" if applied else "duplicate"
    raise envelopes.PoisonEvent(f"unknown event type {kind!r}")


def _task_result(namespace_id: str, event: dict) -> str:
    """A provisioning step's outcome: to the waiting workflow, and the agent's
    error message onto the environment for the API to show."""
    token, environment = event.get("task_token"), event.get("environment")
    if not isinstance(token, str) or not isinstance(environment, str):
        raise envelopes.PoisonEvent("task_result without task_token or environment")
    ok = bool(event.get("ok"))
    # The token is checked first (by the workflow service): a forged or stale
    # result must not write anything.
    delivered = workflows.report(token, ok, event.get("result"), event.get("error"))
    if not delivered:
        return "duplicate"
    if not ok:
        environments.record_agent_error(namespace_id, environment,
                                        str(event.get("error") or "the agent reported a failure"))
    else:
        environments.record_agent_result(namespace_id, environment, event.get("result"))
    return "task reported"


def handle(event: dict, context) -> dict:
    """Entry point for the SQS event source; returns partial batch failures."""
    # Lazy: app.py imports this module for every function; only the events one needs it.
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )

    def record_handler(record):
        try:
            outcome = process(record.body)
        except envelopes.PoisonEvent as exc:
            log.error("poison event %s: %s (it will end in the dead-letter queue)",
                      record.message_id, exc)
            raise
        log.debug("event %s: %s", record.message_id, outcome)
        return outcome

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(event=event, record_handler=record_handler,
                                    processor=processor, context=context)


def reset_cache() -> None:
    _refs.clear()

