"""Step Functions execution names (issue 12 item 2)."""
import re

from chalicelib import clock, workflows
from chalicelib.domain.names import MAX_LABEL

VALID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


def test_every_accepted_name_gives_a_valid_unique_name_per_attempt():
    namespace_id = clock.new_id()
    seen = set()
    for length in range(1, MAX_LABEL + 1):
        for last in "xy":
            env = "e" * (length - 1) + last
            for _ in range(2):
                name = workflows.execution_name(namespace_id, env, clock.new_id())
                assert VALID.match(name), name
                assert name not in seen
                seen.add(name)


def test_the_same_run_gets_the_same_name_and_short_names_stay_readable():
    namespace_id, attempt = clock.new_id(), clock.new_id()
    assert workflows.execution_name(namespace_id, "shop", attempt) == (
        f"{namespace_id}-shop-{attempt}")
    long = "a" * MAX_LABEL
    assert workflows.execution_name(namespace_id, long, attempt) == workflows.execution_name(
        namespace_id, long, attempt)
    assert workflows.execution_name(namespace_id, long, attempt).endswith(attempt)
