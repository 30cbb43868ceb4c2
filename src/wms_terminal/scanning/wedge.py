"""Keyboard-wedge decoder: characters and their arrival times in, `Scan` values out.

A USB HID scanner "types" a code in a burst (a few ms between keys) and ends it with a terminator
(Enter or Tab). This module knows nothing of Textual: the input widget forwards every key's
character with a monotonic timestamp to `feed`, swallows the key (the wedge owns the field), and
calls `flush` from a timer so a scanner programmed without a suffix still ends its scan.

Rules (each one tested):
- Enter (CR or LF) or Tab ends a scan; CR LF gives one scan, never an empty second one.
- A burst (every gap <= `max_key_gap_s`) is a scanner; slower keys are hand typing. A burst that
  follows stray hand-typed keys is kept alone (the stray keys are dropped). Hand-typed lines are
  scans with source KEYBOARD (allowed unless `allow_typed` is False); backspace edits them.
- An AIM symbology identifier ("]C1", "]E0", "]d2", "]Q3", "]e0" ...) is read and stripped.
- The configured printable stand-in for GS (terminals drop 0x1D) becomes GS again; a real GS
  that does get through is kept.
- Other control characters are dropped, never passed on: 0x11 must not become ctrl+q and quit,
  0x15 must not become ctrl+u and clear the field.
- Two scans in one burst stay two scans.
- The same code again within `double_read_s` of its last read is a double read and is dropped.
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from .scan import GS, Scan, Source, split_aim
from .symbology import MAX_SCAN_LENGTH
from .text import is_unsafe_char

log = logging.getLogger(__name__)

BACKSPACES = frozenset({"\x08", "\x7f"})


@dataclass(frozen=True)
class WedgeConfig:
    terminators: frozenset[str] = frozenset({"\r", "\n", "\t"})
    # Scanners send keys 1-15 ms apart; people rarely type two keys within 35 ms.
    max_key_gap_s: float = 0.035
    # A burst shorter than this is not trusted as a scanner (two fast keys are a person).
    min_burst_length: int = 4
    # A burst with no terminator ends after this much silence (scanners set to no suffix).
    idle_end_s: float = 0.15
    # Printable character the scanner sends instead of GS (0x1D); None when not configured.
    gs_substitute: str | None = None
    strip_aim: bool = True
    double_read_s: float = 0.6
    allow_typed: bool = True
    max_length: int = MAX_SCAN_LENGTH

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WedgeConfig:
        """Station settings: WMS_SCANNER_GS_SUBSTITUTE (one character, e.g. "~"),
        WMS_SCANNER_KEY_GAP_MS (default 35) and WMS_SCANNER_DOUBLE_READ_MS (default 600)."""
        env = os.environ if env is None else env
        kwargs: dict[str, object] = {}
        if sub := env.get("WMS_SCANNER_GS_SUBSTITUTE"):
            kwargs["gs_substitute"] = sub
        try:
            if gap := env.get("WMS_SCANNER_KEY_GAP_MS"):
                kwargs["max_key_gap_s"] = float(gap) / 1000
            if window := env.get("WMS_SCANNER_DOUBLE_READ_MS"):
                kwargs["double_read_s"] = float(window) / 1000
        except ValueError:
            raise ValueError("WMS_SCANNER_*_MS settings must be numbers of milliseconds") from None
        return cls(**kwargs)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        sub = self.gs_substitute
        if sub is not None and (len(sub) != 1 or not sub.isprintable() or sub.isalnum()):
            raise ValueError("gs_substitute must be one printable, non-alphanumeric character")
        if sub is not None and sub in self.terminators:
            raise ValueError("gs_substitute cannot be a terminator")


@dataclass
class _Key:
    char: str
    t: float


@dataclass
class WedgeDecoder:
    """Feed it characters; it returns the scans they complete. Not thread-safe (one widget)."""

    config: WedgeConfig = field(default_factory=WedgeConfig)
    _keys: list[_Key] = field(default_factory=list)
    _last_t: float | None = None
    _last_read: dict[str, float] = field(default_factory=dict)
    dropped_controls: int = 0
    double_reads: int = 0

    @property
    def pending(self) -> str:
        """What is buffered so far (control characters already dropped), for display."""
        return "".join(k.char for k in self._keys)

    @property
    def in_burst(self) -> bool:
        """True while keys arrive at scanner speed: the widget may hide the partial text."""
        n = len(self._keys)
        return n >= 2 and self._gaps_fast(self._keys)

    def feed(self, char: str, t: float) -> list[Scan]:
        """One key's character (or a pasted chunk) at monotonic time `t`."""
        out: list[Scan] = []
        for ch in char:
            out.extend(self._feed_one(ch, t))
        return out

    def flush(self, t: float, *, force: bool = False) -> list[Scan]:
        """Call from a timer: ends a terminator-less burst after `idle_end_s` of silence.

        With `force`, whatever is buffered ends now (e.g. the field loses focus).
        """
        if not self._keys or self._last_t is None:
            return []
        idle = t - self._last_t
        if force or (idle >= self.config.idle_end_s and self._is_burst(self._keys)):
            return self._end(t, by_terminator=False)
        return []

    def reset(self) -> None:
        self._keys.clear()
        self._last_t = None

    # -- internals ---------------------------------------------------------------------------

    def _feed_one(self, ch: str, t: float) -> list[Scan]:
        out: list[Scan] = []
        cfg = self.config
        if self._keys and self._last_t is not None:
            gap = t - self._last_t
            # A long silence after a burst without terminator: that burst was a scan.
            if gap >= cfg.idle_end_s and self._is_burst(self._keys):
                out.extend(self._end(self._last_t, by_terminator=False))
        if ch in cfg.terminators:
            if self._keys:
                self._keys.append(_Key("", t))  # the terminator's timing counts for the burst
                out.extend(self._end(t, by_terminator=True))
            self._last_t = t
            return out
        if ch in BACKSPACES:
            self._last_t = t
            if self._keys and not self.in_burst:
                self._keys.pop()
            else:
                self.dropped_controls += 1
            return out
        if ch != GS and is_unsafe_char(ch):
            self.dropped_controls += 1  # never a key: 0x11 is ctrl+q, 0x15 ctrl+u ...
            log.debug("wedge dropped control character U+%04X", ord(ch))
            self._last_t = t
            return out
        if len(self._keys) <= cfg.max_length:  # bounded; classify rejects the overlong scan
            self._keys.append(_Key(ch, t))
        self._last_t = t
        return out

    def _gaps_fast(self, keys: list[_Key]) -> bool:
        limit = self.config.max_key_gap_s
        return all(b.t - a.t <= limit for a, b in itertools.pairwise(keys))

    def _is_burst(self, keys: list[_Key]) -> bool:
        chars = sum(1 for k in keys if k.char)
        return chars >= self.config.min_burst_length and self._gaps_fast(keys)

    def _burst_tail(self, keys: list[_Key]) -> list[_Key] | None:
        """The trailing burst when hand-typed keys came before it, else None."""
        limit = self.config.max_key_gap_s
        start = len(keys) - 1
        while start > 0 and keys[start].t - keys[start - 1].t <= limit:
            start -= 1
        tail = keys[start:]
        return tail if start > 0 and self._is_burst(tail) else None

    def _end(self, t: float, *, by_terminator: bool) -> list[Scan]:
        keys = self._keys
        self._keys = []
        self._last_t = t
        if self._is_burst(keys):
            source = Source.WEDGE
        elif (tail := self._burst_tail(keys)) is not None:
            log.debug("wedge dropped %d stray typed keys before a scan", len(keys) - len(tail))
            keys, source = tail, Source.WEDGE
        else:
            source = Source.KEYBOARD
            if not by_terminator or not self.config.allow_typed:
                return []
        text = "".join(k.char for k in keys)
        symbology: str | None = None
        if self.config.strip_aim:
            symbology, text = split_aim(text)
        sub = self.config.gs_substitute
        if sub is not None:
            text = text.replace(sub, GS)
        if not text:
            return []
        if source is Source.WEDGE and self._is_double_read(text, t):
            return []
        return [Scan(text=text, source=source, symbology=symbology)]

    def _is_double_read(self, text: str, t: float) -> bool:
        window = self.config.double_read_s
        last = self._last_read.get(text)
        # Measured from the last read, dropped or not: a label held under a scanner in
        # continuous mode is one scan however long it stays there.
        self._last_read[text] = t
        if len(self._last_read) > 64:
            self._last_read = {k: v for k, v in self._last_read.items() if t - v <= window}
        if last is not None and t - last <= window:
            self.double_reads += 1
            return True
        return False
