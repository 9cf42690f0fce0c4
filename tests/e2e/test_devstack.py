"""`make run`'s launcher: prints where things are, stops everything on Ctrl-C,
and starts again after a crash that left its children running."""
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
import requests

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


def launch(tmp_path, api_port, aws_port, console_port, pg_port):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "JWT_"))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "devstack", "run", "--api-port", str(api_port), "--aws-port",
         str(aws_port), "--console-port", str(console_port), "--issuer-port", "0",
         "--pg-port", str(pg_port), "--state-dir", str(tmp_path), "--no-reload"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)
    lines = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "Press Ctrl-C" in line:
            return proc, "".join(lines)
    proc.kill()
    raise AssertionError("the stack did not come up:\n" + "".join(lines))


def children_of(pidfile: Path) -> list[int]:
    return [int(p) for p in pidfile.read_text().split()] if pidfile.exists() else []


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]


def test_ctrl_c_stops_everything_and_a_crash_is_recovered():
    # not pytest's tmp_path: its root is private (0700), and the PostgreSQL server
    # runs as the postgres user, which must reach its folder
    tmp_path = Path(tempfile.mkdtemp(prefix="cm-devstack-"))
    api_port, aws_port, console_port, pg_port = free_port(), free_port(), free_port(), free_port()
    proc, banner = launch(tmp_path, api_port, aws_port, console_port, pg_port)
    assert f"http://127.0.0.1:{api_port}" in banner and "make token" in banner
    assert f"Console:        http://127.0.0.1:{console_port}" in banner
    page = requests.get(f"http://127.0.0.1:{console_port}/", timeout=10)
    assert page.status_code == 200 and "<title>" in page.text
    pids = children_of(tmp_path / f"stack-{aws_port}.pids")
    assert len(pids) == 3 and all(alive(p) for p in pids)
    assert requests.get(f"http://127.0.0.1:{api_port}/openapi.json", timeout=10).status_code == 200

    # a crash: the launcher dies without cleaning up; its children keep the ports
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert any(alive(p) for p in pids)
    proc, banner = launch(tmp_path, api_port, aws_port, console_port, pg_port)
    assert "left over" in banner
    assert not any(alive(p) for p in pids)
    assert requests.get(f"http://127.0.0.1:{api_port}/openapi.json", timeout=10).status_code == 200
    # the PostgreSQL server for postgres plans, and its admin URL as `make -s pg-url` prints it
    url = subprocess.run([sys.executable, "-m", "devstack", "pg-url", "--pg-port", str(pg_port),
                          "--state-dir", str(tmp_path)], cwd=ROOT, capture_output=True,
                         text=True, timeout=30).stdout.splitlines()[-1]
    assert url.startswith("postgresql://postgres:") and url.endswith(f"@127.0.0.1:{pg_port}/postgres")
    psycopg.connect(url).close()

    # Ctrl-C: everything it started stops
    pids = children_of(tmp_path / f"stack-{aws_port}.pids")
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 0
    deadline = time.monotonic() + 10
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(p) for p in pids)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2).close()
