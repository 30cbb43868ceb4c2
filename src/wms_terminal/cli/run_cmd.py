"""`wms-terminal run`: open the terminal app."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    run = sub.add_parser("run", parents=[common], help="open the terminal app")
    run.add_argument(
        "--demo",
        action="store_true",
        help="use the demo warehouse (built on first use) unless --database is given",
    )
    run.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    raise NotImplementedError
