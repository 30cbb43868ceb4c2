"""Image decoders behind one interface, and the chain the camera and `scan image` use.

Measured on the real photographs in testdata/barcodes (see bench/bench_scanning.py):
- zxing-cpp reads far more (DataMatrix, GS1 DataBar, hard QR), reports the AIM identifier (so
  GS1-128 is known as GS1) and keeps FNC1 as GS; it is the first decoder.
- pyzbar reads some damaged or low-contrast EAN/UPC photos zxing-cpp misses, so it runs second,
  restricted to the linear retail/logistics symbologies (cheaper, and keeps zbar away from
  DataBar, where it prints assertion warnings) and to ASCII results (zbar guesses text encodings
  and mangles Latin-1 and Shift-JIS content that zxing-cpp decodes correctly).
- Camera frames wider than 960 px are downscaled with INTER_AREA first: a 1280x720 frame
  costs 2-3x a 640x480 one for no gain on labels filling a fair part of the view.
- A camera frame must decode within a frame's time (33 ms at 30 fps). What costs is a frame with
  no code and much fine texture (sensor noise): both decoders then search it whole (zxing-cpp
  35 ms of CPU on all formats, 22 ms on the floor's formats; zbar 28 ms). The camera chain
  (`camera_decoder`) therefore asks zxing-cpp only for the formats the floor uses, runs zbar only
  when zxing-cpp found nothing and took under a CPU budget (on a frame it fails on quickly: the
  damaged EAN/UPC photos zbar rescues cost zxing-cpp 2-6 ms), and has zbar scan every second
  row and column (it still reads every code it rescued at full density).
OpenCV and the decoders are imported lazily: importing wms_terminal.scanning stays cheap.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Image = NDArray[Any]
else:
    Image = Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decoded:
    """One code found in an image."""

    text: str
    format: str  # one naming for every decoder: "Code 128", "EAN-13", "DataMatrix", "QR Code"...
    symbology: str | None  # AIM identifier when known ("]C1" = GS1-128)
    decoder: str
    box: tuple[int, int, int, int]  # x, y, width, height in the input image's pixels
    quality: int | None = None  # zbar's count of agreeing scan lines; None from zxing-cpp


class Decoder(Protocol):
    name: str

    def decode(self, image: Image) -> list[Decoded]:
        """Codes in a grayscale (H x W uint8) or BGR (H x W x 3) image; [] when none."""
        ...


def to_gray(image: Image) -> Image:
    import cv2

    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def _box(points: Iterable[tuple[int, int]], scale: float) -> tuple[int, int, int, int]:
    xs, ys = zip(*points, strict=True)
    x0, y0 = min(xs), min(ys)
    return (
        round(x0 * scale),
        round(y0 * scale),
        round((max(xs) - x0) * scale),
        round((max(ys) - y0) * scale),
    )


class ZxingDecoder:
    """zxing-cpp. Plain text mode: GS1 separators come through as GS, no parentheses."""

    name = "zxing"

    def __init__(self, *, formats: str | None = None, try_invert: bool = True) -> None:
        import zxingcpp

        self._zx = zxingcpp
        self._formats = zxingcpp.barcode_formats_from_str(formats) if formats else None
        self._try_invert = try_invert

    def decode(self, image: Image) -> list[Decoded]:
        zx = self._zx
        kwargs: dict[str, Any] = {"text_mode": zx.TextMode.Plain, "try_invert": self._try_invert}
        if self._formats is not None:
            kwargs["formats"] = self._formats
        out: list[Decoded] = []
        for r in zx.read_barcodes(image, **kwargs):
            if not r.valid or not r.text:
                continue
            p = r.position
            pts = [(p.top_left.x, p.top_left.y), (p.top_right.x, p.top_right.y)]
            pts += [(p.bottom_right.x, p.bottom_right.y), (p.bottom_left.x, p.bottom_left.y)]
            out.append(
                Decoded(
                    text=r.text,
                    format=str(r.format),
                    symbology=r.symbology_identifier or None,
                    decoder=self.name,
                    box=_box(pts, 1.0),
                )
            )
        return out


# zbar type name -> (our format name, AIM identifier). Code 128 gets no AIM id: zbar drops the
# leading FNC1, so it cannot tell GS1-128 from plain Code 128.
_ZBAR_FORMATS: dict[str, tuple[str, str | None]] = {
    "EAN13": ("EAN-13", "]E0"),
    "EAN8": ("EAN-8", "]E4"),
    "UPCA": ("UPC-A", "]E0"),
    "UPCE": ("UPC-E", "]E0"),
    "CODE128": ("Code 128", None),
    "CODE39": ("Code 39", "]A0"),
    "I25": ("ITF", "]I0"),
    "QRCODE": ("QR Code", "]Q1"),
    "DATABAR": ("DataBar", "]e0"),
    "DATABAR_EXP": ("DataBar Expanded", "]e0"),
}


def _upc_as_ean13(zbar_type: str, text: str) -> str:
    """UPC-A and UPC-E as the 13 digits zxing-cpp reports, so both decoders agree on one text."""
    if zbar_type == "UPCA" and len(text) == 12:
        return "0" + text
    if zbar_type == "UPCE" and len(text) == 8:
        from biip import BiipException
        from biip.upc import Upc

        try:
            return "0" + Upc.parse(text).as_upc_a()
        except BiipException:
            return text
    return text


LINEAR = ("EAN13", "EAN8", "UPCA", "UPCE", "CODE128", "CODE39", "I25")
# What the chain asks of zbar: the linear codes plus QR (it read one QR photo zxing-cpp missed).
CHAIN_SYMBOLS = (*LINEAR, "QRCODE")


class PyzbarDecoder:
    """pyzbar (libzbar0). Reads no DataMatrix; `symbols` limits what zbar looks for (None: all).

    `density` N scans every Nth row and column (zbar's X/Y density; 1 = every one)."""

    name = "pyzbar"

    def __init__(
        self,
        *,
        symbols: Sequence[str] | None = LINEAR,
        ascii_only: bool = True,
        density: int = 1,
    ) -> None:
        from pyzbar import pyzbar

        if density < 1:
            raise ValueError("zbar's scan density is 1 or more")
        self._pyzbar = pyzbar
        # Symbol 0 sets every symbology: all off, then the chosen ones on (as pyzbar.decode does).
        chosen = [pyzbar.ZBarSymbol[s] for s in symbols] if symbols else []
        self._enable = [(pyzbar.ZBarSymbol.NONE, 0)] + [(s, 1) for s in chosen] if chosen else []
        self._density = density
        self._ascii_only = ascii_only

    def _scan(self, gray: Image) -> list[Any]:
        # pyzbar.decode with zbar's scan density set (pyzbar has no parameter for it).
        from ctypes import c_void_p, cast

        from pyzbar import wrapper as zw

        pz = self._pyzbar
        pixels, width, height = pz._pixel_data(gray)
        with pz._image_scanner() as scanner:
            for symbol, on in self._enable:
                zw.zbar_image_scanner_set_config(scanner, symbol, zw.ZBarConfig.CFG_ENABLE, on)
            for axis in (zw.ZBarConfig.CFG_X_DENSITY, zw.ZBarConfig.CFG_Y_DENSITY):
                zw.zbar_image_scanner_set_config(scanner, 0, axis, self._density)
            with pz._image() as img:
                zw.zbar_image_set_format(img, pz._FOURCC["L800"])
                zw.zbar_image_set_size(img, width, height)
                zw.zbar_image_set_data(img, cast(pixels, c_void_p), len(pixels), None)
                if zw.zbar_scan_image(scanner, img) < 0:
                    raise ValueError("zbar refused the image format")
                return list(pz._decode_symbols(pz._symbols_for_image(img)))

    def decode(self, image: Image) -> list[Decoded]:
        out: list[Decoded] = []
        for r in self._scan(to_gray(image)):
            try:
                text = r.data.decode("utf-8")
            except UnicodeDecodeError:
                continue
            if not text or (self._ascii_only and not text.isascii()):
                continue
            fmt, aim = _ZBAR_FORMATS.get(r.type, (r.type, None))
            text = _upc_as_ean13(r.type, text)
            rect = r.rect
            box = (rect.left, rect.top, rect.width, rect.height)
            out.append(Decoded(text, fmt, aim, self.name, box, r.quality))
        return out


def _overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    # zbar gives a one-pixel-high box for a single scan line: widen by a margin.
    m = 4
    return ax - m < bx + bw and bx - m < ax + aw and ay - m < by + bh and by - m < ay + ah


class ChainDecoder:
    """Runs each decoder on the same (gray, possibly downscaled) frame and merges the results.

    A code read by several decoders is reported once, with the first decoder's details (zxing's
    AIM id). A weak read (zbar quality below `weak_quality`) that lies on a code an earlier
    decoder already read as a different text is dropped: in the measurements every such read was
    a misread of that code. `max_width` downscales wider frames first; boxes are in input pixels.

    `fallback_only`: a later decoder runs only when the earlier ones read nothing. `budget_ms`:
    no further decoder starts once this frame has used that much CPU time (the thread's own, so
    a busy machine does not change what is read).
    """

    name = "chain"

    def __init__(
        self,
        decoders: Sequence[Decoder],
        *,
        max_width: int | None = None,
        weak_quality: int = 12,
        fallback_only: bool = False,
        budget_ms: float | None = None,
    ) -> None:
        if not decoders:
            raise ValueError("a chain needs at least one decoder")
        self.decoders = tuple(decoders)
        self.max_width = max_width
        self.weak_quality = weak_quality
        self.fallback_only = fallback_only
        self.budget_ms = budget_ms

    def decode(self, image: Image) -> list[Decoded]:
        import cv2

        started = time.thread_time()
        gray = to_gray(image)
        scale = 1.0
        if self.max_width and gray.shape[1] > self.max_width:
            scale = gray.shape[1] / self.max_width
            height = round(gray.shape[0] / scale)
            gray = cv2.resize(gray, (self.max_width, height), interpolation=cv2.INTER_AREA)
        found: dict[str, Decoded] = {}
        for n, decoder in enumerate(self.decoders):
            if n and self._done(found, started):
                break
            earlier = list(found.values())
            for d in decoder.decode(gray):
                if d.text in found:
                    continue
                weak = d.quality is not None and d.quality < self.weak_quality
                if weak and any(_overlaps(d.box, e.box) for e in earlier):
                    log.debug("dropped weak %s read overlapping an earlier read", d.decoder)
                    continue
                if scale != 1.0:
                    x, y, w, h = d.box
                    box = (round(x * scale), round(y * scale), round(w * scale), round(h * scale))
                    d = Decoded(d.text, d.format, d.symbology, d.decoder, box, d.quality)
                found[d.text] = d
        return list(found.values())

    def _done(self, found: dict[str, Decoded], started: float) -> bool:
        if self.fallback_only and found:
            return True
        spent_ms = (time.thread_time() - started) * 1000
        return self.budget_ms is not None and spent_ms >= self.budget_ms


CAMERA_MAX_WIDTH = 960


def default_decoder() -> ChainDecoder:
    """The chain for stills (`scan image`), chosen from the measurements: zxing-cpp on every
    format, then pyzbar on linear codes and QR, both on every image at full resolution (a thin
    DataBar 1082 px wide is lost at 960 px). Live frames use `camera_decoder`."""
    return ChainDecoder([ZxingDecoder(), PyzbarDecoder(symbols=CHAIN_SYMBOLS)])


# What zxing-cpp looks for in camera frames: the codes a warehouse floor carries (our Code 128
# labels, GS1-128, EAN/UPC, ITF-14, DataBar, GS1 DataMatrix, QR). Leaving out PDF417, Aztec,
# MaxiCode and the rest cuts the time on a frame without a code by a third.
FLOOR_FORMATS = (
    "EAN-13,EAN-8,UPC-A,UPC-E,Code128,Code39,ITF,DataBar,DataBarExpanded,QRCode,DataMatrix"
)
# CPU ms of zxing-cpp after which zbar is not tried on a frame (see the module docstring).
CAMERA_ZBAR_BUDGET_MS = 12.0


def camera_decoder() -> ChainDecoder:
    """The chain for live frames: within a frame's time at 30 fps (bench/bench_scanning.py)."""
    return ChainDecoder(
        [ZxingDecoder(formats=FLOOR_FORMATS), PyzbarDecoder(symbols=CHAIN_SYMBOLS, density=2)],
        max_width=CAMERA_MAX_WIDTH,
        fallback_only=True,
        budget_ms=CAMERA_ZBAR_BUDGET_MS,
    )


def quiet_opencv() -> None:
    """OpenCV logs unreadable images to stderr itself; we report them our own way."""
    import cv2

    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)


def read_image(path: str) -> Image:
    """Grayscale image from a file; ValueError with a readable reason when it cannot be read."""
    import cv2
    import numpy as np

    quiet_opencv()
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except OSError as exc:
        raise ValueError(exc.strerror or "cannot read the file") from None
    if data.size == 0:
        raise ValueError("empty file")
    try:
        image = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
    except cv2.error as exc:  # e.g. a tiny PNG whose header declares 60000 x 60000 pixels
        reason = "image too large" if "CV_IO_MAX_IMAGE_PIXELS" in str(exc) else "corrupt image"
        raise ValueError(f"not an image OpenCV can read ({reason})") from None
    if image is None:
        raise ValueError("not an image OpenCV can read")
    return image


def decode_file(path: str, decoder: Decoder) -> list[Decoded]:
    """Decode an image file; raises ValueError with a readable reason when it cannot be read."""
    return decoder.decode(read_image(path))
