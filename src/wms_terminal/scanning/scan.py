"""`Scan`: the one value every input source yields."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, field
from enum import StrEnum

GS = "\x1d"  # GS1 group separator (FNC1 after a variable-length field)

# ISO/IEC 15424 symbology identifier: "]" + symbology letter + one modifier character.
AIM_RE = re.compile(r"^\][A-Za-z][0-9A-Za-z]")

# AIM identifiers whose data is a GS1 element string.
GS1_AIM_IDS = frozenset({"]C1", "]e0", "]e1", "]e2", "]d2", "]Q3", "]J1"})


class Source(StrEnum):
    WEDGE = "wedge"  # a USB HID scanner typing a burst
    KEYBOARD = "keyboard"  # typed by hand (slow keys), e.g. a damaged label keyed in
    CAMERA = "camera"
    SERIAL = "serial"
    IMAGE = "image"


def new_scan_id() -> str:
    """A new scan id (a scan's own, or an action's that no scan carries: a key, an F-key)."""
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class Scan:
    """One scan. `text` has the AIM prefix removed and GS1 separators as GS (0x1D)."""

    text: str
    source: Source
    symbology: str | None = None  # AIM identifier such as "]C1", when the source knows it
    format: str | None = None  # decoder's format name ("Code 128", "DataMatrix"), camera/image
    at: float = field(default_factory=time.time)  # wall-clock seconds since the epoch
    id: str = field(default_factory=new_scan_id)  # unique: services store outcomes under it

    @property
    def is_gs1(self) -> bool:
        return self.symbology in GS1_AIM_IDS


def split_aim(text: str) -> tuple[str | None, str]:
    """Split a leading AIM symbology identifier off `text`: (']C1', rest) or (None, text)."""
    if AIM_RE.match(text):
        return text[:3], text[3:]
    return None, text
