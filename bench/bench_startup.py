"""Start-up benchmark: `wms-terminal --help` and a cold start of `run` to the sign-in screen.

Each figure is a fresh process, started again and again (like hyperfine): `--help` runs to its
exit; `run` starts on a pseudo-terminal (80x24) on a migrated SQLite file and is timed until the
sign-in prompt has been drawn on that terminal, then ended. Prints min, median and max wall
seconds, and the CPU seconds of the `--help` runs (what a busy machine does not inflate).
Targets: --help <= 0.3 s, sign-in screen <= 0.5 s.

    .venv/bin/python bench/bench_startup.py [RUNS]
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _setup import scratch_sqlite
from _terminal import PtyApp

CLI = str(Path(sys.executable).with_name("wms-terminal"))
SIGN_IN_PROMPT = "Scan your badge"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench_help(runs: int) -> tuple[list[float], list[float]]:
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        c0, t0 = _children_cpu(), time.perf_counter()
        subprocess.run([CLI, "--help"], check=True, stdout=subprocess.DEVNULL)
        wall.append(time.perf_counter() - t0)
        cpu.append(_children_cpu() - c0)
    return wall, cpu


def bench_sign_in(runs: int, url: str, data_dir: str) -> tuple[list[float], list[float]]:
    """Wall seconds to the sign-in prompt; CPU seconds of the process, ended right after it."""
    times: list[float] = []
    cpu: list[float] = []
    env = {"WMS_DATABASE_URL": url, "XDG_DATA_HOME": data_dir}
    for _ in range(runs):
        c0 = _children_cpu()
        with PtyApp([CLI, "run"], env=env) as app:
            times.append(app.wait_for(SIGN_IN_PROMPT))
        cpu.append(_children_cpu() - c0)
    return times, cpu


def _line(label: str, values: list[float], target: float) -> str:
    med = statistics.median(values)
    verdict = "ok" if med <= target else "OVER"
    return (
        f"{label:34} min {min(values):5.3f}  median {med:5.3f}  max {max(values):5.3f} s"
        f"   (target {target} s: {verdict})"
    )


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    db = scratch_sqlite("startup")
    url = db.engine.url.render_as_string(hide_password=False)
    db.dispose()
    data_dir = str(Path(url.removeprefix("sqlite:///")).parent)
    load = os.getloadavg()[0]
    print(f"{runs} runs each; load average {load:.1f} on {os.cpu_count()} CPUs")
    subprocess.run([CLI, "--help"], check=True, stdout=subprocess.DEVNULL)  # warm the file cache
    wall, cpu = bench_help(runs)
    print(_line("wms-terminal --help", wall, 0.3))
    print(f"{'  CPU (user + system)':34} median {statistics.median(cpu):5.3f} s")
    bench_sign_in(1, url, data_dir)  # warm the file cache
    wall, cpu = bench_sign_in(runs, url, data_dir)
    print(_line("wms-terminal run -> sign-in screen", wall, 0.5))
    print(f"{'  CPU (user + system)':34} median {statistics.median(cpu):5.3f} s")


if __name__ == "__main__":
    main()
