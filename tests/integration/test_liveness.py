"""The liveness design (docs/liveness.md) at the real 30 s interval, on a
simulated clock: heartbeats and sweep passes are applied at chosen instants
against the AWS stand-in, so minutes of agent life take a second."""
from datetime import timedelta

import pytest

from chalicelib import clock, db, models
from chalicelib.domain import clusters, liveness, namespaces

H = 30  # the default heartbeat interval
PASS = 15  # the default liveness pass interval
T0 = clock.parse_iso("2001-01-01T00:00:00.000Z")


@pytest.fixture
def ref(private_table, alice):
    cluster = clusters.create(alice, name="c", type="kubernetes", description=None, platform=None).cluster
    n = namespaces.create(alice, cluster.cluster_id, name="team-a", installation_type="connected")[1]
    db.update_fields(models.Namespace, n.pk, n.sk, [models.Namespace.heartbeat_seconds.set(H)])
    return {"namespace_id": n.namespace_id, "pk": n.pk, "sk": n.sk, "heartbeat_seconds": H}


def item(ref):
    return models.Namespace.get(ref["pk"], ref["sk"], consistent_read=True)


def run(ref, beats, until, pass_phase=0.0):
    """Apply ``beats`` [(seconds, seq)] and sweep passes every PASS seconds
    (starting at ``pass_phase``) in time order up to ``until``; returns the
    second at which the namespace was first seen disconnected (or None)."""
    passes = [pass_phase + k * PASS for k in range(int((until - pass_phase) // PASS) + 1)]
    timeline = sorted([(t, 0, seq) for t, seq in beats] + [(t, 1, None) for t in passes])
    for t, is_pass, seq in timeline:
        at = T0 + timedelta(seconds=t)
        if is_pass:
            liveness.sweep(at)
            if item(ref).status == "disconnected":
                return t
        else:
            assert liveness.record_heartbeat(ref, 1, at, seq=seq)
    return None


def test_only_every_second_heartbeat_moves_the_check_time(ref):
    liveness.record_heartbeat(ref, 1, T0, seq=0)
    armed = item(ref).gsi2sk
    assert armed == clock.iso(T0 + timedelta(seconds=2.5 * H))
    liveness.record_heartbeat(ref, 1, T0 + timedelta(seconds=H), seq=1)
    after_odd = item(ref)
    assert after_odd.gsi2sk == armed and after_odd.last_seen == clock.iso(T0 + timedelta(seconds=H))
    liveness.record_heartbeat(ref, 1, T0 + timedelta(seconds=2 * H), seq=2)
    assert item(ref).gsi2sk == clock.iso(T0 + timedelta(seconds=4.5 * H))
    liveness.record_heartbeat(ref, 1, T0 + timedelta(seconds=3 * H))  # an agent without seq
    assert item(ref).gsi2sk == clock.iso(T0 + timedelta(seconds=5.5 * H))


@pytest.mark.parametrize("beats_before_death", [4, 5])  # last one even (seq 4) or odd (seq 5)
@pytest.mark.parametrize("pass_phase", [0.0, 7.0, 14.9])
def test_a_silent_agent_is_disconnected_within_grace_plus_one_pass(ref, beats_before_death,
                                                                     pass_phase):
    beats = [(k * H, k) for k in range(beats_before_death)]
    last = beats[-1][0]
    found = run(ref, beats, last + 200, pass_phase)
    assert found is not None
    assert last + 2.5 * H <= found <= last + 2.5 * H + PASS  # 75..90 s after the last heartbeat
    assert item(ref).last_seen == clock.iso(T0 + timedelta(seconds=last))


@pytest.mark.parametrize("pass_phase", [0.0, 5.0, 10.0])
def test_no_false_disconnect_with_a_lost_or_late_heartbeat(ref, pass_phase):
    # the agent skips the beat at 90 s (not sent, so seq goes on from 3),
    # then one comes 10 s late
    times = [0, 30, 60, 120, 160, 180, 210, 240]
    beats = [(t, seq) for seq, t in enumerate(times)]
    assert run(ref, beats, 250, pass_phase) is None
    assert item(ref).status == "connected"


def test_a_lost_heartbeat_followed_by_a_late_one_still_keeps_it_connected(ref):
    # lost at 60 s (a check-time beat) and the next one 10 s late: 70 s of silence
    beats = [(0, 0), (30, 1), (100, 2), (130, 3), (160, 4)]
    assert run(ref, beats, 170, 0.0) is None


def test_sweep_rearms_an_alive_namespace_without_disconnecting_it(ref):
    liveness.record_heartbeat(ref, 1, T0, seq=0)
    liveness.record_heartbeat(ref, 1, T0 + timedelta(seconds=H), seq=1)  # check time stays at 75 s
    report = liveness.sweep(T0 + timedelta(seconds=80))
    assert report == {"items_read": 1, "disconnected": 0, "rearmed": 1}
    assert item(ref).status == "connected"
    assert item(ref).gsi2sk == clock.iso(T0 + timedelta(seconds=H + 2.5 * H))
    assert liveness.sweep(T0 + timedelta(seconds=80)) == {
        "items_read": 0, "disconnected": 0, "rearmed": 0}


def test_indexes_do_not_copy_last_seen(ref):
    liveness.record_heartbeat(ref, 1, T0, seq=0)
    (entry,) = [i for shard in range(models.DUE_SHARDS)
                for i in models.Item.due.query(models.due_pk(liveness.HEARTBEAT, shard))]
    assert entry.namespace_id == ref["namespace_id"] and entry.last_seen is None
    (found,) = models.Item.lookup.query(models.namespace_pk(ref["namespace_id"]))
    assert found.agent_secret_hash and found.last_seen is None and found.gsi2sk is None


class Context:
    def __init__(self, seconds):
        self.seconds = seconds

    def get_remaining_time_in_millis(self):
        return int(self.seconds * 1000)


def test_one_scheduled_sweep_runs_liveness_passes_every_15_s_of_its_minute(private_table, monkeypatch):
    from chalicelib.events import sweeps

    monkeypatch.setenv("SWEEP_SECONDS", "60")
    monkeypatch.setenv("LIVENESS_PASS_SECONDS", "15")
    waits = []
    report = sweeps.scheduled(Context(55), sleep=waits.append)
    assert report["passes"] == 4 and len(waits) == 3
    assert all(0 < w <= 45 for w in waits)
    assert set(report) == {"namespaces", "commands", "invitations", "environments", "passes"}
    # a function with little time left stops early instead of timing out
    assert sweeps.scheduled(Context(12), sleep=waits.append)["passes"] == 1
    monkeypatch.setenv("SWEEP_SECONDS", "1")  # the tests' stack: one pass per firing
    assert sweeps.scheduled(Context(55), sleep=waits.append)["passes"] == 1
