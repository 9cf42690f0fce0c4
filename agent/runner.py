"""The agent's life: open a session, run the poller and the heartbeat, keep
the session fresh, stop cleanly.

The main thread owns the session; the poller and the heartbeat are daemon
threads, so a stop never waits out a 20 s long poll.  A message that was
being handled when the process ends simply comes back (results are
idempotent by command id).
"""
import logging
import threading
import time
from typing import Callable

from agent import aws
from agent.backoff import Backoff
from agent.events import EventSender
from agent.executors.base import Executor
from agent.heartbeat import Heartbeat
from agent.poller import Poller
from agent.session import Revoked, Session, SessionHolder, Unavailable

log = logging.getLogger("agent")

EXIT_OK = 0
EXIT_REVOKED = 3
DEFAULT_HEARTBEAT_SECONDS = 30
TICK = 0.2             # how soon a stop request is noticed
MIN_RENEWAL_GAP = 5.0  # when AWS rejects credentials, renew at most this often
JOIN_SECONDS = 1.0


class Agent:
    def __init__(self, open_session: Callable[[], Session], executor: Executor, *,
                 heartbeat_override: float | None = None,
                 heartbeat_fallback: float = DEFAULT_HEARTBEAT_SECONDS,
                 wait_seconds: int = aws.LONG_POLL_SECONDS,
                 backoff: Callable[[], Backoff] = Backoff):
        self.open_session, self.executor = open_session, executor
        self.heartbeat_override, self.heartbeat_fallback = heartbeat_override, heartbeat_fallback
        self.wait_seconds, self.backoff = wait_seconds, backoff
        self.stop_event = threading.Event()  # tells the worker threads to finish
        self._wake = threading.Event()
        self._stop_reason: str | None = None
        self.holder = SessionHolder(wake=self._wake.set)
        self.sender = EventSender(self.holder)
        self.threads: list[threading.Thread] = []

    def heartbeat_seconds(self) -> float:
        """An explicit --heartbeat-seconds wins; otherwise the session's value
        (the backend's current setting), then the installed one."""
        if self.heartbeat_override:
            return self.heartbeat_override
        return self.holder.current.heartbeat_seconds or self.heartbeat_fallback

    def request_stop(self, reason: str = "stop requested") -> None:
        """Takes no lock, so a signal handler may call it."""
        self._stop_reason = reason

    @property
    def stopping(self) -> bool:
        return self._stop_reason is not None

    def run(self) -> int:
        """Until a stop is requested (0) or the credentials are revoked (3)."""
        try:
            if self._connect():
                self._start_workers()
                self._keep_session_fresh()
            log.info("stopping (%s)", self._stop_reason)
            return EXIT_OK
        except Revoked as exc:
            log.error("credentials revoked or rotated (%s); stopping. Copy the current parameters "
                      "from the namespace's Installation tab and re-run the installation script.", exc)
            return EXIT_REVOKED
        finally:
            self._shutdown()

    def _connect(self) -> bool:
        backoff = self.backoff()
        while not self.stopping:
            try:
                session = self.open_session()
            except Unavailable as exc:
                delay = backoff.next()
                log.warning("cannot open a session: %s; retrying in %.1f s", exc, delay)
                self._sleep(delay)
                continue
            self.holder.replace(session)
            log.info("connected: namespace %s (%s), credential generation %d",
                     session.target.namespace or "?", session.namespace_id, session.generation)
            return True
        return False

    def _start_workers(self) -> None:
        self.executor.started(self.holder.current.target)
        poller = Poller(self.holder, self.executor, self.sender, self.stop_event,
                        wait_seconds=self.wait_seconds, backoff=self.backoff())
        heartbeat = Heartbeat(self.holder, self.sender, self.executor.name, self.stop_event,
                              self.heartbeat_seconds, backoff=self.backoff())
        for name, target in (("poller", poller.run), ("heartbeat", heartbeat.run)):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self.threads.append(thread)

    def _keep_session_fresh(self) -> None:
        """Renew before refresh_after_seconds (or when AWS rejects the
        credentials); while the API is down, keep working with the old session."""
        backoff, retry_at = self.backoff(), 0.0
        while not self.stopping:
            session = self.holder.current
            due = session.refresh_at
            if self.holder.refresh_requested:
                due = min(due, session.obtained_at + MIN_RENEWAL_GAP)
            delay = max(due, retry_at) - time.monotonic()
            if delay > 0:
                self._sleep(delay)
                continue
            try:
                fresh = self.open_session()
            except Unavailable as exc:
                wait = backoff.next()
                retry_at = time.monotonic() + wait
                log.warning("cannot renew the session: %s; carrying on with the current one, "
                            "retrying in %.1f s", exc, wait)
                continue
            backoff.reset()
            retry_at = 0.0
            self.holder.replace(fresh)
            log.info("session renewed (credential generation %d)", fresh.generation)

    def _sleep(self, seconds: float) -> None:
        """Short slices, so a stop request (a plain attribute) is seen within TICK."""
        deadline = time.monotonic() + seconds
        while not self.stopping:
            left = deadline - time.monotonic()
            if left <= 0 or self._wake.wait(min(left, TICK)):
                self._wake.clear()
                return

    def _shutdown(self) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(JOIN_SECONDS)  # a long poll in flight is not waited for
        if self.threads:
            self.executor.stopped()
