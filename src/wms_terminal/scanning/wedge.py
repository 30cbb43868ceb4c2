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
- The configured printable stand-in for GS (terminals drop 0x1D) becomes GS again, only in scans
  that are GS1 (AIM id ]C1, ]e0, ]d2, ]Q3 ... or, with no AIM id, text that then parses as a GS1
  element string); a real GS that does get through is kept. The stand-in must be one of
  GS_SUBSTITUTES: characters in neither GS1's AI character set nor our labels (A-Z 0-9 -).
- Other control characters are dropped, never passed on: 0x11 must not become ctrl+q and quit,
  0x15 must not become ctrl+u and clear the field.
- Two scans in one burst stay two scans.
- A scanner scan identical to the scan accepted just before it, within `double_read_s` of it, is
  a double read: dropped, counted, and recorded as a `DoubleRead` notice the screen shows
  (`take_notices()`). Only the preceding accepted scan counts: A, B, A keeps all three.
  The window depends on the mode (`WedgeConfig.from_env(mode=...)`): at packing every unit is
  scanned, so two identical scans in a row are the normal case and only a repeat faster than a
  hand can present a second unit (PACK_DOUBLE_READ_S) is a double read.
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from . import gs1
from .scan import GS, GS1_AIM_IDS, Scan, Source, split_aim
from .symbology import MAX_SCAN_LENGTH
from .text import is_unsafe_char

log = logging.getLogger(__name__)

BACKSPACES = frozenset({"\x08", "\x7f"})

# Printable stand-ins for GS that can never be data: outside the GS1 AI character sets (set 82
# holds ! " % & ' ( ) * + , - . / : ; < = > ? _ and letters and digits; set 39 adds #) and
# outside our label alphabet (A-Z 0-9 -). "-" would break every location, tote, badge and order
# label; "/" would split a lot "AB/12" into a bogus AI. "[" and "]" are left out (markup, AIM).
GS_SUBSTITUTES = "~|^{}$@`"

DOUBLE_READ_MESSAGE = "Same code read twice: ignored."
# A scanner's own double read (two decodes of one trigger pull, a stuttering USB link) repeats
# within tens of ms of the first scan's end; a packer lifting the next identical unit to the
# scanner takes 0.3 s or more. Picking keeps the longer default (one scan per location/item).
PACK_DOUBLE_READ_S = 0.15


@dataclass(frozen=True)
class DoubleRead:
    """A scan dropped as a double read; `message` is for the operator's screen."""

    text: str
    source: Source
    at: float  # the dropped read's key time (monotonic, as fed)
    previous_at: float  # when the accepted scan it repeats ended
    message: str = DOUBLE_READ_MESSAGE


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
    def from_env(cls, env: Mapping[str, str] | None = None, *, mode: str = "") -> WedgeConfig:
        """Station settings: WMS_SCANNER_GS_SUBSTITUTE (one of GS_SUBSTITUTES, e.g. "~"),
        WMS_SCANNER_KEY_GAP_MS (default 35) and WMS_SCANNER_DOUBLE_READ_MS (default 600); for
        `mode="pack"` the double-read window is WMS_SCANNER_PACK_DOUBLE_READ_MS (default 150)."""
        env = os.environ if env is None else env
        kwargs: dict[str, object] = {}
        if sub := env.get("WMS_SCANNER_GS_SUBSTITUTE"):
            kwargs["gs_substitute"] = sub
        window_key = "WMS_SCANNER_DOUBLE_READ_MS"
        if mode == "pack":
            window_key = "WMS_SCANNER_PACK_DOUBLE_READ_MS"
            kwargs["double_read_s"] = PACK_DOUBLE_READ_S
        try:
            if gap := env.get("WMS_SCANNER_KEY_GAP_MS"):
                kwargs["max_key_gap_s"] = float(gap) / 1000
            if window := env.get(window_key):
                kwargs["double_read_s"] = float(window) / 1000
        except ValueError:
            raise ValueError("WMS_SCANNER_*_MS settings must be numbers of milliseconds") from None
        return cls(**kwargs)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        sub = self.gs_substitute
        if sub is not None and sub in self.terminators:
            raise ValueError("gs_substitute cannot be a terminator")
        if sub is not None and (len(sub) != 1 or sub not in GS_SUBSTITUTES):
            raise ValueError(
                f"gs_substitute must be one of {' '.join(GS_SUBSTITUTES)}: a character that "
                "never occurs in GS1 data or in our labels"
            )


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
    _last_accepted: tuple[str, float] | None = None  # text and time of the last scan passed on
    _notices: list[DoubleRead] = field(default_factory=list)
    dropped_controls: int = 0
    double_reads: int = 0

    def take_notices(self) -> list[DoubleRead]:
        """Double reads dropped since the last call (oldest first), for the screen to show."""
        notices, self._notices = self._notices, []
        return notices

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
        if force or (idle >= self.config.idle_end_s and self._ends_in_burst(self._keys)):
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
            # A long silence after a burst without terminator: that burst was a scan (also when
            # stray typed keys came before it: _end keeps the burst alone).
            if gap >= cfg.idle_end_s and self._ends_in_burst(self._keys):
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

    def _ends_in_burst(self, keys: list[_Key]) -> bool:
        return self._is_burst(keys) or self._burst_tail(keys) is not None

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
        text = self._restore_gs(text, symbology)
        if not text:
            return []
        if source is Source.WEDGE and self._is_double_read(text, t):
            return []
        self._last_accepted = (text, t)
        return [Scan(text=text, source=source, symbology=symbology)]

    def _restore_gs(self, text: str, symbology: str | None) -> str:
        """The GS stand-in back to GS, in GS1 scans only: other labels keep every character."""
        sub = self.config.gs_substitute
        if sub is None or sub not in text:
            return text
        aim, body = (symbology, text) if symbology is not None else split_aim(text)
        if aim in GS1_AIM_IDS:
            return text.replace(sub, GS)
        if aim is not None:
            return text  # the scanner says which symbology: not a GS1 one
        restored = body.replace(sub, GS)
        try:
            gs1.parse(restored)
        except gs1.Gs1Error:
            return text
        return text.replace(sub, GS)

    def _is_double_read(self, text: str, t: float) -> bool:
        """The same text as the scan accepted just before, within the window measured from it."""
        last = self._last_accepted
        if last is None or last[0] != text or t - last[1] > self.config.double_read_s:
            return False
        self.double_reads += 1
        self._notices.append(DoubleRead(text, Source.WEDGE, t, last[1]))
        del self._notices[:-32]  # bounded if nobody takes them
        log.debug("wedge dropped a double read")
        return True
