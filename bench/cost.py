"""What an idle connected namespace costs, from the requests the system really makes.

Runs N idle agents (simulate mode, default 30 s heartbeat) on their own local
stack for M minutes and reads the AWS stand-in's meter (``devstack/meter.py``):
every AWS request by service and action, and DynamoDB's write/read units by
AWS's sizing rules on the real items and index projections; the agents' API
requests are counted from the local API's access log.  Session renewals come
every 40 minutes, too seldom for a run of minutes: they are metered apart, by
making the agents' own request.
The measured per-namespace rates are priced with the list prices below and
extrapolated to 1, 100 and 1,000 namespaces, with the events function's
batching at each scale; the fixed monthly cost is printed apart.

    python bench/cost.py [--agents 3] [--minutes 8] [--write-readme]

``--write-readme`` replaces README's cost section (between the
``<!-- cost:begin -->`` / ``<!-- cost:end -->`` markers) with this output and
saves the measurement in ``bench/cost-measurement.json``; ``--load FILE``
prices a saved measurement again without a run (a test checks that the
README's section is what the saved measurement renders to).
"""
import argparse
import json
import math
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MONTH = 30 * 24 * 3600  # seconds in the month every figure uses
MEASUREMENT = ROOT / "bench" / "cost-measurement.json"  # what README's section was rendered from

# us-east-1 list prices (2025), no free tier
PRICE = {
    "sqs_request": 0.40e-6,  # standard queue, per 64 KB request
    "apigw_request": 3.50e-6,  # REST API
    "lambda_request": 0.20e-6,
    "lambda_gb_s": 0.0000166667,  # x86_64
    "ddb_wru": 0.625e-6,  # on-demand
    "ddb_rru": 0.125e-6,
    "ddb_wcu_hour": 0.00065,  # provisioned
    "ddb_rcu_hour": 0.00013,
    "xray_trace": 5.00e-6,
    "logs_gb": 0.50,
    "kms_key_month": 1.00,
    "kms_request": 0.03e-4,
    "alarm_month": 0.10,
}
from infra.stacks.config import DEFAULTS  # noqa: E402  (the deployed memory sizes)

# assumptions about AWS that the local stack cannot show
EVENTS_INVOCATION_S, EVENTS_MB = 0.05, DEFAULTS["worker_memory_mb"]  # one events batch
API_INVOCATION_S, API_MB = 0.10, DEFAULTS["api_memory_mb"]  # one session renewal
SWEEP_MB, SWEEP_BUSY_S = DEFAULTS["sweep_memory_mb"], 46  # passes at 0/15/30/45 s a minute
LOG_KB_PER_INVOCATION, ACCESS_LOG_KB = 0.5, 0.4
POLLERS, POLL_WAIT_S = 5, 20  # Lambda's idle long polls on the events queue
BATCH_WINDOW_S, BATCH_MAX = 1, 10  # the events source's batching (app.py)
XRAY_RESERVOIR_PER_S, XRAY_RATE = 1.0, 0.05  # X-Ray's default sampling rule
ALARMS = 5  # standard alarms (infra/stacks/api.py)
HOURS = MONTH / 3600


def provisioned_cost(wru_per_s: float, rru_per_s: float) -> float:
    """DynamoDB with dynamodb_capacity=provisioned: auto scaling keeps the
    capacity at ~1/target of the load, never below its minimum (table and each
    index; infra/stacks/config.py PROVISIONED)."""
    from infra.stacks.config import PROVISIONED

    target = PROVISIONED["target_percent"] / 100
    floors = 3 * PROVISIONED["min"]  # the table and its two indexes
    wcu = max(floors, wru_per_s / target)
    rcu = max(floors, rru_per_s / target)
    return (wcu * PRICE["ddb_wcu_hour"] + rcu * PRICE["ddb_rcu_hour"]) * HOURS


def batch_size(events_per_s: float) -> float:
    """Messages per events-function invocation: each of the pollers collects
    for up to the batching window, up to the maximum."""
    return min(BATCH_MAX, max(1.0, events_per_s * BATCH_WINDOW_S / POLLERS))


def traced(invocations_per_s: float) -> float:
    """Invocations per second X-Ray keeps (1/s, then 5 % of the rest), per function."""
    if invocations_per_s <= XRAY_RESERVOIR_PER_S:
        return invocations_per_s
    return XRAY_RESERVOIR_PER_S + XRAY_RATE * (invocations_per_s - XRAY_RESERVOIR_PER_S)


def measure(agents: int, minutes: float) -> dict:
    import requests

    from bench.common import bearer_token, local_stack
    from tests.agent.process import AgentProcess, wait_for

    with local_stack() as stack:
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {bearer_token(stack)}"
        api = stack.api_url
        cid = http.post(f"{api}/clusters", json={"name": "cost", "type": "kubernetes"}).json()["cluster_id"]
        procs, urls, installed = [], [], []
        try:
            for i in range(agents):
                name = f"idle-{i}"
                assert http.post(f"{api}/clusters/{cid}/namespaces", json={
                    "name": name, "installation_type": "connected"}).status_code == 201
                url = f"{api}/clusters/{cid}/namespaces/{name}"
                params = http.get(f"{url}/installation").json()["parameters"]
                procs.append(AgentProcess(params, stack.state_dir / f"agent-{i}"))
                installed.append(params)
                urls.append(url)
            for url in urls:
                wait_for(lambda u=url: http.get(u).json()["status"] == "connected", 90,
                         "the agents to connect")
            heartbeat = http.get(urls[0]).json().get("heartbeat_seconds", 30)
            access_log = next((stack.state_dir / "logs").glob("api-*.log"))
            meter = f"{stack.aws_url}/moto-api/meter"
            requests.delete(meter, timeout=10)
            api_lines = len(access_log.read_text().splitlines())
            print(f"{agents} idle agents connected; metering {minutes:g} min …", flush=True)
            started = time.monotonic()
            time.sleep(minutes * 60)
            seconds = time.monotonic() - started
            report = requests.get(meter, timeout=30).json()
            api_requests = [line for line in access_log.read_text().splitlines()[api_lines:]
                            if '"' in line and "/agent/" in line]
            statuses = [http.get(u).json()["status"] for u in urls]
        finally:
            for proc in procs:
                proc.close()
        refresh = measure_renewals(api, meter, installed)
    return {"agents": agents, "seconds": seconds, "report": report,
            "api_requests": len(api_requests), "heartbeat_seconds": heartbeat,
            "statuses": statuses, "refresh": refresh}


def measure_renewals(api: str, meter: str, parameters: list[dict], rounds: int = 10) -> dict:
    """What one session renewal costs: the agents renew every 40 minutes, too
    seldom for a run of minutes, so the very request an agent makes
    (``POST /agent/session`` with its id and secret) is made here ``rounds``
    times per agent, with the agents stopped, and metered on its own."""
    import requests

    requests.delete(meter, timeout=10)
    answer = {}
    for _ in range(rounds):
        for p in parameters:
            resp = requests.post(f"{api}/agent/session", timeout=30, json={
                "namespace_id": p["namespace_id"], "secret": p["agent_secret"]})
            resp.raise_for_status()
            answer = resp.json()
    return {"renewals": rounds * len(parameters), "report": requests.get(meter, timeout=30).json(),
            "refresh_after_seconds": answer["refresh_after_seconds"]}


def units(report: dict, kind: str, *, index: str | None = None, exclude_index=None) -> float:
    total = 0.0
    for label, by_action in report["dynamodb"].items():
        name_index = label.split("/", 1)[1] if "/" in label else None
        if index is not None and name_index != index:
            continue
        if exclude_index is not None and name_index == exclude_index:
            continue
        total += sum(v for k, v in by_action.items() if k.startswith(kind + ":"))
    return total


def model(m: dict) -> dict:
    """Per-namespace monthly quantities and the fixed ones, from one measurement."""
    r, n, secs = m["report"], m["agents"], m["seconds"]
    req = r["requests"]

    def per_ns_month(count):
        return count / n / secs * MONTH

    heartbeats = req.get("sqs:SendMessage:events-queue", 0)
    sweep_reads = units(r, "read", index="due")  # the sweep's queries: fixed, not per namespace
    idle = {
        "agent_receive": per_ns_month(req.get("sqs:ReceiveMessage:namespace-queue", 0)),
        "agent_send": per_ns_month(heartbeats),
        "events": per_ns_month(heartbeats),  # messages on the events queue
        "api_requests": per_ns_month(m["api_requests"]),
        "wru": per_ns_month(units(r, "write")),
        "rru": per_ns_month(units(r, "read") - sweep_reads),
        **backend_requests(req, per_ns_month),
    }
    # renewals: measured one by one, at the rate the protocol sets
    from agent.session import REFRESH_EARLY

    renewal = m["refresh"]
    rr = renewal["report"]
    renewals_per_month = MONTH / (REFRESH_EARLY * renewal["refresh_after_seconds"])

    def per_renewal_month(count):
        return count / renewal["renewals"] * renewals_per_month

    renew = {"api_requests": renewals_per_month, "wru": per_renewal_month(units(rr, "write")),
             "rru": per_renewal_month(units(rr, "read") - units(rr, "read", index="due")),
             **backend_requests(rr["requests"], per_renewal_month)}
    q = {key: value + renew.get(key, 0.0) for key, value in idle.items()}
    fixed = {"sweep_rru": sweep_reads / secs * MONTH}
    return {"per_ns": q, "fixed": fixed, "heartbeats": heartbeats,
            "renewals_per_month": renewals_per_month, "renew": renew,
            "wu_per_heartbeat": units(r, "write") / heartbeats if heartbeats else float("nan")}


def backend_requests(req: dict, per_month) -> dict:
    return {"kms": per_month(sum(v for k, v in req.items() if k.startswith("kms:"))),
            "ssm": per_month(sum(v for k, v in req.items() if k.startswith("ssm:"))),
            "sts": per_month(req.get("sts:AssumeRole", 0))}


def price(q: dict, fixed: dict, namespaces: int) -> dict:
    """Cost lines for ``namespaces`` connected namespaces, per namespace-month."""
    s = namespaces
    events_per_s = q["events"] * s / MONTH
    batch = batch_size(events_per_s)
    events_inv = q["events"] / batch  # per namespace-month
    api_inv = q["api_requests"]
    lines = {
        "SQS: agent long polls + heartbeats": (q["agent_receive"] + q["agent_send"]) * PRICE["sqs_request"],
        # a delete per batch; receives beyond the pollers' idle long polls (in the fixed cost)
        "SQS: Lambda's deletes (+ receives beyond its idle polls)":
            (events_inv + max(0.0, events_inv - POLLERS / POLL_WAIT_S * MONTH / s))
            * PRICE["sqs_request"],
        "API Gateway: session renewals": api_inv * PRICE["apigw_request"],
        "Lambda requests": (events_inv + api_inv) * PRICE["lambda_request"],
        "Lambda duration": (events_inv * EVENTS_INVOCATION_S * EVENTS_MB / 1024
                            + api_inv * API_INVOCATION_S * API_MB / 1024) * PRICE["lambda_gb_s"],
        "DynamoDB writes": q["wru"] * PRICE["ddb_wru"],
        "DynamoDB reads": q["rru"] * PRICE["ddb_rru"],
        # the API function only: the events function is not traced (infra/stacks/api.py)
        "X-Ray traces": traced(api_inv * s / MONTH) * MONTH / s * PRICE["xray_trace"],
        "CloudWatch Logs": ((events_inv + api_inv) * LOG_KB_PER_INVOCATION
                            + api_inv * ACCESS_LOG_KB) / 1024 / 1024 * PRICE["logs_gb"],
        "Secrets (SSM standard parameters, KMS requests)": q["kms"] * PRICE["kms_request"],
    }
    lines["fixed cost shared"] = fixed_cost(fixed)["total"] / s
    total = sum(lines.values())
    on_demand_ddb = (lines["DynamoDB writes"] + lines["DynamoDB reads"]
                     + fixed["sweep_rru"] * PRICE["ddb_rru"] / s)
    provisioned = provisioned_cost((q["wru"] * s) / MONTH,
                                   (q["rru"] * s + fixed["sweep_rru"]) / MONTH) / s
    return {"lines": lines, "total": total, "batch": batch,
            "total_provisioned": total - on_demand_ddb + provisioned}


def fixed_cost(fixed: dict) -> dict:
    sweeps = MONTH / 60
    sweep_traces = sweeps  # one invocation a minute: always under the reservoir
    lines = {
        "sweep function (1/min, liveness passes for ~46 s)":
            sweeps * PRICE["lambda_request"]
            + sweeps * SWEEP_BUSY_S * SWEEP_MB / 1024 * PRICE["lambda_gb_s"]
            + sweep_traces * PRICE["xray_trace"]
            + sweeps * LOG_KB_PER_INVOCATION / 1024 / 1024 * PRICE["logs_gb"],
        "sweep reads (due index)": fixed["sweep_rru"] * PRICE["ddb_rru"],
        "Lambda's idle polls of the events queue":
            POLLERS * MONTH / POLL_WAIT_S * PRICE["sqs_request"],
        "KMS key for secrets": PRICE["kms_key_month"],
        "alarms": ALARMS * PRICE["alarm_month"],
    }
    return {"lines": lines, "total": sum(lines.values())}


def render(m: dict, md: dict) -> str:
    from agent.session import REFRESH_EARLY

    q, scales = md["per_ns"], (1, 100, 1000)
    priced = {s: price(q, md["fixed"], s) for s in scales}
    out = []
    w = out.append
    w(f"Measured by `bench/cost.py`: {m['agents']} idle agents, {m['seconds'] / 60:.1f} min on the "
      f"local stack, heartbeat {m['heartbeat_seconds']} s; AWS requests counted by the AWS stand-in; "
      "DynamoDB units by AWS's sizing rules on the real items and index projections. Priced with "
      "us-east-1 list prices (2025, no free tier), a 30-day month.")
    w("")
    w(f"**{md['wu_per_heartbeat']:.2f} write units per heartbeat** "
      f"({md['heartbeats']} heartbeats measured; docs/liveness.md). Session renewals "
      f"(every {m['refresh']['refresh_after_seconds'] * REFRESH_EARLY / 60:.0f} min, "
      f"{md['renewals_per_month']:,.0f} a month) metered apart: {m['refresh']['renewals']} "
      "`POST /agent/session` made as the agents make them.")
    w("")
    w("| per namespace-month (measured rate) | count |")
    w("|---|---:|")
    for label, key in (("agent `ReceiveMessage` (long polls)", "agent_receive"),
                       ("agent heartbeat `SendMessage`", "agent_send"),
                       ("API requests (agent session renewals)", "api_requests"),
                       ("DynamoDB write units", "wru"), ("DynamoDB read units", "rru"),
                       ("STS `AssumeRole` (free)", "sts"), ("SSM requests", "ssm"),
                       ("KMS requests", "kms")):
        w(f"| {label} | {q[key]:,.0f} |")
    w("")
    w("| $ per namespace-month | " + " | ".join(f"{s:,} namespaces" for s in scales) + " |")
    w("|---|" + "---:|" * len(scales))
    for line in priced[1]["lines"]:
        w(f"| {line} | " + " | ".join(f"{priced[s]['lines'][line]:.4f}" for s in scales) + " |")
    w("| **total** | " + " | ".join(f"**{priced[s]['total']:.3f}**" for s in scales) + " |")
    w("| total with `dynamodb_capacity=provisioned` (auto scaling at 70 %) | "
      + " | ".join(f"{priced[s]['total_provisioned']:.3f}" for s in scales) + " |")
    w("| (events per Lambda invocation) | " + " | ".join(f"{priced[s]['batch']:.1f}" for s in scales) + " |")
    w("")
    crossover = next((n for n in range(1, 20001)
                      if (p := price(q, md["fixed"], n))["total_provisioned"] < p["total"]), None)
    if crossover is not None:
        w(f"`dynamodb_capacity=provisioned` costs less from **{crossover:,} connected namespaces** "
          "on: below that its minimum capacity is the larger cost, above it the steady heartbeat "
          "load is cheaper reserved than bought per request.")
        w("")
    fixed = fixed_cost(md["fixed"])
    w("Fixed per month, whatever the number of namespaces (included above, shared): "
      + "; ".join(f"{k} ${v:.2f}" for k, v in fixed["lines"].items())
      + f" — **${fixed['total']:.2f}**.")
    w("")
    w("Assumptions the local stack cannot show: an events invocation takes "
      f"{EVENTS_INVOCATION_S * 1000:.0f} ms at {EVENTS_MB} MB, a session renewal "
      f"{API_INVOCATION_S * 1000:.0f} ms at {API_MB} MB; ~{LOG_KB_PER_INVOCATION} KB of logs per "
      f"invocation; Lambda's {POLLERS} pollers gather up to {BATCH_MAX} events for at most "
      f"{BATCH_WINDOW_S} s per batch; X-Ray keeps 1 trace/s + 5 % of the API function's "
      "invocations (the events function is not traced). Secrets are SSM "
      "Parameter Store standard parameters (no monthly charge) under one KMS key.")
    return "\n".join(out)


README_SECTION = re.compile(r"(<!-- cost:begin -->\n)(.*?)(\n<!-- cost:end -->)", re.S)


def readme_section() -> str | None:
    found = README_SECTION.search((ROOT / "README.md").read_text())
    return found.group(2) if found else None


def write_readme(text: str) -> None:
    readme = ROOT / "README.md"
    content = readme.read_text()
    if not README_SECTION.search(content):
        raise SystemExit("README.md has no <!-- cost:begin --> … <!-- cost:end --> section")
    readme.write_text(README_SECTION.sub(lambda mt: mt.group(1) + text + mt.group(3), content))
    print("README.md cost section updated")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=3)
    parser.add_argument("--minutes", type=float, default=8.0,
                        help="the idle window (renewals are metered apart)")
    parser.add_argument("--write-readme", action="store_true")
    parser.add_argument("--save", metavar="FILE", help="also write the measurement (JSON)")
    parser.add_argument("--load", metavar="FILE", help="price a saved measurement, no run")
    args = parser.parse_args()
    if args.load:
        m = json.loads(Path(args.load).read_text())
    else:
        m = measure(args.agents, args.minutes)
    if args.save:
        Path(args.save).write_text(json.dumps(m))
    md = model(m)
    text = render(m, md)
    print()
    print(text)
    print()
    print("requests counted in the idle window:")
    for key, count in sorted(m["report"]["requests"].items()):
        print(f"  {key:55s} {count:>7}")
    print(f"requests counted for {m['refresh']['renewals']} session renewals:")
    for key, count in sorted(m["refresh"]["report"]["requests"].items()):
        print(f"  {key:55s} {count:>7}")
    print(f"agents' status at the end: {m['statuses']}")
    at_1000 = price(md["per_ns"], md["fixed"], 1000)
    print(f"write units per heartbeat: {md['wu_per_heartbeat']:.2f} (target <= 2); "
          f"$ per namespace-month at 1,000: {at_1000['total']:.3f} on-demand, "
          f"{at_1000['total_provisioned']:.3f} provisioned (target <= 0.20)")
    if args.write_readme:
        write_readme(text)
        if not args.load:
            MEASUREMENT.write_text(json.dumps(m, indent=4) + "\n")
    if not math.isfinite(md["wu_per_heartbeat"]):
        raise SystemExit("no heartbeat was measured")


if __name__ == "__main__":
    main()
