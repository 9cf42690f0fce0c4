import pytest

from chalicelib.domain.access import Principal
from tests.apiclient import unique_email


@pytest.fixture(autouse=True)
def no_scans(stack, monkeypatch):
    """Request paths never Scan: any Scan during an integration test fails it."""
    from pynamodb.connection.base import Connection

    def refuse(*args, **kwargs):
        raise AssertionError("Scan on a request path")

    monkeypatch.setattr(Connection, "scan", refuse)


@pytest.fixture
def alice(stack):
    return Principal(email=unique_email("alice"), subject="alice")


@pytest.fixture
def bob(stack):
    return Principal(email=unique_email("bob"), subject="bob")


@pytest.fixture
def private_table(stack, monkeypatch):
    """A table of this test's own, out of reach of the running stack's sweeper
    (for exact counts of what a sweep reads)."""
    import os
    import uuid

    from infra import local

    name = f"private-{uuid.uuid4().hex[:8]}"
    local.ensure_table(dict(os.environ), name)
    monkeypatch.setenv("TABLE_NAME", name)
    return name
