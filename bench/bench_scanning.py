"""Scanning benchmark: decode time per frame and read rate on the real barcode photographs.

Prints, for pyzbar, zxing-cpp, the chain for stills and the chain the camera uses:
- read rate on the photographs (expected text found), other codes reported, and codes reported on
  the false-positive images (must be 0); for the camera chain also on the photographs as camera
  frames (letterboxed into 640x480);
- median and 95th-percentile decode time per frame at 640x480 and 1280x720, wall clock and the
  decoding thread's CPU time (the wall figure grows when other work shares the CPU). The frames:
  the photographs letterboxed onto a grey canvas, scenes without a code (the false-positive
  photographs) and sensor-noise frames, the costliest kind, one for every three code frames.
  Target: the camera chain's p95 at 640x480 <= 33 ms (a 30 fps camera never queues).
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
    Decoder,
    PyzbarDecoder,
    ZxingDecoder,
    camera_decoder,
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
        "camera chain": camera_decoder(),
    }


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def timing(
    decode: Callable[[np.ndarray], object], frames: list[np.ndarray]
) -> tuple[list[float], list[float]]:
    """Wall and thread-CPU milliseconds per frame."""
    wall: list[float] = []
    cpu: list[float] = []
    for frame in frames:
        t0, c0 = time.perf_counter(), time.thread_time()
        decode(frame)
        cpu.append((time.thread_time() - c0) * 1000)
        wall.append((time.perf_counter() - t0) * 1000)
    return wall, cpu


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
    camera_frames = [(letterbox(img, 640, 480), e) for _p, e, img in labelled]
    for name in ("chain (stills)", "camera chain"):
        read = sum(e in [d.text for d in decs[name].decode(f)] for f, e in camera_frames)
        print(f"{name} on the photographs as 640x480 camera frames: {read}/{len(camera_frames)}")
    print()

    rng = np.random.default_rng(4)
    for width, height in ((640, 480), (1280, 720)):
        kinds = {
            "code": [letterbox(img, width, height) for _p, _e, img in labelled[::3]],
            "no code": [letterbox(img, width, height) for _p, img in falses if min(img.shape) > 8],
        }
        kinds["noise"] = [
            np.clip(rng.normal(128, 20, (height, width)), 0, 255).astype(np.uint8)
            for _ in range(len(kinds["code"]) // 3)
        ]
        counts = ", ".join(f"{len(v)} {k}" for k, v in kinds.items())
        print(f"decode time per frame at {width}x{height} ({counts}), ms:")
        print(f"  {'':22} {'all frames':^27} {'p95 by kind, CPU':^25}")
        print(
            f"  {'':22} {'median':>6} {'p95':>6} {'CPU p95':>8}  "
            + "".join(f"{k:>9}" for k in kinds)
        )
        for name, dec in decs.items():
            walls: list[float] = []
            cpus: list[float] = []
            by_kind: list[float] = []
            for frames in kinds.values():
                wall, cpu = timing(dec.decode, frames)
                walls += wall
                cpus += cpu
                by_kind.append(p95(cpu))
            print(
                f"  {name:22} {statistics.median(walls):6.2f} {p95(walls):6.2f} {p95(cpus):8.2f}  "
                + "".join(f"{v:9.2f}" for v in by_kind)
            )
        print()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
