"""A throwaway PostgreSQL server for the local stack and the tests.

Debian's server binaries (``/usr/lib/postgresql/<version>/bin``) run a
cluster in a folder of its own (``.local/postgres`` for ``make run``, a
temporary folder for tests), listening on 127.0.0.1 only.  PostgreSQL
refuses to run as root, so as root the server runs as the ``postgres``
user.  The superuser ``postgres`` gets a random password (kept in the
folder, mode 0600) and password authentication over TCP, so a plan with the
wrong password fails as it would on a real server.  Durability is traded
for speed (fsync off): the data is throwaway by design.
"""
import glob
import os
import pwd
import secrets
import shutil
import subprocess
import time
from pathlib import Path

START_SECONDS = 30
INSTALL_HINT = "apt-get install -y postgresql  (as root; Debian's PostgreSQL server binaries)"


def bin_dir() -> Path:
    """The newest installed server's binaries, or a RuntimeError saying how to install."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))
    if not found:
        raise RuntimeError(f"PostgreSQL's server binaries are not installed; run: {INSTALL_HINT}")
    return Path(found[-1]).parent


def _run_as() -> dict:
    """Keyword arguments that make a child run as ``postgres`` when we are root."""
    if os.geteuid() != 0:
        return {}
    try:
        user = pwd.getpwnam("postgres")
    except KeyError:
        raise RuntimeError("running as root, and there is no 'postgres' user to run the "
                           f"server as; run: {INSTALL_HINT}") from None
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


class LocalPostgres:
    def __init__(self, folder: Path, port: int):
        self.folder, self.port = Path(folder), port
        self.data = self.folder / "data"
        self.password_file = self.folder / "password"
        self.log = self.folder / "server.log"
        self.user = "postgres"

    @property
    def password(self) -> str:
        return self.password_file.read_text().strip()

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/postgres"

    def _chown(self, path: Path) -> None:
        run_as = _run_as()
        if run_as:
            os.chown(path, run_as["user"], run_as["group"])

    def _reachable(self) -> None:
        """As root, the server's user must be able to pass through every folder
        above its data (a private temporary folder may have lost that since)."""
        if os.geteuid() != 0:
            return
        for parent in self.folder.parents:
            if parent.exists() and parent.stat().st_mode & 0o001 == 0:
                parent.chmod(parent.stat().st_mode | 0o001)

    def init(self) -> None:
        """A new cluster, unless the folder already holds one."""
        if (self.data / "PG_VERSION").exists():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o755)  # the postgres user must reach its data folder
        self._reachable()
        shutil.rmtree(self.data, ignore_errors=True)
        self.data.mkdir(mode=0o700)
        self._chown(self.data)
        fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(18) + "\n")
        pwfile = self.folder / "initdb-password"  # readable by the server's user, then removed
        pwfile.write_text(self.password + "\n")
        pwfile.chmod(0o600)
        self._chown(pwfile)
        try:
            subprocess.run([str(bin_dir() / "initdb"), "-D", str(self.data), "-U", self.user,
                            f"--pwfile={pwfile}", "--auth-local=trust",
                            "--auth-host=scram-sha-256", "--encoding=UTF8", "--no-sync",
                            "--no-instructions"],
                           check=True, capture_output=True, text=True, timeout=120, **_run_as())
        except subprocess.CalledProcessError as exc:
            raise RuntimeError(f"initdb failed: {exc.stderr.strip() or exc.stdout.strip()}") from None
        finally:
            pwfile.unlink(missing_ok=True)

    def start(self) -> "LocalPostgres":
        self.init()
        self._reachable()
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=200")
        done = subprocess.run([str(bin_dir() / "pg_ctl"), "-D", str(self.data), "-l",
                               str(self.data / "server.log"), "-o", options, "-w", "-t",
                               str(START_SECONDS), "start"],
                              capture_output=True, text=True, timeout=START_SECONDS + 10,
                              **_run_as())
        if done.returncode != 0:
            tail = (self.data / "server.log").read_text(errors="replace")[-2000:] if (
                self.data / "server.log").exists() else ""
            raise RuntimeError(f"PostgreSQL did not start on 127.0.0.1:{self.port}: "
                               f"{done.stderr.strip() or done.stdout.strip()}\n{tail}")
        return self

    def stop(self) -> None:
        if not (self.data / "postmaster.pid").exists():
            return
        self._reachable()
        subprocess.run([str(bin_dir() / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                        "-w", "stop"], capture_output=True, timeout=60, **_run_as())

    def running(self) -> bool:
        done = subprocess.run([str(bin_dir() / "pg_ctl"), "-D", str(self.data), "status"],
                              capture_output=True, timeout=30, **_run_as())
        return done.returncode == 0


def wait_connectable(url: str, seconds: float = 10) -> None:
    import psycopg

    deadline = time.monotonic() + seconds
    while True:
        try:
            psycopg.connect(url, connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
