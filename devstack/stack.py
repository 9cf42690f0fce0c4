"""Start and stop the whole local stack as child processes.

Used by ``make run`` (``python -m devstack run``) and by the test fixtures, so
the tests exercise exactly what a developer runs.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from devstack import issuer

ROOT = Path(__file__).resolve().parent.parent
STAGE = "dev"


def stage_env(stage: str = STAGE) -> dict:
    """The stage's environment variables from .chalice/config.json (the same
    ones Lambda gets in AWS, with local resource names)."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    env = dict(config.get("environment_variables", {}))
    env.update(config["stages"][stage].get("environment_variables", {}))
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def wait_http(url: str, seconds: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{proc.args[2] if len(proc.args) > 2 else proc.args} exited "
                               f"with {proc.returncode} while starting")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status < 500:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")


class Stack:
    def __init__(self, *, api_port: int = 8000, aws_port: int = 5000, issuer_port: int = 0,
                 console_port: int = 0, console_poll_seconds: float = 5,
                 state_dir: Path | None = None, reload: bool = False,
                 log_dir: Path | None = None, extra_env: dict | None = None,
                 pg_port: int | None = None):
        self.api_port = api_port
        self.pg_port = pg_port  # None: no PostgreSQL server
        self.aws_port = aws_port
        self.issuer_port = issuer_port  # 0: a free port
        self.console_port = console_port or free_port()  # 0: a free port
        self.console_poll_seconds = console_poll_seconds
        self.state_dir = Path(state_dir or ROOT / ".local")
        self.reload = reload
        self.log_dir = log_dir  # None: children write to this terminal
        self.extra_env = extra_env or {}
        self.procs: list[subprocess.Popen] = []
        self._logs = []
        self._issuer: issuer.IssuerServer | None = None
        self._console = None
        self.postgres = None

    # --- addresses and environment --------------------------------------
    @property
    def aws_url(self) -> str:
        return f"http://127.0.0.1:{self.aws_port}"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def console_url(self) -> str:
        return f"http://127.0.0.1:{self.console_port}"

    @property
    def issuer_url(self) -> str:
        """The dev issuer's URL, which is also the ``iss`` of its tokens."""
        if self._issuer is not None:
            return self._issuer.url
        return issuer.local_url(self.issuer_port)

    @property
    def pidfile(self) -> Path:
        return self.state_dir / f"stack-{self.aws_port}.pids"

    def env(self) -> dict:
        """Environment for every process of the stack (and for tests)."""
        env = dict(os.environ)
        env.update(stage_env())
        env.update({
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": self.aws_url,
            "MOTO_PORT": str(self.aws_port),  # moto's Step Functions call back here
            "JWT_ISSUER": self.issuer_url,
            "JWT_JWKS_URL": self._issuer.jwks_url if self._issuer else "",
            "API_URL": self.api_url,
            # the console: the API's CORS origin, and where invitation links point
            "CONSOLE_ORIGIN": self.console_url, "CONSOLE_URL": self.console_url,
            "PYTHONUNBUFFERED": "1",
        })
        env.pop("AWS_PROFILE", None)
        env.update(self.extra_env)
        return env

    # --- lifecycle --------------------------------------------------------
    def start(self, progress=print) -> "Stack":
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._reap_leftovers(progress)
        if self.pg_port:
            from devstack.postgres import LocalPostgres

            self.postgres = LocalPostgres(self.state_dir / "postgres", self.pg_port)
            self.postgres.stop()  # one left running by a crashed earlier run
        for port, name in ((self.aws_port, "AWS_PORT"), (self.api_port, "API_PORT"),
                           (self.issuer_port, "ISSUER_PORT"), (self.console_port, "CONSOLE_PORT"),
                           (self.pg_port, "PG_PORT")):
            if port and not port_free(port):
                raise RuntimeError(
                    f"port {port} on 127.0.0.1 is already in use by another program; "
                    f"stop it or pick another port, e.g. make run {name}={port + 1}")
        self._issuer = issuer.IssuerServer(
            self.state_dir, port=self.issuer_port, client_id=stage_env()["JWT_AUDIENCE"],
            console_origins=(self.console_url,))
        from devstack.console import ConsoleServer

        self._console = ConsoleServer(port=self.console_port, api_url=self.api_url,
                                      issuer_url=self.issuer_url,
                                      client_id=stage_env()["JWT_AUDIENCE"],
                                      poll_seconds=self.console_poll_seconds)
        env = self.env()
        try:
            progress(f"starting the AWS stand-in (moto) on {self.aws_url} …")
            moto = self._spawn("moto", [sys.executable, "-m", "devstack.moto_server", "-H", "127.0.0.1",
                                        "-p", str(self.aws_port)], env, quiet=True)
            wait_http(f"{self.aws_url}/moto-api/data.json", 60, moto)
            self._configure_moto()
            if self.postgres is not None:
                progress(f"starting PostgreSQL on 127.0.0.1:{self.pg_port} (admin URL: "
                         "make -s pg-url) …")
                self.postgres.start()
            progress("creating tables, queues and state machines …")
            from infra import local

            local.bootstrap(env)
            progress(f"starting the API (chalice local) on {self.api_url} …")
            chalice_cmd = [sys.executable, "-m", "devstack.chalice_local", "local", "--host", "127.0.0.1",
                           "--port", str(self.api_port), "--stage", STAGE]
            if not self.reload:
                chalice_cmd.append("--no-autoreload")
            api = self._spawn("api", chalice_cmd, env)
            progress("starting the event runner (queues and schedules → handlers) …")
            self._spawn("runner", [sys.executable, "-m", "devstack", "runner"], env)
            wait_http(f"{self.api_url}/openapi.json", 90, api)
        except BaseException:
            self.stop()
            raise
        return self

    def _configure_moto(self) -> None:
        request = urllib.request.Request(
            f"{self.aws_url}/moto-api/config",
            data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode(),
            headers={"Content-Type": "application/json"}, method="POST")
        urllib.request.urlopen(request, timeout=10).read()

    def _spawn(self, name: str, cmd: list, env: dict, quiet: bool = False) -> subprocess.Popen:
        if self.log_dir is not None or quiet:
            log_dir = self.log_dir or self.state_dir
            log_dir.mkdir(parents=True, exist_ok=True)
            out = open(log_dir / f"{name}-{self.aws_port}.log", "ab")
            self._logs.append(out)
            kwargs = {"stdout": out, "stderr": subprocess.STDOUT}
        else:
            kwargs = {}
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True,
                                stdin=subprocess.DEVNULL, **kwargs)
        self.procs.append(proc)
        self.pidfile.write_text("\n".join(str(p.pid) for p in self.procs))
        return proc

    def _reap_leftovers(self, progress) -> None:
        """After a crash, the previous run's processes may still hold the ports."""
        if not self.pidfile.exists():
            return
        for line in self.pidfile.read_text().split():
            pid = int(line)
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"moto" in cmdline or b"chalice" in cmdline or b"devstack" in cmdline:
                progress(f"stopping process {pid} left over from an earlier run …")
                _kill_group(pid)
        self.pidfile.unlink(missing_ok=True)

    def failed(self) -> str | None:
        for proc in self.procs:
            if proc.poll() is not None:
                return f"{' '.join(map(str, proc.args[:4]))} exited with {proc.returncode}"
        return None

    def stop(self) -> None:
        for proc in reversed(self.procs):
            _kill_group(proc.pid, proc)
        self.procs.clear()
        if self._console is not None:
            self._console.close()
            self._console = None
        if self.postgres is not None:
            self.postgres.stop()
        if self._issuer is not None:
            self._issuer.close()
            self._issuer = None
        for out in self._logs:
            out.close()
        self._logs.clear()
        self.pidfile.unlink(missing_ok=True)


def _kill_group(pid: int, proc: subprocess.Popen | None = None) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        return
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if proc is not None:
            if proc.poll() is not None:
                break
        else:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
        time.sleep(0.05)
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if proc is not None:
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
