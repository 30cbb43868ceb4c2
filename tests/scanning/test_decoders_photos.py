"""Read rate on the real photographs, per decoder and for the chain, never below what we reached.

Figures measured when the chain was chosen (bench/bench_scanning.py prints them with timings):
zxing-cpp 227/252, pyzbar 157/252 (all symbologies), the chain 236/252, nothing read on the
false-positive images. A change that reads fewer codes fails here. The camera's chain (the floor's
formats, zbar only as a fallback within a CPU budget) reads 235/252 of the photographs, and as
640x480 camera frames every one the full chain reads at that size.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from wms_terminal.scanning.decoders import (
    ChainDecoder,
    Decoded,
    Decoder,
    PyzbarDecoder,
    ZxingDecoder,
    camera_decoder,
    default_decoder,
    read_image,
)

Photo = Any  # conftest.Photo: path and expected text (None on false-positive images)

FLOORS = {"zxing": 227, "pyzbar": 157, "chain": 236, "camera": 235}
DECODERS = list(FLOORS)


def _read(decoder: Decoder, photos: list[Photo]) -> tuple[set[Path], int]:
    """(photos whose expected text was read, codes reported on false-positive images)."""
    ok: set[Path] = set()
    false_reads = 0
    for photo in photos:
        try:
            image = read_image(str(photo.path))
        except ValueError:
            continue  # a few false-positive images are 1-pixel files OpenCV refuses
        texts = [d.text for d in decoder.decode(image)]
        if photo.expected is None:
            false_reads += len(texts)
        elif photo.expected in texts:
            ok.add(photo.path)
    return ok, false_reads


@pytest.fixture(scope="module")
def results(real_photos: list[Photo]) -> dict[str, tuple[set[Path], int]]:
    return {
        "zxing": _read(ZxingDecoder(), real_photos),
        "pyzbar": _read(PyzbarDecoder(symbols=None, ascii_only=False), real_photos),
        "chain": _read(default_decoder(), real_photos),
        "camera": _read(camera_decoder(), real_photos),
    }


@pytest.mark.slow
@pytest.mark.parametrize("name", DECODERS)
def test_read_rate_never_drops_below_the_measured_floor(
    results: dict[str, tuple[set[Path], int]], name: str
) -> None:
    read, _ = results[name]
    assert len(read) >= FLOORS[name], f"{name} read {len(read)}, floor {FLOORS[name]}"


@pytest.mark.slow
def test_chain_reads_every_code_either_decoder_reads_alone(
    results: dict[str, tuple[set[Path], int]],
) -> None:
    missing = (results["zxing"][0] | results["pyzbar"][0]) - results["chain"][0]
    assert not missing, sorted(str(p) for p in missing)


def _camera_frame(image: np.ndarray) -> np.ndarray:
    """The photograph as a 640x480 camera sees it: scaled into 80% of the frame on grey."""
    frame = np.full((480, 640), 128, np.uint8)
    h, w = image.shape
    scale = min(640 / w, 480 / h, 1.0) * 0.8
    small = cv2.resize(image, (max(1, int(w * scale)), max(1, int(h * scale))))
    y, x = (480 - small.shape[0]) // 2, (640 - small.shape[1]) // 2
    frame[y : y + small.shape[0], x : x + small.shape[1]] = small
    return frame


@pytest.mark.slow
def test_the_camera_chain_reads_every_frame_the_full_chain_reads(
    real_photos: list[Photo],
) -> None:
    full, camera = default_decoder(), camera_decoder()
    missed: list[str] = []
    for photo in real_photos:
        if photo.expected is None:
            continue
        frame = _camera_frame(read_image(str(photo.path)))
        read = photo.expected in [d.text for d in full.decode(frame)]
        if read and photo.expected not in [d.text for d in camera.decode(frame)]:
            missed.append(photo.name)
    assert not missed


class _Counting:
    def __init__(self, name: str, found: list[str]) -> None:
        self.name, self.found, self.calls = name, found, 0

    def decode(self, image: np.ndarray) -> list[Decoded]:
        self.calls += 1
        return [Decoded(t, "Code 128", None, self.name, (0, 0, 9, 9)) for t in self.found]


def test_a_fallback_decoder_runs_only_when_the_first_read_nothing() -> None:
    frame = np.zeros((20, 20), np.uint8)
    first, second = _Counting("a", ["T-MAIN-0042"]), _Counting("b", ["L-MAIN-03-17-2L"])
    chain = ChainDecoder([first, second], fallback_only=True)
    assert [d.text for d in chain.decode(frame)] == ["T-MAIN-0042"]
    assert second.calls == 0
    first.found = []
    assert [d.text for d in chain.decode(frame)] == ["L-MAIN-03-17-2L"]
    assert second.calls == 1
    both = ChainDecoder([first, second])  # the stills chain asks every decoder
    first.found = ["T-MAIN-0042"]
    assert {d.text for d in both.decode(frame)} == {"T-MAIN-0042", "L-MAIN-03-17-2L"}


def test_no_further_decoder_starts_once_the_budget_is_spent() -> None:
    frame = np.zeros((20, 20), np.uint8)
    first, second = _Counting("a", []), _Counting("b", ["L-MAIN-03-17-2L"])
    assert ChainDecoder([first, second], budget_ms=0).decode(frame) == []
    assert (first.calls, second.calls) == (1, 0)
    assert len(ChainDecoder([first, second], budget_ms=1000).decode(frame)) == 1


def test_zbar_scan_density_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="density"):
        PyzbarDecoder(density=0)


@pytest.mark.slow
@pytest.mark.parametrize("name", DECODERS)
def test_nothing_is_read_on_the_false_positive_images(
    results: dict[str, tuple[set[Path], int]], name: str
) -> None:
    assert results[name][1] == 0


def test_gs1_codes_keep_their_aim_id_and_separators(real_photos: list[Photo]) -> None:
    photo = next(p for p in real_photos if p.path.name.startswith("gs1-figure-4.15.1-2"))
    (code,) = default_decoder().decode(read_image(str(photo.path)))
    assert code.symbology == "]d2" and "\x1d" in code.text and code.text == photo.expected


def test_zbar_upc_is_reported_as_the_same_13_digits_as_zxing(real_photos: list[Photo]) -> None:
    photo = next(p for p in real_photos if p.name == "upca-1/2.webp")
    image = read_image(str(photo.path))
    zx = {d.text for d in ZxingDecoder().decode(image)}
    zb = {d.text for d in PyzbarDecoder().decode(image)}
    assert zx == zb == {photo.expected}


def test_unreadable_files_raise_a_readable_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.png"
    bad.write_bytes(b"not a png")
    with pytest.raises(ValueError, match="not an image"):
        read_image(str(bad))
    with pytest.raises(ValueError):
        read_image(str(tmp_path / "missing.png"))
