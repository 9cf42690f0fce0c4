from datetime import timedelta

from chalicelib import clock


def test_ids_are_unique_sortable_and_recognised():
    ids = [clock.new_id() for _ in range(1000)]
    assert len(set(ids)) == 1000
    assert all(clock.is_id(i) for i in ids)
    assert not clock.is_id("01M884JHW2ZEBR0JQDW6TM1RYH")  # upper case is not ours
    assert not clock.is_id("short")


def test_ids_sort_by_time():
    import time

    first = clock.new_id()
    time.sleep(0.002)
    assert clock.new_id() > first


def test_iso_round_trip():
    now = clock.now()
    text = clock.iso(now)
    assert text.endswith("Z")
    assert abs(clock.parse_iso(text) - now) < timedelta(milliseconds=1)
