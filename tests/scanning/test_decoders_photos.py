"""Read rate on the real photographs, per decoder and for the chain, never below what we reached.

Figures measured when the chain was chosen (bench/bench_scanning.py prints them with timings):
zxing-cpp 227/252, pyzbar 157/252 (all symbologies), the chain 236/252, nothing read on the
false-positive images. A change that reads fewer codes fails here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from wms_terminal.scanning.decoders import (
    Decoder,
    PyzbarDecoder,
    ZxingDecoder,
    default_decoder,
    read_image,
)

Photo = Any  # conftest.Photo: path and expected text (None on false-positive images)

FLOORS = {"zxing": 227, "pyzbar": 157, "chain": 236}


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
    }


@pytest.mark.slow
@pytest.mark.parametrize("name", ["zxing", "pyzbar", "chain"])
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


@pytest.mark.slow
@pytest.mark.parametrize("name", ["zxing", "pyzbar", "chain"])
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
