"""Camera source: OpenCV capture in a background thread, frames through a decoder chain.

Opens a device index (0), a video file or a stream URL (rtsp://, http://). Works without a
display (opencv-python-headless): nothing is ever shown. Each code is reported once while it stays
in view: it must be read in `confirm_frames` frames first (a misread seldom repeats), and is
reported again only after it has been out of view for `forget_after_s`. Time is the video's own
clock for files (so a file plays the same however fast we decode) and the wall clock for live
sources, where frames that queue up while we decode are dropped rather than decoded late.

Scans go to `on_scan` (called from the worker thread: Textual's `post_message` is thread-safe)
and to a queue read by `scans()`.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wms_terminal.core.errors import WmsError

from .decoders import Decoded, Decoder, camera_decoder
from .scan import Scan, Source

log = logging.getLogger(__name__)


class CameraError(WmsError):
    exit_code = 3


@dataclass
class _Seen:
    first: float
    last: float
    frames: int = 1
    reported: bool = False


@dataclass
class CodeTracker:
    """Turns per-frame reads into one report per appearance of a code. Pure: no OpenCV."""

    confirm_frames: int = 2
    forget_after_s: float = 1.0
    _seen: dict[str, _Seen] = field(default_factory=dict)

    def update(self, codes: list[Decoded], t: float) -> list[Decoded]:
        """The codes of one frame at time `t`; returns those to report now."""
        for text in [k for k, s in self._seen.items() if t - s.last > self.forget_after_s]:
            del self._seen[text]
        out: list[Decoded] = []
        for code in codes:
            seen = self._seen.get(code.text)
            if seen is None:
                seen = self._seen[code.text] = _Seen(first=t, last=t)
            elif seen.last != t:
                seen.frames += 1
                seen.last = t
            if not seen.reported and seen.frames >= self.confirm_frames:
                seen.reported = True
                out.append(code)
        return out


def _parse_source(source: int | str) -> int | str:
    if isinstance(source, int):
        return source
    return int(source) if source.isdigit() else source


class CameraSource:
    """Decode a camera, file or stream in a thread. Use as a context manager or start()/stop()."""

    def __init__(
        self,
        source: int | str,
        *,
        decoder: Decoder | None = None,
        on_scan: Callable[[Scan], None] | None = None,
        confirm_frames: int = 2,
        forget_after_s: float = 1.0,
        open_timeout_s: float = 10.0,
    ) -> None:
        self.source = _parse_source(source)
        self.is_file = isinstance(self.source, str) and Path(self.source).exists()
        self._decoder = decoder
        self._on_scan = on_scan
        self._tracker = CodeTracker(confirm_frames, forget_after_s)
        self._open_timeout_s = open_timeout_s
        self._queue: queue.Queue[Scan | None] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.frames = 0
        self.ended = False  # the worker finished and every scan has been taken
        self.error: str | None = None

    def describe(self) -> str:
        if isinstance(self.source, int):
            return f"camera {self.source}"
        return f"video file {self.source}" if self.is_file else "video stream"

    def start(self) -> CameraSource:
        """Open the source (raises CameraError with the reason) and start decoding."""
        import cv2

        from .decoders import quiet_opencv

        quiet_opencv()
        if isinstance(self.source, str) and not self.is_file and "://" not in self.source:
            raise CameraError(f"no such video file: {self.source}")
        # The decoder first: if it cannot be built, no capture has been opened to leak.
        decoder = self._decoder or camera_decoder()
        self._decoder = decoder
        params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, int(self._open_timeout_s * 1000)]
        cap = cv2.VideoCapture(self.source, cv2.CAP_ANY, params)
        if not cap.isOpened():
            cap.release()
            raise CameraError(f"cannot open {self.describe()}: no such device or unreadable")
        try:
            if not self.is_file:
                cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # decode the newest frame, not a stale one
            thread = threading.Thread(
                target=self._run, args=(cap, decoder), name="camera-decoder", daemon=True
            )
            thread.start()
        except BaseException:
            cap.release()
            raise
        # From here the worker owns the capture and releases it when it ends.
        self._thread = thread
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the worker to end and wait up to `timeout` s. The capture is released by the
        worker itself, never from here: releasing it while the worker is inside `cap.read()`
        (a stalled stream) would pull it from under a running read."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("camera worker still busy after %.1f s; it releases on exit", timeout)

    def __enter__(self) -> CameraSource:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def next_scan(self, timeout: float | None = None) -> Scan | None:
        """The next scan, or None after `timeout` seconds or once the source has ended."""
        if self.ended:
            return None
        try:
            item = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        if item is None:
            self.ended = True
        return item

    def scans(self, timeout: float | None = None) -> Iterator[Scan]:
        """Scans as they are decoded, until the source ends (or `timeout` seconds of quiet)."""
        while (scan := self.next_scan(timeout)) is not None:
            yield scan

    def _clock(self, cap: Any) -> float:
        import cv2

        if self.is_file:
            return float(cap.get(cv2.CAP_PROP_POS_MSEC)) / 1000.0
        return time.monotonic()

    def _run(self, cap: Any, decoder: Decoder) -> None:
        failures = 0
        try:
            while not self._stop.is_set():
                ok, frame = cap.read()
                if not ok or frame is None:
                    if self.is_file:
                        break  # end of the video
                    failures += 1
                    if failures > 50:  # ~ a few seconds of a dead camera
                        self.error = f"{self.describe()} stopped delivering frames"
                        break
                    time.sleep(0.05)
                    continue
                failures = 0
                self.frames += 1
                t = self._clock(cap)
                for code in self._tracker.update(decoder.decode(frame), t):
                    self._emit(code)
        except Exception as exc:  # the worker must end cleanly and say why
            log.exception("camera worker failed")
            self.error = f"{self.describe()} failed: {type(exc).__name__}"
        finally:
            cap.release()  # here, in the thread that reads it, once no read can be running
            self._queue.put(None)

    def _emit(self, code: Decoded) -> None:
        scan = Scan(
            text=code.text, source=Source.CAMERA, symbology=code.symbology, format=code.format
        )
        self._queue.put(scan)
        if self._on_scan is not None:
            try:
                self._on_scan(scan)
            except Exception:
                log.exception("on_scan callback failed")
