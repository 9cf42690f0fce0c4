"""Heartbeats: the backend shows the namespace connected while they arrive."""
import logging
import threading
from typing import Callable

from agent import aws, events
from agent.backoff import Backoff
from agent.events import EventSender
from agent.session import SessionHolder

log = logging.getLogger("agent")


class Heartbeat:
    """One heartbeat at once (the namespace shows connected without waiting
    a whole interval), then one every ``interval()`` seconds; after a failure
    it retries sooner, with backoff, but never waits longer than an interval."""

    def __init__(self, holder: SessionHolder, sender: EventSender, executor_name: str,
                 stop: threading.Event, interval: Callable[[], float],
                 backoff: Backoff | None = None):
        self.holder, self.sender, self.stop = holder, sender, stop
        self.executor_name, self.interval = executor_name, interval
        self.backoff = backoff or Backoff()
        self.sent = 0  # heartbeats sent by this process (the events' seq)

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.beat()
            except Exception as exc:
                if aws.needs_new_session(exc):
                    self.holder.request_refresh(aws.describe(exc))
                delay = min(self.interval(), self.backoff.next())
                if not self.stop.is_set():
                    log.warning("heartbeat not sent (%s); retrying in %.1f s", aws.describe(exc), delay)
            else:
                if self.backoff.attempt:
                    log.info("heartbeats are getting through again")
                self.backoff.reset()
                delay = self.interval()
            self.stop.wait(delay)

    def beat(self) -> None:
        self.sender.send(events.heartbeat(self.executor_name, self.sent))
        self.sent += 1
        log.debug("heartbeat sent")
