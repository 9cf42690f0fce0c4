"""Disconnect detection and reconnection at the default settings (docs/liveness.md).

Its own local stack with the defaults: 30 s heartbeat, the sweep schedule
every 60 s with liveness passes every 15 s.  One namespace, its agent in
simulate mode.

- ``--runs`` times: wait a random part of a heartbeat interval after the
  namespace's last heartbeat, SIGKILL the agent, and time from its last
  heartbeat (``last_seen``) to ``disconnected``; then start it again and time
  from the start to ``connected``.
- Heartbeats late, not absent: SIGSTOP the agent right after a heartbeat and
  SIGCONT it 40 s later (its next heartbeat 10 s late), and 60 s later (one
  heartbeat never sent); the namespace must stay ``connected`` throughout.

Target: worst case <= 100 s; reconnect within one heartbeat; no false
disconnect.  Takes about 3 minutes per run.

    python bench/liveness.py [--runs 5]
"""
import argparse
import random
import signal
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chalicelib import clock  # noqa: E402

TARGET_S = 100


def parse(ts: str) -> float:
    return clock.parse_iso(ts).timestamp()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    from bench.common import connected_namespace
    from tests.agent.process import AgentProcess, wait_for

    with connected_namespace({}) as (http, ns, directory):
        namespace = http.get(ns).json()
        heartbeat = namespace.get("heartbeat_seconds", 30)
        params = http.get(f"{ns}/installation").json()["parameters"]
        print(f"heartbeat {heartbeat} s; {args.runs} runs", flush=True)

        def state():
            return http.get(ns).json()

        def next_beat(after: str | None, timeout: float = 3 * heartbeat) -> str:
            """Block until last_seen moves past ``after``; returns it."""
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                seen = state().get("last_seen")
                if seen and seen != after:
                    return seen
                time.sleep(0.1)
            raise RuntimeError("no heartbeat arrived")

        # the delayed-heartbeat runs first, on the agent connected_namespace started
        restarted = []
        for stop_s, what in ((heartbeat + 10, "one heartbeat 10 s late"),
                             (2 * heartbeat, "one heartbeat never sent")):
            pid = _agent_pid(directory)
            seen = next_beat(state().get("last_seen"))
            _signal(pid, signal.SIGSTOP)
            stopped = time.monotonic()
            worst = "connected"
            while time.monotonic() - stopped < stop_s:
                status = state()["status"]
                worst = status if status != "connected" else worst
                time.sleep(0.5)
            _signal(pid, signal.SIGCONT)
            after = next_beat(seen)
            gap = parse(after) - parse(seen)
            end = time.monotonic() + 2 * heartbeat
            while time.monotonic() < end:  # and a while after
                status = state()["status"]
                worst = status if status != "connected" else worst
                time.sleep(0.5)
            print(f"{what}: {gap:.1f} s between heartbeats, status stayed "
                  f"{'connected' if worst == 'connected' else worst.upper() + ' (FALSE DISCONNECT)'}",
                  flush=True)

        detections, from_kill, reconnects = [], [], []
        for run in range(args.runs):
            pid = _agent_pid(directory)
            seen = next_beat(state().get("last_seen"))
            time.sleep(rng.uniform(0, heartbeat - 1))  # a random point of the cycle
            _signal(pid, signal.SIGKILL)
            killed = time.time()
            wait_for(lambda: state()["status"] == "disconnected", 4 * heartbeat + 60,
                     "disconnected")
            found = time.time()
            last = parse(state()["last_seen"])
            detections.append(found - last)
            from_kill.append(found - killed)
            started = time.monotonic()
            restarted.append(AgentProcess(params, directory))
            wait_for(lambda: state()["status"] == "connected", 2 * heartbeat, "connected")
            reconnects.append(time.monotonic() - started)
            print(f"run {run + 1}: killed {killed - parse(seen):4.1f} s after a heartbeat; "
                  f"disconnected {detections[-1]:5.1f} s after the last heartbeat "
                  f"({from_kill[-1]:5.1f} s after the kill); reconnected {reconnects[-1]:.1f} s "
                  "after the restart", flush=True)
        for proc in restarted:
            proc.close()
        print()
        print(f"detection (last heartbeat -> disconnected): max {max(detections):.1f} s, "
              f"median {statistics.median(detections):.1f} s over {len(detections)} runs "
              f"(target <= {TARGET_S} s)")
        print(f"reconnect (agent start -> connected): max {max(reconnects):.1f} s, "
              f"median {statistics.median(reconnects):.1f} s (target <= {heartbeat} s)")


def _agent_pid(directory: Path) -> int:
    """The running agent serving ``directory`` (its command line names it)."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"agent" in cmd and str(directory).encode() in cmd:
            return int(proc.name)
    raise RuntimeError(f"no agent process for {directory}")


def _signal(pid: int, sig) -> None:
    import os

    os.kill(pid, sig)


if __name__ == "__main__":
    main()
