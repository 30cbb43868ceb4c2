"""`wms-terminal pack --headless [--badge B [--pin P | --pin-file F]] [--role R] [--warehouse W]`:
pack by lines on stdin, JSON lines on stdout (docs/headless.md). The PIN as for `pick`."""

from __future__ import annotations

import argparse

from wms_terminal.cli.pick_cmd import add_driver_arguments, run_driver


def register(pack: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    pack.description = (
        "Pack with the same flow as the packer's screen. --headless reads one scan per line "
        "on stdin (a weight keyed as a number: grams, or kilograms with a decimal point or kg) "
        "and writes one JSON object per line on stdout; see docs/headless.md."
    )
    add_driver_arguments(pack)
    pack.set_defaults(handler=_pack)


def _pack(args: argparse.Namespace) -> int:
    from wms_terminal.headless.packer import PackerDriver

    return run_driver(args, PackerDriver, "packer")
