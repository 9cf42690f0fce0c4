"""Items one sweep reads: 10 000 namespaces, 10 of them overdue.

The sweep queries the sparse ``due`` index for deadlines in the past, so it
reads the overdue namespaces and nothing else.  Baseline, measured in the
same run on the same table: a Scan for overdue namespaces (what a sweep
without the index would do).  Runs against its own local stack.

    python bench/sweep.py [--namespaces 10000] [--overdue 10]
"""
import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--namespaces", type=int, default=10_000)
    parser.add_argument("--overdue", type=int, default=10)
    args = parser.parse_args()

    from bench.common import local_stack

    # SWEEP_SECONDS is huge: only this script sweeps this table
    with local_stack({"SWEEP_SECONDS": "86400"}) as stack:
        os.environ.update(stack.env())
        from chalicelib import clock, models
        from chalicelib.domain import liveness

        now = clock.now()
        print(f"writing {args.namespaces} connected namespaces ({args.overdue} overdue) …",
              flush=True)
        t = time.perf_counter()
        with models.Item.batch_write() as batch:
            for i in range(args.namespaces):
                namespace_id = clock.new_id()
                overdue = i < args.overdue
                deadline = now - timedelta(minutes=5) if overdue else now + timedelta(minutes=5)
                batch.save(models.Namespace(
                    models.cluster_pk("bench"), models.namespace_sk(f"ns-{i}"),
                    namespace_id=namespace_id, cluster_id="bench", name=f"ns-{i}",
                    installation_type="connected", status="connected", heartbeat_seconds=30,
                    last_seen=clock.iso(deadline - timedelta(seconds=90)),
                    connected_since=clock.iso(now - timedelta(hours=1)), version=1,
                    gsi1pk=models.namespace_pk(namespace_id), gsi1sk="NAMESPACE",
                    gsi2pk=models.due_pk(liveness.HEARTBEAT, models.due_shard(namespace_id)),
                    gsi2sk=clock.iso(deadline)))
        print(f"  written in {time.perf_counter() - t:.1f} s")

        # baseline: find the overdue ones without the index (a Scan reads every item)
        import boto3

        ddb = boto3.client("dynamodb")
        t = time.perf_counter()
        scan_items = found = 0
        kwargs = {"TableName": os.environ["TABLE_NAME"], "Select": "COUNT",
                  "FilterExpression": "gsi2sk <= :now",
                  "ExpressionAttributeValues": {":now": {"S": clock.iso(now)}}}
        while True:
            page = ddb.scan(**kwargs)
            scan_items += page["ScannedCount"]
            found += page["Count"]
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        scan_seconds = time.perf_counter() - t

        t = time.perf_counter()
        report = liveness.sweep(now)
        sweep_seconds = time.perf_counter() - t
        print(f"sweep (due index):  items read {report['items_read']:>6}   marked disconnected "
              f"{report['disconnected']:>3}   {sweep_seconds * 1000:.0f} ms")
        print(f"baseline (Scan):    items read {scan_items:>6}   found overdue "
              f"{found:>3}   {scan_seconds * 1000:.0f} ms")
        print(f"ratio of items read: {report['items_read'] / scan_items:.4f}   "
              f"(target: <= 20 items read)")


if __name__ == "__main__":
    main()
