"""The JSON-lines output of a headless driver: one object per line, flushed at once.

`event` is one of "prompt", "ok", "error", "done" (a fixed contract). `json.dumps` with ASCII
output escapes every control character and line break, so nothing from a scan or from the data
can break a line or reach the reader's terminal raw.
"""

from __future__ import annotations

import json
from typing import Any, TextIO


class EventWriter:
    def __init__(self, out: TextIO) -> None:
        self.out = out

    def emit(self, event: str, **fields: Any) -> None:
        self.out.write(json.dumps({"event": event, **fields}, ensure_ascii=True) + "\n")
        self.out.flush()

    def prompt(self, expect: str, barcode: str | None, **fields: Any) -> None:
        self.emit("prompt", expect=expect, barcode=barcode, **fields)

    def result(self, message: str, *, error: bool = False, **fields: Any) -> None:
        self.emit("error" if error else "ok", message=message, **fields)

    def done(self, message: str = "") -> None:
        self.emit("done", message=message)
