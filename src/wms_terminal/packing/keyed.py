"""A weight keyed in at the packing station (screen or headless driver)."""

from __future__ import annotations

import re

_WEIGHT = re.compile(r"\s*(\d{1,7}(?:[.,]\d{1,3})?)\s*(kg|g)?\s*", re.IGNORECASE)


def weight_grams(line: str) -> int | None:
    """A keyed weight in grams: "850" or "850g" grams, "0.85" or "0.85kg" kilograms."""
    m = _WEIGHT.fullmatch(line)
    if m is None:
        return None
    number, unit = m.group(1).replace(",", "."), (m.group(2) or "").lower()
    if unit == "kg" or (unit == "" and "." in number):
        return round(float(number) * 1000)
    if "." in number:
        return None  # fractions of a gram
    return int(number)
