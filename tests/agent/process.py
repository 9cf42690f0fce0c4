"""The real agent as a child process (``python -m agent run --simulate DIR``)
with the parameters a user copies from the Installation tab, for the
end-to-end tests and the benchmarks."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ONE = "/clusters/{cluster_id}/namespaces/{namespace}"


def wait_for(check, seconds: float, what: str, interval: float = 0.2):
    """``check()``'s first truthy value; fails naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")
        time.sleep(interval)


def installation_parameters(api, where: dict) -> dict:
    resp = api.get(ONE + "/installation", **where)
    assert resp.status_code == 200, resp.text
    return resp.json()["parameters"]


class AgentProcess:
    """One run of the agent; its log (stderr) goes to DIR/../<name>.log, not a
    pipe, so a long run never blocks on a full pipe."""

    def __init__(self, params: dict, directory: Path, *args: str, name: str = "agent",
                 env: dict | None = None):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.log_path = self.directory.parent / f"{self.directory.name}-{name}.log"
        env = {"PATH": os.environ["PATH"], "PYTHONUNBUFFERED": "1",
               "CM_API_URL": params["api_url"], "CM_NAMESPACE_ID": params["namespace_id"],
               "CM_AGENT_SECRET": params["agent_secret"], **(env or {})}
        self._log = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "agent", "run", "--simulate", str(self.directory), *args],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self._log)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait(self, timeout: float) -> int:
        return self.proc.wait(timeout=timeout)

    def kill(self) -> None:
        """SIGKILL: no goodbye, like a node that dies."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.proc.wait(10)

    def close(self) -> None:
        self.stop()
        self._log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def fault(directory: Path, *args: str) -> dict:
    """``python -m agent fault --simulate DIR …``; the faults now in effect."""
    out = subprocess.run([sys.executable, "-m", "agent", "fault", "--simulate", str(directory),
                          *args], cwd=ROOT, capture_output=True, text=True, timeout=30,
                         env={"PATH": os.environ["PATH"]})
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)
