"""Scanning benchmark: decode time per frame and read rate on the real barcode photographs.

Prints, for pyzbar, zxing-cpp and the chain the camera uses:
- median and 95th-percentile decode time per frame at 640x480 and 1280x720 (frames built from the
  photographs, letterboxed onto a grey canvas, plus empty frames: what a camera mostly sees);
- read rate on the photographs (expected text found), other codes reported, and codes reported on
  the false-positive images (must be 0).
Run: .venv/bin/python bench/bench_scanning.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from wms_terminal.scanning.decoders import (
    CAMERA_MAX_WIDTH,
    Decoder,
    PyzbarDecoder,
    ZxingDecoder,
    default_decoder,
    read_image,
)

DATA = Path(
    os.environ.get(
        "WMS_BARCODE_TESTDATA",
        Path(__file__).resolve().parents[1].parent / "shared" / "testdata" / "barcodes",
    )
)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


def samples() -> list[tuple[Path, str | None]]:
    """(image, expected text or None for false-positive images)."""
    out: list[tuple[Path, str | None]] = []
    for path in sorted(DATA.rglob("*")):
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            continue
        if path.parent.name.startswith("falsepositives"):
            out.append((path, None))
            continue
        expected = path.with_suffix(".txt")
        if expected.exists():
            out.append((path, expected.read_bytes().decode("utf-8", "replace")))
    return out


def load(path: Path) -> np.ndarray | None:
    try:
        return read_image(str(path))
    except ValueError:
        return None  # e.g. the 1x1 false-positive images OpenCV cannot open


def letterbox(image: np.ndarray, width: int, height: int) -> np.ndarray:
    canvas = np.full((height, width), 128, np.uint8)
    h, w = image.shape
    scale = min(width / w, height / h, 1.0) * 0.8
    resized = cv2.resize(image, (max(1, int(w * scale)), max(1, int(h * scale))))
    y = (height - resized.shape[0]) // 2
    x = (width - resized.shape[1]) // 2
    canvas[y : y + resized.shape[0], x : x + resized.shape[1]] = resized
    return canvas


def decoders() -> dict[str, Decoder]:
    return {
        "pyzbar (linear)": PyzbarDecoder(),
        "pyzbar (all)": PyzbarDecoder(symbols=None, ascii_only=False),
        "zxing-cpp": ZxingDecoder(),
        "chain (stills)": default_decoder(),
        "chain (camera, 960px)": default_decoder(max_width=CAMERA_MAX_WIDTH),
        "chain, 640 px wide": default_decoder(max_width=640),
    }


def timing(decode: Callable[[np.ndarray], object], frames: list[np.ndarray]) -> tuple[float, float]:
    times: list[float] = []
    for frame in frames:
        t0 = time.perf_counter()
        decode(frame)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    if not DATA.is_dir():
        print(f"no test images at {DATA} (set WMS_BARCODE_TESTDATA)")
        return
    items = samples()
    images: list[tuple[Path, str | None, np.ndarray]] = []
    for path, expected in items:
        image = load(path)
        if image is not None:
            images.append((path, expected, image))
    labelled = [(p, e, img) for p, e, img in images if e is not None]
    falses = [(p, img) for p, e, img in images if e is None]
    decs = decoders()

    print(f"real photographs: {len(labelled)} with a code, {len(falses)} false-positive images")
    print()
    print(f"{'decoder':22} {'read':>9} {'rate':>7} {'other':>6} {'false':>6} {'ms/img':>7}")
    reads: dict[str, set[Path]] = {}
    for name, dec in decs.items():
        ok: set[Path] = set()
        other = 0
        t0 = time.perf_counter()
        for path, expected, img in labelled:
            texts = [d.text for d in dec.decode(img)]
            if expected in texts:
                ok.add(path)
            other += len([t for t in texts if t != expected])
        false = sum(len(dec.decode(img)) for _p, img in falses)
        ms = (time.perf_counter() - t0) * 1000 / len(images)
        reads[name] = ok
        rate = 100 * len(ok) / len(labelled)
        count = f"{len(ok):4d}/{len(labelled):<4d}"
        print(f"{name:22} {count} {rate:6.1f}% {other:6d} {false:6d} {ms:7.2f}")
    for alone in ("pyzbar (linear)", "pyzbar (all)", "zxing-cpp"):
        missing = reads[alone] - reads["chain (stills)"]
        names = [str(p.relative_to(DATA)) for p in sorted(missing)]
        print(f"codes {alone} reads that the chain misses: {len(missing)} {names}")
    print()

    rng = np.random.default_rng(4)
    for width, height in ((640, 480), (1280, 720)):
        frames = [letterbox(img, width, height) for _p, _e, img in labelled[::3]]
        frames += [
            np.clip(rng.normal(128, 20, (height, width)), 0, 255).astype(np.uint8)
            for _ in range(len(frames) // 3)
        ]
        print(f"decode time per frame at {width}x{height} ({len(frames)} frames), ms:")
        for name, dec in decs.items():
            median, p95 = timing(dec.decode, frames)
            print(f"  {name:22} median {median:6.2f}   p95 {p95:6.2f}")
        print()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
