"""Provisioning time for real: from ``POST …/environments`` to ``ready``,
over N environments per case, for the real postgres path (a database and a
login role on a local PostgreSQL server), the real S3 path (a bucket, an IAM
user, its policy and key on moto's S3 and IAM) and, as the baseline,
ephemeral plans (nothing to create); then the same with 2 injected failures,
beside the backoff the workflow is configured to wait.

One agent in simulate mode (``--record-timings``) on its own local stack with
its own PostgreSQL server; moto's Step Functions run the real state machine
with PROVISIONING_BACKOFF_SECONDS=1 (doubling).  For each environment:

- **ready**: POST → the first GET (polled every 50 ms) that shows ``ready``;
- **work**: the agent's time handling the environment's two tasks (receipt
  → answer, from DIR/timings.jsonl): the provisioning work itself, with the
  secret read, the connection-details file and the answer;
- **overhead**: ready − work − backoff: the workflow's transitions, the
  queues, the event runner, the DynamoDB writes and the polling.

    python bench/provisioning.py [--runs 10]
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


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def plans(stack) -> list[dict]:
    pg = stack.postgres
    return [{"name": "pg", "kind": "database", "type": "postgres", "host": "127.0.0.1",
             "port": pg.port, "database": "postgres", "user": "postgres",
             "password": pg.password},
            {"name": "s3", "kind": "storage", "type": "s3", "region": "us-east-1",
             "access_key": "AKIABENCHPLATFORM001", "secret_key": "bench-plan-secret"},
            {"name": "mem-db", "kind": "database", "type": "ephemeral"},
            {"name": "mem-files", "kind": "storage", "type": "ephemeral"}]


CASES = {"ephemeral (baseline)": ("mem-db", "mem-files"),
         "postgres": ("pg", "mem-files"),
         "s3": ("mem-db", "s3"),
         "postgres + s3": ("pg", "s3")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="environments per case (≥ 10)")
    parser.add_argument("--failure-runs", type=int, default=3,
                        help="environments with 2 injected failures (postgres + s3)")
    args = parser.parse_args()

    from bench.common import connected_namespace
    from tests.agent.process import fault

    extra_env = {"PROVISIONING_BACKOFF_SECONDS": str(BACKOFF_SECONDS),
                 "PROVISIONING_MAX_ATTEMPTS": "5", "SWEEP_SECONDS": "5"}
    agent_env = {"AWS_ENDPOINT_URL_S3": "{aws_url}", "AWS_ENDPOINT_URL_IAM": "{aws_url}"}
    with connected_namespace(extra_env, plans=plans, agent_args=("--record-timings",),
                             postgres=True, agent_env=agent_env) as (http, ns, directory):
        timings = directory / "timings.jsonl"

        def work_since(offset: int) -> tuple[float, int]:
            lines = timings.read_text().splitlines()[offset:] if timings.exists() else []
            tasks = [json.loads(x) for x in lines]
            tasks = [t for t in tasks if t["kind"] == "task"]
            return sum(t["answered"] - t["received"] for t in tasks), len(
                timings.read_text().splitlines()) if timings.exists() else 0

        def provision(name: str, database: str, storage: str) -> tuple[float, float]:
            offset = len(timings.read_text().splitlines()) if timings.exists() else 0
            started = time.monotonic()
            resp = http.post(f"{ns}/environments",
                             json={"name": name, "database_plan": database,
                                   "storage_plan": storage})
            assert resp.status_code == 201, resp.text
            while True:
                got = http.get(f"{ns}/environments/{name}").json()
                if got["state"] == "ready":
                    took = time.monotonic() - started
                    time.sleep(0.05)  # the agent appends its timing right after answering
                    return took, work_since(offset)[0]
                if got["state"] == "provisioning_failed":
                    raise AssertionError(f"{name}: {got['last_error']}")
                time.sleep(0.05)

        provision("warmup", "pg", "s3")
        results = {}
        for label, (database, storage) in CASES.items():
            results[label] = [provision(f"b{len(results)}-{i}", database, storage)
                              for i in range(args.runs)]
        failing = []
        for i in range(args.failure_runs):
            fault(directory, "--fail-next", "2", "--message", "injected by bench/provisioning.py")
            failing.append(provision(f"f-{i}", "pg", "s3"))

    print(f"\ncreate -> ready, one agent (simulate executor), 2 steps (database, storage), "
          f"real PostgreSQL 15 and moto S3/IAM; {args.runs} environments per case")
    header = (f"{'case':<22} {'ready median':>13} {'ready p95':>10} {'work median':>12} "
              f"{'work p95':>9} {'overhead median':>16} {'overhead p95':>13}")
    print(header)
    rows = [(label, runs, 0) for label, runs in results.items()]
    rows.append(("postgres + s3, 2 fails", failing, backoff_sum(2)))
    for label, runs, wait in rows:
        ready = [r for r, _ in runs]
        work = [w for _, w in runs]
        overhead = [r - w - wait for r, w in runs]
        print(f"{label:<22} {statistics.median(ready):>11.2f} s {p95(ready):>8.2f} s "
              f"{statistics.median(work):>10.3f} s {p95(work):>7.3f} s "
              f"{statistics.median(overhead):>14.2f} s {p95(overhead):>11.2f} s")
    print(f"(with 2 failures the backoff of {backoff_sum(2)} s = 1 + 2 s is taken out of the "
          f"overhead; {args.failure_runs} environments)")


if __name__ == "__main__":
    main()
