"""`wms-terminal scan inspect|image|camera` as support staff run them (real subprocesses)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[2]


def run(
    *args: str, stdin: bytes = b"", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "wms_terminal", *args],
        input=stdin,
        capture_output=True,
        timeout=120,
        cwd=REPO,
        env=env,
    )


def lines(out: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.decode().splitlines()]


def test_inspect_prints_one_json_object_per_scan() -> None:
    raw = (
        b"]C10109504000059101~10LOT7~17250131\r\n"
        b"L-MAIN-03-17-2L\r\n"
        b"T-MAIN-0042\tCMD-SHORT\n"
        b"5901234123458\n"
        b"\x1b[2J[@click=app.quit]\x11\n"
    )
    proc = run("scan", "inspect", "--gs-substitute", "~", stdin=raw)
    assert proc.returncode == 0, proc.stderr
    out = lines(proc.stdout)
    assert [o["kind"] for o in out] == ["gs1", "location", "tote", "command", "invalid", "unknown"]
    assert out[0]["fields"]["ai"] == {"01": "09504000059101", "10": "LOT7", "17": "250131"}
    assert out[0]["symbology"] == "]C1" and out[0]["error"] is None
    assert "check digit" in out[4]["error"]
    # The raw line is shown as delivered (escaped in JSON); the control bytes were dropped.
    assert out[5]["raw"] == "\x1b[2J[@click=app.quit]\x11"
    assert out[5]["dropped_controls"] == 2
    assert b"\x1b" not in proc.stdout  # escapes reach the terminal only as \u001b text


def test_inspect_reads_the_gs_substitute_from_the_environment() -> None:
    import os

    env = {**os.environ, "WMS_SCANNER_GS_SUBSTITUTE": "|"}
    proc = run("scan", "inspect", stdin=b"]C10109504000059101|10LOT7|17250131\n", env=env)
    assert lines(proc.stdout)[0]["fields"]["expiry"] == "2025-01-31"


def test_image_prints_one_object_per_file_and_survives_bad_files(
    real_photos: list[Any], tmp_path: Path
) -> None:
    gs1 = next(p for p in real_photos if p.path.name.startswith("gs1-figure-4.15.1-2"))
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), np.full((100, 100), 255, np.uint8))
    proc = run(
        "scan", "image", str(gs1.path), str(broken), str(tmp_path / "missing.png"), str(blank)
    )
    assert proc.returncode == 1, proc.stderr  # some files could not be read
    out = lines(proc.stdout)
    assert [o["file"] for o in out] == [
        str(gs1.path),
        str(broken),
        str(tmp_path / "missing.png"),
        str(blank),
    ]
    assert out[0]["codes"] == [{"text": gs1.expected, "format": "Data Matrix", "symbology": "]d2"}]
    assert out[0]["error"] is None
    assert out[1]["codes"] == [] and "not an image" in out[1]["error"]
    assert "No such file" in out[2]["error"]
    assert out[3] == {"file": str(blank), "codes": [], "error": None}
    assert b"Traceback" not in proc.stderr


def test_camera_on_a_video_file_prints_scans_and_ends(tmp_path: Path) -> None:
    from wms_terminal.documents import barcodes

    symbol = barcodes.code128("T-MAIN-0042")
    row = np.array([0 if m == "1" else 255 for m in "0" * 10 + symbol.modules + "0" * 10], np.uint8)
    image = np.tile(np.repeat(row, 3), (120, 1))
    frame = np.full((480, 640), 150, np.uint8)
    frame[180:300, 20 : 20 + image.shape[1]] = image
    path = tmp_path / "tote.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10, (640, 480))
    for _ in range(10):
        writer.write(cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR))
    writer.release()
    proc = run("scan", "camera", "--file", str(path))
    assert proc.returncode == 0, proc.stderr
    (scan,) = lines(proc.stdout)
    assert scan["text"] == "T-MAIN-0042" and scan["kind"] == "tote" and scan["error"] is None


def test_camera_that_cannot_open_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    proc = run("scan", "camera", "--file", str(tmp_path / "none.avi"))
    assert proc.returncode == 3
    assert proc.stderr.decode().startswith("wms-terminal: no such video file")


def test_scanning_package_imports_no_textual_and_no_opencv() -> None:
    code = (
        "import sys, wms_terminal.scanning, wms_terminal.scanning.wedge, "
        "wms_terminal.scanning.symbology, wms_terminal.documents.labels\n"
        "bad = [m for m in ('textual', 'cv2', 'zxingcpp', 'pyzbar') if m in sys.modules]\n"
        "print(bad)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


# -- review fixes -----------------------------------------------------------------------------


def _png_declaring(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG whose header declares `width` x `height` grey pixels."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def test_image_reports_a_png_declaring_60000_squared_pixels_as_that_files_error(
    tmp_path: Path,
) -> None:
    huge = tmp_path / "huge.png"
    huge.write_bytes(_png_declaring(60000, 60000))
    assert len(huge.read_bytes()) <= 100
    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), np.full((100, 100), 255, np.uint8))
    proc = run("scan", "image", str(huge), str(blank))
    assert b"Traceback" not in proc.stderr, proc.stderr.decode()
    assert proc.returncode == 1
    out = lines(proc.stdout)
    assert [o["file"] for o in out] == [str(huge), str(blank)]
    assert out[0]["codes"] == [] and "not an image" in out[0]["error"]
    assert out[1] == {"file": str(blank), "codes": [], "error": None}


def test_read_image_turns_an_opencv_error_into_a_value_error(tmp_path: Path) -> None:
    import pytest

    from wms_terminal.scanning.decoders import read_image

    huge = tmp_path / "huge.png"
    huge.write_bytes(_png_declaring(60000, 60000))
    with pytest.raises(ValueError, match="too large"):
        read_image(str(huge))


def test_inspect_prints_each_scan_before_stdin_is_closed() -> None:
    import queue
    import threading

    proc = subprocess.Popen(
        [sys.executable, "-m", "wms_terminal", "scan", "inspect"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    assert proc.stdin is not None and proc.stdout is not None
    stdout = proc.stdout
    got: queue.Queue[bytes] = queue.Queue()
    reader = threading.Thread(target=lambda: got.put(stdout.readline()), daemon=True)
    try:
        reader.start()
        proc.stdin.write(b"T-MAIN-0042\r\n")
        proc.stdin.flush()
        first = json.loads(got.get(timeout=60))  # stdin is still open: no Ctrl-D yet
        assert first["kind"] == "tote" and first["error"] is None
        assert set(first) >= {"raw", "kind", "fields", "error"}
        proc.stdin.write(b"CMD-DONE")  # the last line may end without a terminator
        proc.stdin.close()
        rest = stdout.read()
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert [o["kind"] for o in lines(rest)] == ["command"]
