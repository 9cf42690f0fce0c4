"""Fixtures for the CLI tests: the real ``cluster-manager`` executable from
the venv, run as a subprocess against the session's local stack, each test
with its own config and cache directories."""
import json
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli.proxy import RecordingProxy

EXE = Path(sys.executable).parent / "cluster-manager"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)

    def __str__(self):
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


class Cli:
    """``cli("clusters", "list", "-o", "json")`` → Result; never raises on a
    non-zero exit (tests assert the code)."""

    def __init__(self, home: Path, api_url: str, token: str | None):
        if not EXE.exists():
            pytest.fail(f"{EXE} is missing: run `make test` (it installs the CLI) or "
                        f"`{sys.executable} -m pip install -e cli/`")
        home.mkdir(parents=True, exist_ok=True)
        self.env = {"PATH": os.environ["PATH"], "HOME": str(home), "LANG": "C.UTF-8",
                    "CM_CONFIG_DIR": str(home / "config"), "CM_CACHE_DIR": str(home / "cache"),
                    "CM_API_URL": api_url}
        if token:
            self.env["CM_TOKEN"] = token
        self.home = home

    def __call__(self, *args, env: dict | None = None, input: str | None = None,
                 timeout: float = 120) -> Result:
        merged = {**self.env, **(env or {})}
        merged = {k: v for k, v in merged.items() if v is not None}
        proc = subprocess.run([str(EXE), *map(str, args)], env=merged, input=input,
                              capture_output=True, text=True, timeout=timeout,
                              stdin=None if input is not None else subprocess.DEVNULL)
        result = Result(proc.returncode, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr, str(result)
        return result

    def ok(self, *args, **kw) -> Result:
        result = self(*args, **kw)
        assert result.code == 0, str(result)
        return result


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def creator_email():
    return f"{unique('cli')}@example.com"


@pytest.fixture(scope="module")
def creator_token(mint, creator_email):
    return mint(creator_email)


@pytest.fixture(scope="module")
def cli(stack, creator_token, tmp_path_factory):
    """The CLI signed in (CM_TOKEN) as this module's creator."""
    return Cli(tmp_path_factory.mktemp("cli-home"), stack.api_url, creator_token)


@pytest.fixture(scope="module")
def proxy(stack):
    p = RecordingProxy(stack.api_url)
    yield p
    p.close()


@pytest.fixture(scope="module")
def via_proxy(proxy, creator_token, tmp_path_factory):
    """The CLI talking to the API through the recording proxy."""
    return Cli(tmp_path_factory.mktemp("cli-proxy-home"), proxy.url, creator_token)
