"""One synthesis of the CDK app per test session (``infra/app.py`` in a child
process, exactly as ``make synth`` runs it), shared by every infra test.

The context turns on the optional parts (alarm e-mail, invitation sender) so
their resources are checked too; the Cognito user pool is the default path.
"""
import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MISSING = [name for name in ("aws_cdk", "constructs", "cdk_nag", "cfnlint")
           if importlib.util.find_spec(name) is None]

CONTEXT = {"stage": "test", "alarm_email": "ops@example.com",
           "mail_from": "no-reply@example.com", "console_url": "https://console.example.com"}
STAGE = CONTEXT["stage"]
PREFIX = f"cluster-manager-{STAGE}-"


def pytest_collection_modifyitems(config, items):
    if not MISSING:
        return
    skip = pytest.mark.skip(reason=f"requirements-infra.txt is not installed (missing: "
                                   f"{', '.join(MISSING)}); `make test` installs it")
    for item in items:
        if "tests/infra" in str(item.fspath).replace("\\", "/"):
            item.add_marker(skip)


class Assembly:
    """The synthesized cloud assembly: templates by stack name, and helpers."""

    def __init__(self, outdir: Path, seconds: float, log: str):
        self.outdir = outdir
        self.seconds = seconds
        self.log = log
        manifest = json.loads((outdir / "manifest.json").read_text())
        self.templates = {}
        for name, artifact in manifest["artifacts"].items():
            if artifact["type"] == "aws:cloudformation:stack":
                file = outdir / artifact["properties"]["templateFile"]
                self.templates[name] = json.loads(file.read_text())
        self.data = next(t for n, t in self.templates.items() if n.endswith("-Data"))
        self.api = next(t for n, t in self.templates.items() if n.endswith("-Api"))
        self.console = next(t for n, t in self.templates.items() if n.endswith("-Console"))

    @staticmethod
    def resources(template: dict, type_: str) -> dict:
        return {k: v for k, v in template["Resources"].items() if v["Type"] == type_}

    def functions(self) -> dict:
        """SAM functions by their Python handler (``app`` is the REST API)."""
        return {r["Properties"]["Handler"].split(".", 1)[1]: (logical_id, r)
                for logical_id, r in self.resources(self.api, "AWS::Serverless::Function").items()}

    def logical_id_of(self, ref: dict) -> str:
        if "Fn::GetAtt" in ref:
            return ref["Fn::GetAtt"][0]
        return ref["Ref"]


@pytest.fixture(scope="session")
def assembly(tmp_path_factory) -> Assembly:
    outdir = tmp_path_factory.mktemp("cdk") / "cdk.out"
    args = [sys.executable, str(ROOT / "infra" / "app.py"), "--outdir", str(outdir)]
    for key, value in CONTEXT.items():
        args += ["-c", f"{key}={value}"]
    started = time.monotonic()
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)
    seconds = time.monotonic() - started
    assert out.returncode == 0, f"synthesis failed:\n{out.stdout}\n{out.stderr[-8000:]}"
    return Assembly(outdir, seconds, out.stdout + out.stderr)
