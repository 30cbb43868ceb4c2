"""Argument types the commands share (argparse `type=`): a bad value is refused by argparse with
the message here and the usage line, before anything is read or changed."""

from __future__ import annotations

import argparse
from datetime import date


def iso_date(text: str) -> date:
    """A calendar day written YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text[:20]!r}") from None
