"""Reconnect delays grow exponentially, stay under the cap, and are jittered."""
import random

import pytest

from agent.backoff import Backoff


def test_bounds_without_jitter_extremes():
    low = Backoff(base=1, cap=10, rng=lambda: 0.0)
    high = Backoff(base=1, cap=10, rng=lambda: 1.0)
    assert [low.next() for _ in range(6)] == [0.5, 1, 2, 4, 5, 5]
    assert [high.next() for _ in range(6)] == [1, 2, 4, 8, 10, 10]


def test_every_delay_lies_within_half_and_all_of_its_ceiling():
    backoff = Backoff(base=0.5, cap=30, rng=random.Random(7).random)
    delays = [backoff.next() for _ in range(200)]
    for attempt, delay in enumerate(delays):
        ceiling = min(30, 0.5 * 2 ** attempt)
        assert ceiling / 2 <= delay <= ceiling
    assert max(delays) <= 30
    assert len(set(delays[10:])) > 100  # jittered, not lockstep


def test_reset_starts_over_and_huge_attempt_counts_do_not_overflow():
    backoff = Backoff(base=1, cap=60, rng=lambda: 1.0)
    for _ in range(5000):
        backoff.next()
    assert backoff.next() == 60
    backoff.reset()
    assert backoff.next() == 1


def test_nonsense_bounds_are_refused():
    with pytest.raises(ValueError):
        Backoff(base=0)
    with pytest.raises(ValueError):
        Backoff(base=5, cap=1)
