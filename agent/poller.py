"""Long-polls the namespace's command queue and carries out what it finds.

Per command (docs/agent-protocol.md §3): ``command_received``, execute,
``command_result``, delete.  A message that cannot be processed is left on
the queue to be retried (sooner than the queue's visibility timeout: the
agent shortens it, with backoff); on its last attempt the failure is
reported first, so the user sees why before SQS moves it to the dead-letter
queue.

Per provisioning task (§5): execute the step, ``task_result``, delete.  A
task is always answered (an executor error is answered as a failure: the
workflow owns the retries), except for an injected hang.
"""
import logging
import threading
import time
from typing import Callable

from agent import aws, commands, events
from agent.backoff import Backoff
from agent.commands import Task
from agent.events import EventSender
from agent.executors.base import Executor, ExecutorError, Outcome
from agent.session import SessionHolder

log = logging.getLogger("agent")

VISIBILITY_CAP = 60  # the command queue's own visibility timeout


def retry_delay(attempt: int, unparseable: bool) -> int:
    """Seconds until a message that could not be processed comes back.  An
    unparseable one will never parse, so it reaches the dead-letter queue
    (and its failure the user) within seconds; an executor error may be
    transient, so those retries back off: 5, 10, 20, 40 s."""
    if unparseable:
        return 1
    return min(VISIBILITY_CAP, 5 * 2 ** max(0, attempt - 1))


class Poller:
    def __init__(self, holder: SessionHolder, executor: Executor, sender: EventSender,
                 stop: threading.Event, *, wait_seconds: int = aws.LONG_POLL_SECONDS,
                 backoff: Backoff | None = None,
                 retry_delay: Callable[[int, bool], float] = retry_delay):
        self.holder, self.executor, self.sender, self.stop = holder, executor, sender, stop
        self.wait_seconds = wait_seconds
        self.backoff = backoff or Backoff()
        self.retry_delay = retry_delay

    def run(self) -> None:
        """The thread's loop: an SQS or events outage only delays it."""
        while not self.stop.is_set():
            try:
                self.poll_once()
            except Exception as exc:
                if aws.needs_new_session(exc):
                    self.holder.request_refresh(aws.describe(exc))
                delay = self.backoff.next()
                if not self.stop.is_set():
                    log.warning("command queue: %s; retrying in %.1f s", aws.describe(exc), delay)
                self.stop.wait(delay)
            else:
                if self.backoff.attempt:
                    log.info("command queue reachable again")
                self.backoff.reset()

    def poll_once(self) -> int:
        session = self.holder.current
        reply = session.sqs().receive_message(
            QueueUrl=session.command_queue_url, WaitTimeSeconds=self.wait_seconds,
            MaxNumberOfMessages=10, AttributeNames=["ApproximateReceiveCount"],
            MessageAttributeNames=["All"])
        received = time.time()
        messages = reply.get("Messages", [])
        for message in messages:
            if self.stop.is_set():
                break  # the rest come back after their visibility timeout
            self.handle(message, received)
        return len(messages)

    def handle(self, message: dict, received: float | None = None) -> None:
        received = time.time() if received is None else received
        session = self.holder.current
        attempt = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
        try:
            item = commands.read(message)
        except commands.BadCommand as exc:
            self._cannot_process(message, commands.attribute_id(message), str(exc), attempt,
                                 unparseable=True)
            return
        if isinstance(item, Task):
            self._task(message, item, received)
            return
        command = item
        if command.expired():
            # the backend failed it at its deadline ("no result within …"): never run it late
            self.sender.send(events.command_result(
                command.id, False, {"expired": True, "deadline": command.deadline},
                f"expired: not run, its deadline {command.deadline} passed before the agent "
                "received it"))
            self._delete(message)
            log.warning("command %s (%s) expired at %s; not run", command.id, command.type,
                        command.deadline)
            return
        log.info("command %s (%s) received, attempt %d", command.id, command.type, attempt)
        self.sender.send(events.command_received(command.id))
        try:
            outcome = self.executor.execute(command, session.target)
        except Exception as exc:
            expected = isinstance(exc, ExecutorError)
            self._cannot_process(message, command.id, f"executor error: {aws.describe(exc)}",
                                 attempt, traceback=not expected)
            return
        self.sender.send(events.command_result(command.id, outcome.ok, outcome.result, outcome.error))
        answered = time.time()
        self._delete(message)
        self.executor.record_timing("command", command.id, command.type, received, answered)
        log.info("command %s %s", command.id,
                 "succeeded" if outcome.ok else f"failed: {outcome.error}")

    def _task(self, message: dict, task: Task, received: float) -> None:
        """One provisioning attempt: execute, answer with the task token, delete."""
        if task.expired():
            # the workflow gave up on this attempt (and may be retrying): never run it late
            self._delete(message)
            log.warning("task %s arrived after its attempt timed out (handed over %s, "
                        "%d s allowed); not run", task.describe(), task.issued_at,
                        task.timeout_seconds)
            return
        log.info("task received: %s", task.describe())
        try:
            outcome = self.executor.run_task(task, self.holder.current.target)
        except Exception as exc:  # answered: the workflow retries with backoff and shows why
            log.warning("task %s: executor error: %s", task.describe(), aws.describe(exc),
                        exc_info=not isinstance(exc, ExecutorError))
            outcome = Outcome(False, None, f"agent error: {aws.describe(exc)}")
        if outcome.answer:
            self.sender.send(events.task_result(task.token, task.environment, outcome.ok,
                                                outcome.result, outcome.error))
        answered = time.time()
        self._delete(message)
        self.executor.record_timing("task", task.key, f"{task.type}/{task.step}", received,
                                    answered)
        if not outcome.answer:
            log.warning("task %s taken and deliberately not answered; the workflow's attempt "
                        "timeout will fire", task.describe())
        else:
            log.info("task %s %s", task.describe(),
                     "succeeded" if outcome.ok else f"failed: {outcome.error}")

    def _delete(self, message: dict) -> None:
        session = self.holder.current
        session.sqs().delete_message(QueueUrl=session.command_queue_url,
                                     ReceiptHandle=message["ReceiptHandle"])

    def _retry_soon(self, message: dict, seconds: float) -> None:
        """Bring the message back after ``seconds`` rather than the queue's
        whole visibility timeout; harmless if it fails (it then just waits)."""
        session = self.holder.current
        try:
            session.sqs().change_message_visibility(
                QueueUrl=session.command_queue_url, ReceiptHandle=message["ReceiptHandle"],
                VisibilityTimeout=int(seconds))
        except Exception as exc:
            log.debug("could not shorten the message's visibility: %s", aws.describe(exc))

    def _cannot_process(self, message: dict, command_id: str | None, reason: str, attempt: int,
                        traceback: bool = False, unparseable: bool = False) -> None:
        """Leave the message to SQS; on its last attempt report why first."""
        limit = self.holder.current.max_receive_count
        label = f"command {command_id}" if command_id else f"message {message.get('MessageId')}"
        if attempt < limit:
            delay = self.retry_delay(attempt, unparseable)
            log.warning("%s cannot be processed (attempt %d of %d): %s; it will be retried "
                        "in %d s", label, attempt, limit, reason, delay, exc_info=traceback)
            self._retry_soon(message, delay)
            return
        if command_id is None:
            log.error("%s cannot be processed (last attempt): %s; it has no command id to report, "
                      "so it moves to the dead-letter queue unreported", label, reason,
                      exc_info=traceback)
        else:
            self.sender.send(events.command_result(
                command_id, False, None,
                f"{reason} (gave up after {attempt} attempts; the message moves to the "
                "namespace's dead-letter queue)"))
            log.error("%s failed for good after %d attempts: %s; it moves to the dead-letter "
                      "queue", label, attempt, reason, exc_info=traceback)
        # SQS moves it at its next receive once visible again: make that now, not in 60 s
        self._retry_soon(message, 1)
