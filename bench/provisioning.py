"""Provisioning time: from ``POST …/environments`` to ``ready``, with 0 and
with 2 injected failures, beside the backoff the workflow is configured to
wait.

One agent in simulate mode on its own local stack (moto's Step Functions run
the real state machine) with PROVISIONING_BACKOFF_SECONDS=1: the waits
double, so k failures of a step cost 1 + 2 + … + 2^(k-1) s of backoff
(2 failures: 1 + 2 = 3 s).  Failures are injected with
``python -m agent fault --fail-next 2`` (they hit the database step).  The
overhead is measured − backoff: the workflow's own transitions, the queues,
the agent, the event runner and the DynamoDB writes, for 2 steps (and the
extra attempts).  The time is taken when a GET (polled every 50 ms) first
shows ``ready``.

    python bench/provisioning.py [--runs 3]
"""
import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BACKOFF_SECONDS = 1


def backoff_sum(failures: int, base: int = BACKOFF_SECONDS) -> int:
    return sum(base * 2 ** i for i in range(failures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="environments per case")
    parser.add_argument("--failures", type=int, nargs="+", default=[0, 2])
    args = parser.parse_args()

    from bench.common import connected_namespace
    from tests.agent.process import fault

    plans = ({"name": "pg", "kind": "database", "type": "postgres", "host": "db.example.com",
              "port": 5432, "database": "apps", "user": "mx", "password": "pw"},
             {"name": "files", "kind": "storage", "type": "ephemeral"})
    extra_env = {"PROVISIONING_BACKOFF_SECONDS": str(BACKOFF_SECONDS),
                 "PROVISIONING_MAX_ATTEMPTS": "5", "SWEEP_SECONDS": "5"}
    with connected_namespace(extra_env, plans=plans) as (http, ns, directory):
        def provision(name: str) -> tuple[float, int]:
            started = time.monotonic()
            resp = http.post(f"{ns}/environments",
                             json={"name": name, "database_plan": "pg", "storage_plan": "files"})
            assert resp.status_code == 201, resp.text
            while True:
                got = http.get(f"{ns}/environments/{name}").json()
                if got["state"] == "ready":
                    took = time.monotonic() - started
                    written = json.loads(
                        (directory / "environments" / name / "database.json").read_text())
                    return took, written["attempt"]  # the attempt that provisioned it
                if got["state"] == "provisioning_failed":
                    raise AssertionError(f"{name}: {got['last_error']}")
                time.sleep(0.05)

        provision("warmup")
        results = {}
        for failures in args.failures:
            runs = []
            for i in range(args.runs):
                if failures:
                    fault(directory, "--fail-next", str(failures),
                          "--message", "injected by bench/provisioning.py")
                seconds, attempts = provision(f"bench-{failures}-{i}")
                assert attempts == failures + 1, (failures, attempts)
                runs.append(seconds)
            results[failures] = runs

        print(f"\ncreate -> ready, one agent (simulate), 2 steps (database, storage), "
              f"PROVISIONING_BACKOFF_SECONDS={BACKOFF_SECONDS} (doubling); {args.runs} runs each")
        print(f"{'injected failures':<18} {'measured (median)':>18} {'backoff':>9} "
              f"{'overhead':>9}   runs")
        for failures, runs in results.items():
            median = statistics.median(runs)
            wait = backoff_sum(failures)
            formula = " + ".join(str(BACKOFF_SECONDS * 2 ** i) for i in range(failures)) or "0"
            print(f"{failures:<18} {median:>16.2f} s {wait:>7} s {median - wait:>7.2f} s   "
                  f"{', '.join(f'{r:.2f}' for r in runs)}  (backoff {formula} s)")


if __name__ == "__main__":
    main()
