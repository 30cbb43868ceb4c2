"""The scanning layer: every input source yields `Scan` values; `classify` says what a scan is.

Kept light on purpose: importing this package loads neither OpenCV nor a decoder (camera and
decoders modules import them lazily) and never Textual.
"""

from __future__ import annotations

from .scan import Scan, Source
from .symbology import Classified, Kind, classify
from .text import safe_text

__all__ = ["Classified", "Kind", "Scan", "Source", "classify", "safe_text"]
