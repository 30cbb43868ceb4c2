"""Scales at the packing station: a weight keyed in, or read from a serial scale.

`Scale.read_grams(timeout)` returns a stable weight in grams, or None when none came in time
(the packer keys it in instead). `SerialScale` reads a scale on a serial port (pyserial, an
optional dependency: `pip install pyserial`) that sends one reading per line, as most shipping
scales do in continuous mode or when polled (`poll`, e.g. b"S\\r\\n" for MT-SICS or b"W\\r\\n"):

    ST,GS,+  0.512kg        A&D / many OEM: ST stable, US unstable (skipped)
    S S      512 g          MT-SICS: "S S" stable, "S D" dynamic (skipped)
    +0001.25 lb             plain: a number and a unit (kg, g, lb, oz)

Unstable readings, negative weights (tare below zero) and lines that are no reading are
skipped; the last stable one within the timeout wins when it repeats (two equal readings in a
row), so a package still settling is not read half-way.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from wms_terminal.core.errors import ConfigurationError

_UNITS = {
    "kg": Decimal(1000),
    "g": Decimal(1),
    "lb": Decimal("453.59237"),
    "oz": Decimal("28.349523125"),
}
_READING = re.compile(r"([+-]?\s*\d+(?:\.\d+)?)\s*(kg|g|lb|oz)\b", re.IGNORECASE)
_UNSTABLE = re.compile(r"^\s*(US\b|S\s+D\b|.*\bMOTION\b)", re.IGNORECASE)
MAX_LINE = 64


@dataclass(frozen=True)
class Reading:
    grams: int
    stable: bool


def parse_reading(line: str) -> Reading | None:
    """One line from a scale, or None when it holds no weight."""
    if len(line) > MAX_LINE:
        return None
    m = _READING.search(line)
    if m is None:
        return None
    try:
        value = Decimal(m.group(1).replace(" ", ""))
    except InvalidOperation:
        return None
    grams = int((value * _UNITS[m.group(2).lower()]).to_integral_value())
    return Reading(grams, stable=_UNSTABLE.match(line) is None)


class Scale(Protocol):
    def read_grams(self, timeout: float = 2.0) -> int | None: ...


class SerialScale:
    """A scale on a serial port (a device such as /dev/ttyUSB0, or a pyserial URL)."""

    def __init__(
        self, port: str, *, baudrate: int = 9600, poll: bytes = b"", port_factory: Any = None
    ) -> None:
        if port_factory is None:
            try:
                import serial
            except ImportError:
                raise ConfigurationError(
                    "a serial scale needs pyserial: pip install pyserial (or key weights in)"
                ) from None
            port_factory = serial.serial_for_url
        try:
            self._port = port_factory(port, baudrate=baudrate, timeout=0.1)
        except (OSError, ValueError) as exc:
            raise ConfigurationError(f"cannot open the scale on {port}: {exc}") from None
        self.poll = poll
        self._buffer = b""

    def read_grams(self, timeout: float = 2.0) -> int | None:
        deadline = time.monotonic() + timeout
        last: int | None = None
        self._port.reset_input_buffer()
        self._buffer = b""
        while time.monotonic() < deadline:
            if self.poll:
                self._port.write(self.poll)
            for line in self._lines():
                got = parse_reading(line)
                if got is None or not got.stable or got.grams < 0:
                    last = None
                    continue
                if got.grams == last:
                    return got.grams
                last = got.grams
        return None

    def _lines(self) -> list[str]:
        self._buffer += self._port.read(256)
        *lines, self._buffer = re.split(rb"\r\n|\r|\n", self._buffer)
        self._buffer = self._buffer[-MAX_LINE:]
        return [raw.decode("ascii", "replace") for raw in lines]

    def close(self) -> None:
        self._port.close()
