"""A video file of real photographs and generated labels, played through OpenCV as a camera."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from wms_terminal.documents import barcodes
from wms_terminal.scanning import Source
from wms_terminal.scanning.camera import CameraError, CameraSource, CodeTracker
from wms_terminal.scanning.decoders import Decoded, read_image

FPS = 10
SIZE = (640, 480)
PHOTOS = ["code128-2/01.webp", "qrcode-1/1.webp", "datamatrix-2/01.webp", "ean13-1/4.webp"]


def symbol_image(symbol: barcodes.Symbol, module_px: int = 3, height: int = 140) -> np.ndarray:
    row = np.array([0 if m == "1" else 255 for m in symbol.modules], np.uint8)
    quiet = np.full(barcodes.QUIET_MODULES, 255, np.uint8)
    row = np.repeat(np.concatenate([quiet, row, quiet]), module_px)
    return np.tile(row, (height, 1))


def place(image: np.ndarray) -> np.ndarray:
    """The picture in the middle of a grey 640x480 BGR frame, scaled to fit."""
    frame = np.full((SIZE[1], SIZE[0]), 150, np.uint8)
    h, w = image.shape[:2]
    scale = min(560 / w, 400 / h, 2.0)
    image = cv2.resize(image, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_NEAREST)
    h, w = image.shape[:2]
    y, x = (SIZE[1] - h) // 2, (SIZE[0] - w) // 2
    frame[y : y + h, x : x + w] = image
    return cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)


GS1_TEXT = "0109504000059101" + "10LOT7\x1d17250131"


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory, real_photos: list[Any]) -> Path:
    """Photos, then generated labels, each in view for 0.8 s and out of view for 1.5 s; the tote
    label is then held in view for 4 s, and shown once more after a gap."""
    by_name = {p.name: p for p in real_photos}
    shots: list[tuple[np.ndarray, int]] = [
        (read_image(str(by_name[name].path)), 8) for name in PHOTOS
    ]
    location = symbol_image(barcodes.code128("L-MAIN-03-17-2L"))
    tote = symbol_image(barcodes.code128("T-MAIN-0042"))
    gs1 = symbol_image(
        barcodes.gs1_128([("01", "09504000059101"), ("10", "LOT7"), ("17", "250131")])
    )
    shots += [(location, 8), (tote, 8), (gs1, 8), (tote, 40), (tote, 8)]
    path = tmp_path_factory.mktemp("video") / "floor.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), FPS, SIZE)
    assert writer.isOpened()
    blank = np.full((SIZE[1], SIZE[0], 3), 150, np.uint8)
    for image, hold in shots:
        frame = place(image)
        for _ in range(hold):
            writer.write(frame)
        for _ in range(15):  # 1.5 s out of view: longer than forget_after_s
            writer.write(blank)
    writer.release()
    return path


def expected_texts(real_photos: list[Any]) -> list[str]:
    by_name = {p.name: p for p in real_photos}
    return [by_name[name].expected for name in PHOTOS] + [
        "L-MAIN-03-17-2L",
        "T-MAIN-0042",
        GS1_TEXT,
        "T-MAIN-0042",  # held in view for 4 s: reported once
        "T-MAIN-0042",  # shown again after leaving the view: a new scan
    ]


def test_each_code_is_reported_once_per_appearance(video: Path, real_photos: list[Any]) -> None:
    got: list[str] = []
    with CameraSource(str(video)) as camera:
        for scan in camera.scans(timeout=30):
            assert scan.source is Source.CAMERA
            got.append(scan.text)
    assert camera.error is None
    assert camera.frames == 4 * 23 + 3 * 23 + 55 + 23
    assert got == expected_texts(real_photos)


def test_camera_scans_carry_format_and_gs1_aim_id(video: Path) -> None:
    with CameraSource(str(video)) as camera:
        scans = list(camera.scans(timeout=30))
    gs1 = next(s for s in scans if s.text == GS1_TEXT)
    assert gs1.symbology == "]C1" and gs1.is_gs1
    assert all(s.format for s in scans)


def test_on_scan_callback_runs_for_every_scan(video: Path) -> None:
    seen: list[str] = []
    with CameraSource(str(video), on_scan=lambda s: seen.append(s.text)) as camera:
        queued = [s.text for s in camera.scans(timeout=30)]
    assert seen == queued and seen


def test_missing_device_and_file_are_operator_errors(tmp_path: Path) -> None:
    with pytest.raises(CameraError, match="no such video file"):
        CameraSource(str(tmp_path / "none.avi")).start()
    with pytest.raises(CameraError, match="cannot open camera 97"):
        CameraSource(97).start()


def _code(text: str) -> Decoded:
    return Decoded(text, "Code 128", None, "test", (0, 0, 10, 10))


def test_tracker_needs_two_frames_and_forgets_after_the_gap() -> None:
    tracker = CodeTracker(confirm_frames=2, forget_after_s=1.0)
    a = _code("T-MAIN-0001")
    assert tracker.update([a], 0.0) == []  # one frame could be a misread
    assert tracker.update([a], 0.1) == [a]
    assert tracker.update([a], 0.2) == []
    assert tracker.update([], 0.9) == []
    assert tracker.update([a], 1.1) == []  # back within the window: same appearance
    assert tracker.update([], 2.5) == []
    assert tracker.update([a], 2.6) == []
    assert tracker.update([a], 2.7) == [a]  # a new appearance


# -- review fixes: who owns the capture ---------------------------------------------------------


def _open_fds_to(path: Path) -> int:
    """How many of this process's file descriptors are open on `path` (Linux /proc)."""
    import os

    fd_dir = Path("/proc/self/fd")
    count = 0
    for fd in fd_dir.iterdir():
        try:
            if os.path.realpath(os.readlink(fd)) == os.path.realpath(path):
                count += 1
        except OSError:
            continue
    return count


needs_proc = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc")


class GatedDecoder:
    """The real decoder chain, held at the door of each frame until the test opens it."""

    name = "gated"

    def __init__(self) -> None:
        import threading

        from wms_terminal.scanning.decoders import default_decoder

        self.inner = default_decoder()
        self.entered = threading.Event()
        self.gate = threading.Event()

    def decode(self, image: np.ndarray) -> list[Decoded]:
        self.entered.set()
        self.gate.wait(30)
        return self.inner.decode(image)


@needs_proc
def test_stop_never_releases_the_capture_under_a_busy_worker(video: Path) -> None:
    import time

    decoder = GatedDecoder()
    camera = CameraSource(str(video), decoder=decoder).start()
    try:
        assert decoder.entered.wait(10)
        assert _open_fds_to(video) >= 1
        camera.stop(timeout=0.2)  # the worker is mid-frame and does not end in time
        assert camera.running
        assert _open_fds_to(video) >= 1  # still open: the worker may use it until it ends
    finally:
        decoder.gate.set()
    deadline = time.monotonic() + 30
    while camera.running and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not camera.running
    assert _open_fds_to(video) == 0  # released by the worker on its way out


@needs_proc
def test_a_decoder_that_cannot_be_built_leaves_no_capture_open(
    video: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "zxingcpp", None)  # zxing-cpp not installed
    camera = CameraSource(str(video))
    with pytest.raises(ImportError):
        camera.start()
    assert _open_fds_to(video) == 0
    assert not camera.running


@needs_proc
def test_a_file_that_plays_to_its_end_releases_its_capture(video: Path) -> None:
    with CameraSource(str(video)) as camera:
        list(camera.scans(timeout=30))
    assert _open_fds_to(video) == 0
