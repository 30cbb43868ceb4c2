"""`wms-terminal orders` commands."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Filled in by the issue that builds this command family."""
