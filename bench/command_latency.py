"""Command latency: how fast a command reaches its agent, and its result the API.

One agent in simulate mode (``--record-timings``: it appends the wall-clock
time it received each message and the time it had sent the result to
``DIR/timings.jsonl``) on its own local stack.  N pings are sent one after
another through ``POST …/commands``; for each the script then polls
``GET …/commands/{id}`` tightly until it shows ``succeeded``.  Agent, script
and stack share one machine, so their wall clocks agree.

- dispatch: from just before the POST to the agent receiving the command
  (API → DynamoDB → the namespace's SQS queue → the agent's long poll);
- report: from the agent having sent its result to the GET that first shows
  ``succeeded`` (events queue → event runner → handler → DynamoDB → API),
  including up to one polling interval (~the GET's own duration).

Target: p99 <= 250 ms for each.

    python bench/command_latency.py [--commands 200]
"""
import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chalicelib import clock  # noqa: E402

TARGET_P99_MS = 250


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def row(label: str, seconds: list[float], target: bool = True) -> str:
    ms = [s * 1000 for s in seconds]
    p99 = percentile(ms, 99)
    verdict = ("met" if p99 <= TARGET_P99_MS else "MISSED") if target else ""
    return (f"{label:<40} {percentile(ms, 50):>7.1f} {p99:>8.1f} {max(ms):>8.1f}   "
            f"{f'<= {TARGET_P99_MS} ms ' + verdict if target else ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--poll", type=float, default=0.005,
                        help="seconds between GETs while waiting for a result")
    args = parser.parse_args()

    from bench.common import connected_namespace

    with connected_namespace({"SWEEP_SECONDS": "60"}, agent_args=("--record-timings",)) as (
            http, ns, directory):
        gets: list[float] = []
        finished: dict[str, float] = {}

        def one_ping() -> tuple[str, float, float, float]:
            started = time.time()
            resp = http.post(f"{ns}/commands", json={"type": "ping"})
            posted = time.time()
            assert resp.status_code == 201, resp.text
            command_id = resp.json()["command_id"]
            while True:
                before = time.time()
                command = http.get(f"{ns}/commands/{command_id}").json()
                seen = time.time()
                gets.append(seen - before)
                if command["state"] == "succeeded":
                    finished[command_id] = clock.parse_iso(command["finished_at"]).timestamp()
                    return command_id, started, posted, seen
                if command["state"] == "failed":
                    raise AssertionError(f"ping {command_id} failed")
                time.sleep(args.poll)

        print(f"{args.warmup} warm-up pings, then {args.commands} measured …", flush=True)
        for _ in range(args.warmup):
            one_ping()
        samples = [one_ping() for _ in range(args.commands)]
        time.sleep(0.5)
        timings = {}
        for line in (directory / "timings.jsonl").read_text().splitlines():
            record = json.loads(line)
            timings[record["id"]] = record
        missing = [s[0] for s in samples if s[0] not in timings]
        assert not missing, f"no agent timing for {len(missing)} commands"

        dispatch = [timings[c]["received"] - started for c, started, _, _ in samples]
        report = [seen - timings[c]["answered"] for c, _, _, seen in samples]
        post = [posted - started for _, started, posted, _ in samples]
        in_agent = [timings[c]["answered"] - timings[c]["received"] for c, *_ in samples]
        total = [seen - started for _, started, _, seen in samples]
        print(f"\n{args.commands} pings, one agent (simulate), local stack (moto, chalice local, "
              "event runner)")
        print(f"{'':<40} {'p50 ms':>7} {'p99 ms':>8} {'max ms':>8}   target")
        print(row("dispatch: POST -> agent received", dispatch))
        print(row("report: agent result -> GET shows", report))
        print(row("  (the POST request alone)", post, target=False))
        print(row("  (in the agent: received -> sent)", in_agent, target=False))
        print(row("  (result -> event handled: finished_at)",
                  [finished[c] - timings[c]["answered"] for c, *_ in samples], target=False))
        print(row("  (finished_at -> GET shows)",
                  [seen - finished[c] for c, _, _, seen in samples], target=False))
        print(row("  (one GET request)", gets, target=False))
        print(row("  (whole round trip)", total, target=False))
        print(f"\nmean dispatch {statistics.mean(dispatch) * 1000:.1f} ms, "
              f"mean report {statistics.mean(report) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
