"""Run every bench/bench_*.py in turn (or those named on the command line) and print figures.

Each benchmark runs as its own process (`python bench/bench_X.py`), exactly as when started by
hand: its module is `__main__`, so worker processes (the 16-terminal run uses multiprocessing)
can import their target, and one benchmark's engines, threads or memory never reach the next.

    .venv/bin/python bench/run_all.py [NAME ...]      # e.g. picking sqlite_waits
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def main() -> int:
    wanted = set(sys.argv[1:])
    names = {path.stem.removeprefix("bench_"): path for path in sorted(HERE.glob("bench_*.py"))}
    unknown = wanted - set(names)
    if unknown:
        print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; known: {', '.join(names)}")
        return 2
    failed = []
    for name, path in names.items():
        if wanted and name not in wanted:
            continue
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        # One broken benchmark is reported and the others still run.
        code = subprocess.call([sys.executable, str(path)], cwd=HERE.parent)
        if code != 0:
            failed.append(name)
            print(f"!! {name} failed (exit code {code})", flush=True)
        print(f"({name}: {time.perf_counter() - started:.1f} s)", flush=True)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
