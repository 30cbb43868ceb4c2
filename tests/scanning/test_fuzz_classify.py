"""100,000 random and hostile scans through classify: no exception, a clear message for each."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from wms_terminal.scanning import Kind, classify
from wms_terminal.scanning.text import is_unsafe_char

HOSTILE = [
    "[@click=app.quit]",
    "[/]",
    "[bold red]x[/",
    "\x1b[2J\x1b[H",
    "\x1b]0;title\x07",
    "\x9b31m",
    "\x11",
    "\x15",
    "\x03",
    "\x00",
    "\u202eL-MAIN-03-17-2L",
    "\u2066T-MAIN-0042\u2069",
    "\u200bB-7Q4K9X2M",
    "\ufeffSO-0001234",
    "(01)",
    "]C1",
    "]d2\x1d",
    "01" * 300,
    "L-" * 400,
    "CMD-" + "\u0301" * 50,
    "\ud800",
    "https://id.gs1.org/01/",
    "0109504000059101\x1d10\x1d\x1d",
    "%s%n%x",
    "' OR 1=1 --",
    "https://id.gs1.org/01/09504000059101/10/%1B%5B2J",
    "https://id.gs1.org/01/09504000059101/10/%E2%80%AE",
    "(01)09504000059101(10)\x1b[2J",
    "0109504000059101" + "10\u202eLOT",
    "t-ma\u0131n-0042",
    "L-MAIN-\u0660\u0663-17-2L",
]
PIECES = [
    "L-MAIN-03-17-2L",
    "T-MAIN-0042",
    "B-7Q4K9X2M",
    "SO-0001234",
    "CMD-SHORT",
    "0109504000059101",
    "10LOT",
    "17250131",
    "\x1d",
    "00376104250021234569",
    "5901234123457",
    "(",
    ")",
    "[",
    "]",
    "-",
]


def _random_string(rng: random.Random) -> str:
    mode = rng.random()
    if mode < 0.25:
        return rng.choice(HOSTILE) + rng.choice(HOSTILE)
    if mode < 0.5:
        return "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 5)))
    if mode < 0.7:  # a valid-looking code with one character damaged
        s = list(rng.choice(PIECES[:10]))
        s[rng.randrange(len(s))] = chr(rng.randrange(0, 0x250))
        return "".join(s)
    if mode < 0.95:
        return "".join(chr(rng.randrange(0, 0x3000)) for _ in range(rng.randint(0, 40)))
    return "".join(chr(rng.randrange(0x20, 0x7F)) for _ in range(rng.randint(400, 2000)))


def test_hundred_thousand_hostile_scans_never_raise_and_always_explain() -> None:
    rng = random.Random(20240415)
    kinds = set(Kind)
    for _ in range(100_000):
        raw = _random_string(rng)
        symbology = rng.choice([None, None, "]C1", "]E0", "]d2", "]Q3", "]e0"])
        result = classify(raw, symbology)
        assert result.kind in kinds
        if result.kind in (Kind.INVALID, Kind.UNKNOWN):
            message = result.error
            assert message and 10 < len(message) < 160, (raw, message)
            # Nothing from the scan can act as markup or move the cursor in the message.
            assert "[" not in message and "]" not in message, (raw, message)
            assert not any(is_unsafe_char(c) for c in message), (raw, message)
        else:
            assert result.error is None
            for value in field_strings(result.to_json()["fields"]):
                assert not any(is_unsafe_char(c) for c in value if c != "\x1d"), (raw, value)
            if result.warning is not None:
                assert "[" not in result.warning and "]" not in result.warning
                assert not any(is_unsafe_char(c) for c in result.warning)


def field_strings(value: Any) -> Iterator[str]:
    """Every string in a JSON-ready value (keys too), walked recursively: the strings as they
    are, not their repr (which escapes every control character and so could never fail)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from field_strings(key)
            yield from field_strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from field_strings(item)


def test_the_field_walk_finds_what_repr_hides() -> None:
    fields = {"ai": {"10": "LOT\x1b[2J"}, "candidates": ["0", "\u202e1"]}
    assert not any(is_unsafe_char(c) for c in str(fields))  # the old check saw nothing
    found = [v for v in field_strings(fields) if any(is_unsafe_char(c) for c in v)]
    assert found == ["LOT\x1b[2J", "\u202e1"]
