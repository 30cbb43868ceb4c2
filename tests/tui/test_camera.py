"""A station's camera in the app: a video file plays as the camera, its codes reach the screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from tests.scanning.test_camera_video import place, symbol_image
from tests.tui.conftest import BADGE, PIN
from tests.tui.helpers import in_mode, shown, type_slowly, wait_for

from wms_terminal.cli import build_parser
from wms_terminal.core.db import Database
from wms_terminal.documents import barcodes
from wms_terminal.scanning.decoders import read_image
from wms_terminal.tui.app import WmsApp
from wms_terminal.tui.camera_feed import camera_setting

FPS = 10
PHOTO = "ean13-1/4.webp"  # a real photograph of a product's EAN-13


def _video(path: Path, shots: list[np.ndarray]) -> Path:
    """Each picture 0.8 s in view, then 1.5 s of empty grey."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), FPS, (640, 480))
    assert writer.isOpened()
    blank = np.full((480, 640, 3), 150, np.uint8)
    for image in shots:
        for frame in [place(image)] * 8 + [blank] * 15:
            writer.write(frame)
    writer.release()
    return path


@pytest.fixture
def floor_video(tmp_path: Path, real_photos: list[Any]) -> tuple[Path, str]:
    photo = next(p for p in real_photos if p.name == PHOTO)
    badge = symbol_image(barcodes.code128(BADGE))
    return _video(tmp_path / "station.avi", [read_image(str(photo.path)), badge]), photo.expected


class _Recorder:
    def __init__(self, app: WmsApp) -> None:
        self.bells = 0
        self.notes: list[str] = []
        bell, notify = app.bell, app.notify

        def ring() -> None:
            self.bells += 1
            bell()

        def note(message: str, **kw: Any) -> None:
            self.notes.append(message)
            notify(message, **kw)

        app.bell, app.notify = ring, note  # type: ignore[method-assign]


async def test_codes_shown_to_the_camera_go_to_the_sign_in_like_scans(
    sqlite_db: Database, floor_video: tuple[Path, str]
) -> None:
    video, product = floor_video
    app = WmsApp(sqlite_db, terminal="t1", camera=str(video))
    heard = _Recorder(app)
    async with app.run_test(size=(40, 16)) as pilot:
        # The product's code first: the sign-in refuses it as it would a wedge scan ...
        await wait_for(pilot, lambda: "PIN" in shown(app, "#prompt"), tries=300)
        # ... then the badge: the PIN is asked for that badge.
        assert "PIN" in shown(app, "#prompt")
        assert heard.notes[:2] == [product, BADGE] and heard.bells >= 2
        await type_slowly(pilot, PIN)
        await wait_for(pilot, lambda: in_mode(app, "mode-picker"))
        assert app.screen.id == "mode-picker" and app.actor is not None
    assert app.camera_feed is not None and not app.camera_feed.running


async def test_a_camera_that_cannot_be_opened_is_told_and_the_wedge_still_works(
    sqlite_db: Database, tmp_path: Path
) -> None:
    app = WmsApp(sqlite_db, terminal="t1", camera=str(tmp_path / "missing.avi"))
    heard = _Recorder(app)
    async with app.run_test(size=(40, 16)) as pilot:
        await wait_for(pilot, lambda: bool(heard.notes))
        assert heard.notes == [f"Camera: no such video file: {tmp_path / 'missing.avi'}"]
        await type_slowly(pilot, BADGE)
        await type_slowly(pilot, PIN)
        await wait_for(pilot, lambda: in_mode(app, "mode-picker"))
        assert app.screen.id == "mode-picker"


def test_run_takes_the_camera_from_the_option_or_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = build_parser("run").parse_args(["run", "--camera", "rtsp://cam.local/1"])
    assert camera_setting(args.camera) == "rtsp://cam.local/1"
    monkeypatch.setenv("WMS_CAMERA", "0")
    assert camera_setting(None) == "0"
    assert camera_setting("video.mp4") == "video.mp4"
    monkeypatch.setenv("WMS_CAMERA", " ")
    assert camera_setting(None) is None
