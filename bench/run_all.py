"""Run every bench/bench_*.py in turn (or those named on the command line) and print figures."""

from __future__ import annotations

import runpy
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def main() -> int:
    wanted = set(sys.argv[1:])
    failed = []
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if wanted and name not in wanted:
            continue
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        try:
            module = runpy.run_path(str(path), run_name="bench")
            module["main"]()
        except Exception as exc:  # report and go on: one broken benchmark should not hide others
            failed.append(name)
            print(f"!! {name} failed: {type(exc).__name__}: {exc}", flush=True)
        print(f"({name}: {time.perf_counter() - started:.1f} s)", flush=True)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
