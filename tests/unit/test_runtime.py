from datetime import timedelta

from chalicelib import clock, models
from chalicelib.domain import namespaces


def make(status, since):
    return models.Namespace("CLUSTER#x", "NS#a", status=status, connected_since=since)


def test_runtime_counts_only_while_connected():
    now = clock.now()
    since = clock.iso(now - timedelta(seconds=90))
    assert namespaces.runtime_seconds(make("connected", since), now) == 90
    assert namespaces.runtime_seconds(make("disconnected", since), now) == 0
    assert namespaces.runtime_seconds(make("waiting_for_connection", None), now) == 0
