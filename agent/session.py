"""The session exchange (docs/agent-protocol.md §2): secret → AWS credentials.

A session is replaced whole, never edited, so a thread that took the current
one keeps a consistent set of credentials, queue URLs and signing key while
the main thread swaps in the next.
"""
import http.client
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from agent import __version__, aws

log = logging.getLogger("agent")

REQUIRED = ("namespace_id", "credential_generation", "credentials", "region",
            "command_queue_url", "events_queue_url", "event_signing_key",
            "refresh_after_seconds", "max_receive_count")
REFRESH_EARLY = 0.8  # refresh at 80 % of refresh_after_seconds: "before", with margin
HTTP_TIMEOUT = 15


class Revoked(Exception):
    """401: the namespace id is unknown or the secret wrong, rotated or revoked."""


class Unavailable(Exception):
    """The API could not be reached or gave no usable answer; try again later."""


@dataclass(frozen=True)
class Target:
    """Where commands act: the Kubernetes namespace and its platform."""
    namespace: str
    cluster_type: str | None = None
    namespace_id: str | None = None


class Session:
    def __init__(self, data: dict, obtained_at: float | None = None):
        missing = [key for key in REQUIRED if data.get(key) is None]
        if missing:
            raise Unavailable(f"the session answer lacks {', '.join(missing)}")
        self.data = data
        self.obtained_at = time.monotonic() if obtained_at is None else obtained_at
        self._sqs = None
        self._lock = threading.Lock()

    namespace_id = property(lambda self: self.data["namespace_id"])
    generation = property(lambda self: int(self.data["credential_generation"]))
    command_queue_url = property(lambda self: self.data["command_queue_url"])
    events_queue_url = property(lambda self: self.data["events_queue_url"])
    signing_key = property(lambda self: self.data["event_signing_key"])
    max_receive_count = property(lambda self: int(self.data["max_receive_count"]))
    heartbeat_seconds = property(lambda self: self.data.get("heartbeat_seconds"))

    @property
    def target(self) -> Target:
        return Target(self.data.get("namespace") or "", self.data.get("cluster_type"),
                      self.data.get("namespace_id"))

    @property
    def refresh_at(self) -> float:
        """Monotonic time by which to have asked for the next session."""
        return self.obtained_at + max(1.0, REFRESH_EARLY * float(self.data["refresh_after_seconds"]))

    def sqs(self):
        with self._lock:
            if self._sqs is None:
                self._sqs = aws.sqs_client(self.data)
            return self._sqs


def exchange(api_url: str, namespace_id: str, secret: str, timeout: float = HTTP_TIMEOUT) -> Session:
    """POST {api_url}/agent/session; raises Revoked or Unavailable."""
    url = api_url.rstrip("/") + "/agent/session"
    request = urllib.request.Request(
        url, method="POST",
        data=json.dumps({"namespace_id": namespace_id, "secret": secret}).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json",
                 "User-Agent": f"cluster-manager-agent/{__version__}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        detail = error_message(exc)
        if exc.code == 401:
            raise Revoked(detail) from None
        raise Unavailable(f"HTTP {exc.code} from {url}: {detail}") from None
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise Unavailable(f"{url}: {aws.describe(exc)}") from None
    if not isinstance(data, dict):
        raise Unavailable(f"{url} answered with something other than a JSON object")
    return Session(data)


def error_message(exc: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(exc.read() or b"{}")
        return str(body.get("message") or body.get("error") or exc.reason)
    except (OSError, ValueError, AttributeError):
        return str(exc.reason)


class SessionHolder:
    """The current session, shared by the threads, and the wish to renew it."""

    def __init__(self, wake=lambda: None):
        self._session: Session | None = None
        self._wake = wake
        self.refresh_requested = False

    @property
    def current(self) -> Session:
        if self._session is None:
            raise RuntimeError("no session yet")
        return self._session

    def replace(self, session: Session) -> None:
        self._session = session
        self.refresh_requested = False

    def request_refresh(self, reason: str) -> None:
        """AWS rejected the credentials: ask the main thread for a new session."""
        if not self.refresh_requested:
            log.warning("AWS rejected the session's credentials (%s); renewing the session", reason)
            self.refresh_requested = True
        self._wake()
