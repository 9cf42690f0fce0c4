"""Fixtures: one local stack per test session (moto server, chalice local,
event runner — the very processes ``make run`` starts), API clients that
check every response against the OpenAPI document, and tokens."""
import os
import tempfile
from pathlib import Path

import pytest

from devstack import issuer
from devstack.stack import Stack, free_port, stage_env  # noqa: F401 (free_port: shared)


@pytest.fixture(scope="session")
def stack():
    """The whole local stack on free ports; its environment is applied to
    this process too, so tests can use boto3/PynamoDB against the stand-in."""
    state = Path(tempfile.mkdtemp(prefix="cm-test-"))
    extra = {"HEARTBEAT_SECONDS": "1", "SWEEP_SECONDS": "1", "PROVISIONING_BACKOFF_SECONDS": "1",
             "PROVISIONING_ATTEMPT_TIMEOUT_SECONDS": "20"}
    s = Stack(api_port=free_port(), aws_port=free_port(), console_port=free_port(),
              console_poll_seconds=0.5, state_dir=state,
              log_dir=state / "logs", extra_env=extra)
    s.start(progress=lambda *_: None)
    saved = dict(os.environ)
    os.environ.update({k: v for k, v in s.env().items()
                       if k.startswith(("AWS_", "JWT_", "MOTO_", "API_", "TABLE_"))
                       or k in stage_env() or k in extra})
    try:
        yield s
    finally:
        s.stop()
        os.environ.clear()
        os.environ.update(saved)
        for log in sorted((state / "logs").glob("*.log")):
            text = log.read_text(errors="replace")
            if "Traceback" in text:
                print(f"\n===== {log.name} (has tracebacks) =====\n{text[-6000:]}")


@pytest.fixture(scope="session")
def mint(stack):
    env = stage_env()

    def _mint(email: str, **kwargs) -> str:
        kwargs.setdefault("issuer", stack.issuer_url)
        kwargs.setdefault("audience", env["JWT_AUDIENCE"])
        return issuer.mint(stack.state_dir, email, **kwargs)

    return _mint


@pytest.fixture(scope="session")
def anon(stack):
    from tests.apiclient import Api

    return Api(stack.api_url)


@pytest.fixture
def user(stack, mint):
    """A fresh signed-in user (own email) for one test."""
    from tests.apiclient import Api, unique_email

    email = unique_email()
    api = Api(stack.api_url, mint(email))
    api.email = email
    return api


@pytest.fixture
def other_user(stack, mint):
    from tests.apiclient import Api, unique_email

    email = unique_email("other")
    api = Api(stack.api_url, mint(email))
    api.email = email
    return api


@pytest.fixture
def cluster(user):
    resp = user.post("/clusters", json={"name": "prod", "type": "kubernetes"})
    assert resp.status_code == 201, resp.text
    return resp.json()


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL server (Debian's binaries, as the ``postgres``
    user when root) on a free port, for postgres plans; ``.url`` is its
    admin URL, ``.port``/``.password`` its parts."""
    from devstack.postgres import LocalPostgres, wait_connectable

    folder = Path(tempfile.mkdtemp(prefix="cm-pg-")) / "postgres"
    server = LocalPostgres(folder, free_port()).start()
    try:
        wait_connectable(server.url)
        yield server
    finally:
        server.stop()
