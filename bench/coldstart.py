"""Cold start: import app.py and answer the first GET /clusters, in fresh processes.

Compared with a baseline measured in the same run: ``import boto3`` plus
building one DynamoDB client (what any Python Lambda touching DynamoDB pays).
Each sample is a new interpreter; the figure is the median of N runs.  Runs
against its own moto server; no Lambda, no network.

    python bench/coldstart.py [--runs 9]
"""
import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASELINE = """
import time; t = time.perf_counter()
import boto3
boto3.client("dynamodb")
print(time.perf_counter() - t)
"""

APP = """
import time; t = time.perf_counter()
import app
# one API Gateway event straight into the handler Lambda would call
event = {"resource": "/clusters", "path": "/clusters", "httpMethod": "GET",
         "headers": {"Authorization": "Bearer %(token)s", "Host": "x"},
         "multiValueHeaders": {}, "queryStringParameters": None,
         "multiValueQueryStringParameters": None, "pathParameters": None,
         "stageVariables": None, "body": None, "isBase64Encoded": False,
         "requestContext": {"resourcePath": "/clusters", "httpMethod": "GET",
                            "path": "/api/clusters", "stage": "api",
                            "identity": {"sourceIp": "127.0.0.1"}}}
resp = app.app(event, None)
assert resp["statusCode"] == 200, resp
print(time.perf_counter() - t)
"""


def sample(code: str, env: dict) -> float:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def wall(code: str, env: dict) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    from bench.common import bearer_token, local_stack

    with local_stack() as stack:
        env = stack.env()
        token = bearer_token(stack)
        app_code = APP % {"token": token}
        sample(app_code, env)  # warm the OS page cache for both
        sample(BASELINE, env)
        base, ours, base_wall, ours_wall = [], [], [], []
        for _ in range(args.runs):
            base.append(sample(BASELINE, env))
            ours.append(sample(app_code, env))
            base_wall.append(wall(BASELINE, env))
            ours_wall.append(wall(app_code, env))
        b, o = statistics.median(base), statistics.median(ours)
        bw, ow = statistics.median(base_wall), statistics.median(ours_wall)
        print(f"runs: {args.runs} fresh processes each (median)")
        print(f"baseline  import boto3 + dynamodb client:   {b * 1000:7.1f} ms  "
              f"(whole process {bw * 1000:.0f} ms)")
        print(f"app       import app.py + first GET /clusters: {o * 1000:7.1f} ms  "
              f"(whole process {ow * 1000:.0f} ms)")
        paired = statistics.median(x / y for x, y in zip(ours, base, strict=True))
        print(f"ratio     {o / b:.2f}x of the medians, {paired:.2f}x median of paired runs   "
              f"(target <= 1.30x)")


if __name__ == "__main__":
    main()
