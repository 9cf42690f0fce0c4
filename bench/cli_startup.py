"""CLI start-up: ``cluster-manager --help`` in fresh processes (the console
script from the venv, as a user runs it).  Target: median under 150 ms.
Also shows ``python -c pass`` (the interpreter alone) for scale, and the CPU
time (user + system) of each child, which a busy machine inflates less than
the wall-clock time.

    python bench/cli_startup.py [--runs 21]
"""
import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

EXE = Path(sys.executable).parent / "cluster-manager"


def sample(argv: list[str], cpu: list | None = None) -> float:
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    took = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return took


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    runs = parser.parse_args().runs
    if not EXE.exists():
        sys.exit(f"{EXE} is missing: run `make` (or {sys.executable} -m pip install -e cli/)")
    sample([str(EXE), "--help"])  # warm the page cache once
    cli, bare, cli_cpu, bare_cpu = [], [], [], []
    for _ in range(runs):  # interleaved, so load on the machine hits both alike
        cli.append(sample([str(EXE), "--help"], cli_cpu))
        bare.append(sample([sys.executable, "-c", "pass"], bare_cpu))
    ms = lambda values: statistics.median(values) * 1000  # noqa: E731
    median = ms(cli)
    print(f"cluster-manager --help: median {median:.0f} ms wall over {runs} fresh processes "
          f"(min {min(cli) * 1000:.0f}, max {max(cli) * 1000:.0f}), median CPU "
          f"{ms(cli_cpu):.0f} ms; python -c pass: median {ms(bare):.0f} ms wall, "
          f"{ms(bare_cpu):.0f} ms CPU; target < 150 ms: {'met' if median < 150 else 'NOT met'}")


if __name__ == "__main__":
    main()
