"""Fault injection for the simulation: DIR/faults.json, read and counted
down at every provisioning attempt, edited by ``python -m agent fault``."""
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from agent import faults
from agent.commands import Task
from agent.executors import SimulateExecutor
from agent.session import Target

ROOT = Path(__file__).resolve().parents[2]
TARGET = Target("team-a", "kubernetes")


def fault_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "agent", "fault", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=30,
                          env={"PATH": os.environ["PATH"], **(env or {})})


def attempt(executor, n, step="database", type="provision"):
    return executor.run_task(Task(f"tok-{type}-{step}-{n}", type, step, "shop", n,
                                  {"database": {"name": "pg", "type": "ephemeral"},
                                   "storage": {"name": "s", "type": "ephemeral"}}), TARGET)


def test_no_file_injects_nothing(tmp_path):
    assert faults.take(tmp_path, step="database", operation="provision") == (None, None)
    assert not (tmp_path / "faults.json").exists()


def test_fail_next_fails_that_many_attempts_then_lets_them_through(tmp_path):
    executor = SimulateExecutor(tmp_path)
    faults.edit(tmp_path, fail_next=2, message="disk full on node-3")
    outcomes = [attempt(executor, n) for n in (1, 2, 3)]
    assert [o.ok for o in outcomes] == [False, False, True]
    assert outcomes[0].error == outcomes[1].error == "disk full on node-3"
    state = faults.read(tmp_path)
    assert state["fail_next"] == 0 and state["failures_injected"] == 2
    assert (tmp_path / "environments" / "shop" / "database.json").exists()


def test_the_default_message_names_the_step_and_the_tool(tmp_path):
    faults.edit(tmp_path, fail_next=1)
    outcome = attempt(SimulateExecutor(tmp_path), 1, step="storage", type="deprovision")
    assert not outcome.ok
    assert "storage could not be deprovisioned" in outcome.error
    assert "python -m agent fault" in outcome.error


def test_fail_always_fails_until_cleared_and_hang_comes_first(tmp_path):
    executor = SimulateExecutor(tmp_path)
    faults.edit(tmp_path, fail_always=True, hang_next=1, message="quota exceeded")
    first = attempt(executor, 1)
    assert first.answer is False  # the hang
    assert [attempt(executor, n).error for n in (2, 3, 4)] == ["quota exceeded"] * 3
    faults.edit(tmp_path, clear=True)
    assert attempt(executor, 5).ok
    state = faults.read(tmp_path)
    assert state["failures_injected"] == 3 and state["hangs_injected"] == 1  # counters survive


def test_a_broken_faults_file_injects_nothing_and_clear_repairs_it(tmp_path, caplog):
    (tmp_path / "faults.json").write_text("{half")
    assert attempt(SimulateExecutor(tmp_path), 1).ok
    assert "not valid JSON" in caplog.text
    out = fault_cli("--simulate", str(tmp_path), "--fail-next", "1")
    assert out.returncode == 1 and "--clear" in out.stderr
    out = fault_cli("--simulate", str(tmp_path), "--clear", "--fail-next", "1")
    assert out.returncode == 0 and json.loads(out.stdout)["fail_next"] == 1


def test_concurrent_attempts_and_edits_lose_nothing(tmp_path):
    """Eight threads take faults while the count is raised again and again:
    every injected failure is counted exactly once."""
    faults.edit(tmp_path, fail_next=40)
    taken = []

    def worker():
        for _ in range(25):
            taken.append(faults.take(tmp_path, step="database", operation="provision")[0])

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert taken.count(faults.FAIL) == 40 and taken.count(None) == 160
    assert faults.read(tmp_path)["fail_next"] == 0


def test_the_cli_edits_prints_and_documents(tmp_path):
    out = fault_cli("--simulate", str(tmp_path), "--fail-next", "2", "--message", "db down")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["fail_next"] == 2
    out = fault_cli("--simulate", str(tmp_path), "--hang-next", "1")
    shown = json.loads(out.stdout)
    assert (shown["fail_next"], shown["hang_next"], shown["message"]) == (2, 1, "db down")
    out = fault_cli(env={"CM_SIMULATE_DIR": str(tmp_path)})  # no options: show
    assert json.loads(out.stdout)["hang_next"] == 1
    out = fault_cli("--simulate", str(tmp_path), "--clear", "--fail-always")
    shown = json.loads(out.stdout)
    assert shown["fail_always"] is True and shown["fail_next"] == 0 and shown["message"] is None
    assert json.loads((tmp_path / "faults.json").read_text())["fail_always"] is True
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    help_ = fault_cli("--help").stdout
    for text in ("--fail-next", "--fail-always", "--hang-next", "--message", "--clear",
                 "faults.json", "attempt timeout"):
        assert text in help_, text


@pytest.mark.parametrize("args,words", [
    ([], "missing --simulate DIR (or CM_SIMULATE_DIR)"),
    (["--simulate", "x", "--fail-next", "-1"], "0 or more"),
    (["--simulate", "x", "--hang-next", "soon"], "whole number"),
])
def test_cli_mistakes_exit_2(args, words):
    out = fault_cli(*args)
    assert out.returncode == 2 and words in out.stderr
