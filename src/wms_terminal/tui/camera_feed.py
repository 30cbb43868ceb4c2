"""A station's camera as a second scanner: its codes reach the screen like wedge scans.

`wms-terminal run --camera DEVICE|FILE|URL` (or the setting WMS_CAMERA) gives the app a camera
source. Once the sign-in screen is drawn, `CameraFeed` opens it in a thread (OpenCV and the
decoders load then, not at start-up), and hands every decoded code to the app on its event loop
(`WmsApp.camera_scanned`: a short beep, the code shown, then `deliver_scan` into the same flow a
wedge scan goes to). A camera that cannot be opened, or stops, is told on the screen and logged;
the wedge keeps working.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wms_terminal.scanning.camera import CameraSource
    from wms_terminal.scanning.scan import Scan

log = logging.getLogger(__name__)

CAMERA_ENV = "WMS_CAMERA"


def camera_setting(given: str | None = None) -> str | None:
    """The camera to use: `--camera` when given, else WMS_CAMERA, else none."""
    value = given if given is not None else os.environ.get(CAMERA_ENV, "")
    return value.strip() or None


class CameraFeed:
    """Opens `source` and pumps its scans to `deliver` until stopped or the source ends.

    `deliver(scan)` and `problem(message)` are called from the feed's thread; the app passes
    functions that hop onto its event loop (`call_from_thread`)."""

    def __init__(
        self,
        source: str,
        deliver: Callable[[Scan], None],
        problem: Callable[[str], None],
    ) -> None:
        self.source = source
        self._deliver = deliver
        self._problem = problem
        self._camera: CameraSource | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="camera-feed", daemon=True)

    def start(self) -> CameraFeed:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        if self._camera is not None:
            self._camera.stop(timeout)
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        from wms_terminal.core.errors import WmsError
        from wms_terminal.scanning.camera import CameraSource

        camera = CameraSource(self.source)
        try:
            camera.start()
        except WmsError as exc:  # no such device or file, unreadable stream
            log.warning("camera not started: %s", exc.message)
            self._problem(f"Camera: {exc.message}")
            return
        self._camera = camera
        log.info("camera started: %s", camera.describe())
        while not self._stopping.is_set():
            scan = camera.next_scan(timeout=0.5)
            if scan is not None:
                try:
                    self._deliver(scan)
                except RuntimeError:  # the app has closed under us
                    break
            elif camera.ended:
                break
        if camera.error and not self._stopping.is_set():
            log.warning("camera stopped: %s", camera.error)
            self._problem(f"Camera: {camera.error}; scan with the scanner")
