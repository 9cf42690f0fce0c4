"""``python -m agent``: help, flags, environment variables, exit codes."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agent import cli

ROOT = Path(__file__).resolve().parents[2]
ENV = {"CM_API_URL": "https://cm.example.com/api", "CM_NAMESPACE_ID": "01jns",
       "CM_AGENT_SECRET": "cma_env"}


def agent(*args, env=None, **kwargs):
    return subprocess.run([sys.executable, "-m", "agent", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=30, env={"PATH": os.environ["PATH"], **(env or {})},
                          **kwargs)


def test_help_names_every_option_its_variable_and_the_exit_codes():
    top = agent("--help")
    assert top.returncode == 0 and "run" in top.stdout
    run = agent("run", "--help")
    assert run.returncode == 0
    for text in ("--api-url", "--namespace-id", "--secret", "--heartbeat-seconds", "--simulate",
                 "CM_API_URL", "CM_NAMESPACE_ID", "CM_AGENT_SECRET", "CM_HEARTBEAT_SECONDS",
                 "3 credentials revoked or rotated"):
        assert text in run.stdout, text


def test_missing_parameters_exit_2_naming_flag_and_variable():
    out = agent("run", env={"CM_API_URL": "https://x"})
    assert out.returncode == 2
    assert "--namespace-id (or CM_NAMESPACE_ID)" in out.stderr
    assert "--secret (or CM_AGENT_SECRET)" in out.stderr
    assert "CM_API_URL)" not in out.stderr


def test_the_environment_supplies_what_flags_do_not():
    args = cli.parse(["run"], environ={**ENV, "CM_SIMULATE_DIR": "/tmp/sim"})
    assert (args.api_url, args.namespace_id, args.secret) == (
        "https://cm.example.com/api", "01jns", "cma_env")
    assert args.simulate == "/tmp/sim"
    assert args.heartbeat_seconds is None and args.heartbeat_fallback == 30


def test_flags_win_over_the_environment():
    args = cli.parse(["run", "--api-url", "http://flag", "--secret", "cma_flag",
                      "--heartbeat-seconds", "5"], environ={**ENV, "CM_HEARTBEAT_SECONDS": "45"})
    assert (args.api_url, args.namespace_id, args.secret) == ("http://flag", "01jns", "cma_flag")
    assert args.heartbeat_seconds == 5


def test_the_installed_heartbeat_is_only_a_fallback_for_the_sessions():
    args = cli.parse(["run"], environ={**ENV, "CM_HEARTBEAT_SECONDS": "45"})
    assert args.heartbeat_seconds is None and args.heartbeat_fallback == 45


@pytest.mark.parametrize("argv,environ", [
    (["run", "--heartbeat-seconds", "0"], ENV),
    (["run", "--heartbeat-seconds", "soon"], ENV),
    (["run"], {**ENV, "CM_HEARTBEAT_SECONDS": "-3"}),
])
def test_bad_heartbeats_exit_2(argv, environ, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.parse(argv, environ=environ)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "seconds" in err or "at least 1" in err


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_it_at_once_even_while_the_api_is_unreachable(sig):
    """The API is down (nothing listens on port 9): it keeps retrying with
    backoff, logs why, and a signal ends it quickly with exit code 0."""
    proc = subprocess.Popen([sys.executable, "-m", "agent", "run", "--api-url", "http://127.0.0.1:9"],
                            cwd=ROOT, stderr=subprocess.PIPE, text=True,
                            env={"PATH": os.environ["PATH"], **ENV})
    try:
        line = proc.stderr.readline() + proc.stderr.readline()
        assert "cannot open a session" in line and "retrying in" in line
        started = time.monotonic()
        proc.send_signal(sig)
        assert proc.wait(timeout=5) == 0
        assert time.monotonic() - started < 2
        rest = proc.stderr.read()
        assert f"stopping ({sig.name})" in rest
        assert "cma_env" not in line + rest  # the secret is never logged
    finally:
        proc.kill()
        proc.wait()


def test_record_timings_needs_a_simulation_directory(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.parse(["run", "--record-timings"], environ=ENV)
    assert exit_.value.code == 2 and "--record-timings needs --simulate" in capsys.readouterr().err
    args = cli.parse(["run", "--record-timings"], environ={**ENV, "CM_SIMULATE_DIR": "/tmp/s"})
    assert args.record_timings and args.simulate == "/tmp/s"
    assert "fault" in agent("--help").stdout and "--record-timings" in agent("run", "--help").stdout
