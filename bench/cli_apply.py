"""``cluster-manager apply`` on the local stack: a file with 10 namespaces ×
4 plans (postgres with a password, MinIO with a secret key, two ephemeral),
plus ingress and one member each.  Measures the first apply (creates
everything), a second apply of the same file (reads only: no changes) and a
dry run after one password changed.  The CLI runs as a subprocess, as a
pipeline would run it.

    python bench/cli_apply.py [--namespaces 10]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import bearer_token, local_stack

EXE = Path(sys.executable).parent / "cluster-manager"


def cluster_file(namespaces: int) -> str:
    lines = ["cluster: bench-apply", "type: kubernetes", "namespaces:"]
    for i in range(namespaces):
        lines += [
            f"  - name: team-{i:02d}",
            "    configuration:",
            f"      ingress: {{type: ingress, domain: team-{i:02d}.apps.example.com, tls: true}}",
            "    plans:",
            "      - {name: pg, kind: database, type: postgres, host: db.example.com, port: 5432,",
            "         database: apps, user: mx, password_from_env: PG_PASSWORD}",
            "      - {name: minio, kind: storage, type: minio,",
            "         endpoint: 'https://minio.example.com',",
            "         access_key: AK, secret_key_from_env: MINIO_SECRET}",
            "      - {name: db-scratch, kind: database, type: ephemeral}",
            "      - {name: files-scratch, kind: storage, type: ephemeral}",
            "    members:",
            f"      - {{email: dev{i}@example.com, role: developer}}",
        ]
    return "\n".join(lines) + "\n"


def run(env: dict, *args) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run([str(EXE), *args], env=env, capture_output=True, text=True)
    took = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"cluster-manager {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return took, proc.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--namespaces", type=int, default=10)
    n = parser.parse_args().namespaces
    if not EXE.exists():
        sys.exit(f"{EXE} is missing: run `make` (or {sys.executable} -m pip install -e cli/)")
    work = Path(tempfile.mkdtemp(prefix="cm-bench-cli-"))
    path = work / "cluster.yaml"
    path.write_text(cluster_file(n))
    with local_stack() as stack:
        env = {"PATH": os.environ["PATH"], "HOME": str(work), "CM_CONFIG_DIR": str(work / "cfg"),
               "CM_CACHE_DIR": str(work / "cache"), "CM_API_URL": stack.api_url,
               "CM_TOKEN": bearer_token(stack), "PG_PASSWORD": "pw-1", "MINIO_SECRET": "mk-1"}
        first, out = run(env, "apply", "-f", str(path))
        second, again = run(env, "apply", "-f", str(path))
        assert "No changes" in again, again
        dry, plan = run({**env, "PG_PASSWORD": "pw-2"}, "apply", "-f", str(path), "--dry-run")
        assert plan.count("password: (changed)") == n, plan
    print(f"apply of {n} namespaces x 4 plans (+ ingress, 1 member each) on the local stack: "
          f"first apply {first:.1f} s ({out.count('done:')} writes), "
          f"second apply {second:.1f} s (no changes, no writes), "
          f"dry run after a password change {dry:.1f} s")


if __name__ == "__main__":
    main()
