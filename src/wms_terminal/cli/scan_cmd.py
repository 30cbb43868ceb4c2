"""`wms-terminal scan`: tools for support staff to see what a scanner or camera delivers.

scan inspect          raw scanner lines on stdin -> one JSON object per scan
scan image FILE...    decode image files -> one JSON object per file
scan camera           decode a camera, video file or stream -> one JSON object per scan, live
Output is JSON with ASCII escapes: control bytes and bidi characters from a barcode show as
\\uXXXX and can never act on the terminal.
"""

from __future__ import annotations

import argparse
import codecs
import json
import sys
import time
from typing import TYPE_CHECKING, Any

from wms_terminal.core.errors import ValidationError

if TYPE_CHECKING:
    from wms_terminal.scanning.wedge import WedgeDecoder


def register(scan: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    ssub = scan.add_subparsers(dest="scan_command", metavar="ACTION", required=True)

    ins = ssub.add_parser(
        "inspect",
        parents=[common],
        help="classify raw scanner lines read on stdin (one JSON object per scan)",
    )
    ins.add_argument(
        "--gs-substitute",
        metavar="CHAR",
        help="printable character the scanner sends for GS (default: WMS_SCANNER_GS_SUBSTITUTE)",
    )
    ins.add_argument(
        "--keep-aim", action="store_true", help="do not read and strip AIM identifiers"
    )
    ins.set_defaults(handler=_inspect)

    img = ssub.add_parser(
        "image", parents=[common], help="decode barcodes in image files (one JSON object per file)"
    )
    img.add_argument("files", metavar="FILE", nargs="+")
    img.set_defaults(handler=_image)

    cam = ssub.add_parser(
        "camera", parents=[common], help="decode a camera or video live (one JSON object per scan)"
    )
    where = cam.add_mutually_exclusive_group()
    where.add_argument("--device", metavar="N", type=int, help="camera device index (default 0)")
    where.add_argument("--file", metavar="VIDEO", help="a video file played as a camera")
    where.add_argument("--url", metavar="URL", help="a stream URL (rtsp://, http://)")
    cam.add_argument(
        "--seconds", type=float, metavar="S", help="stop after S seconds (default: until Ctrl-C)"
    )
    cam.set_defaults(handler=_camera)


def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=True) + "\n")
    sys.stdout.flush()


def _inspect(args: argparse.Namespace) -> int:
    from wms_terminal.scanning.wedge import WedgeConfig, WedgeDecoder

    try:
        base = WedgeConfig.from_env()
        sub = args.gs_substitute if args.gs_substitute is not None else base.gs_substitute
        # Lines on stdin carry no key timing: every line is a scanner burst, none is a repeat.
        config = WedgeConfig(
            gs_substitute=sub or None,
            strip_aim=not args.keep_aim,
            min_burst_length=1,
            max_key_gap_s=1.0,
            double_read_s=0.0,
        )
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    wedge = WedgeDecoder(config)
    # Line by line as it arrives (read1 returns what is there, no waiting for Ctrl-D), one JSON
    # object written and flushed per scan: support staff see each scan as they make it.
    decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
    line: list[str] = []
    t = 0.0
    stdin = sys.stdin.buffer
    while True:
        chunk = stdin.read1(65536) if hasattr(stdin, "read1") else stdin.read(65536)
        data = decoder.decode(chunk, final=not chunk)
        for ch in data if chunk else data + "\n":
            if ch not in config.terminators:
                line.append(ch)
                continue
            if not line:
                continue  # CR LF, or an empty line: a wedge sends no scan for it
            raw = "".join(line)
            line = []
            t += 10.0
            _emit(_inspect_one(wedge, raw, t))
        if not chunk:
            return 0


def _inspect_one(wedge: WedgeDecoder, raw: str, t: float) -> dict[str, Any]:
    from wms_terminal.scanning.symbology import classify

    dropped = wedge.dropped_controls
    scans = wedge.feed(raw, t) + wedge.feed("\r", t)
    text, symbology = (scans[0].text, scans[0].symbology) if scans else ("", None)
    result = classify(text, symbology).to_json()
    result["raw"] = raw
    result["symbology"] = symbology
    # Control characters a wedge never passes on: say so, they point at the scanner set-up.
    result["dropped_controls"] = wedge.dropped_controls - dropped
    return result


def _image(args: argparse.Namespace) -> int:
    from wms_terminal.scanning.decoders import decode_file, default_decoder

    decoder = default_decoder()
    failed = 0
    for path in args.files:
        try:
            codes = decode_file(path, decoder)
        except ValueError as exc:
            failed += 1
            _emit({"file": path, "codes": [], "error": f"cannot read {path}: {exc}"})
            continue
        except Exception as exc:  # one bad file is that file's error, never the end of the run
            failed += 1
            reason = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
            _emit({"file": path, "codes": [], "error": f"cannot decode {path}: {reason}"})
            continue
        _emit(
            {
                "file": path,
                "codes": [
                    {"text": c.text, "format": c.format, "symbology": c.symbology} for c in codes
                ],
                "error": None,
            }
        )
    return 1 if failed else 0


def _camera(args: argparse.Namespace) -> int:
    from wms_terminal.scanning.camera import CameraSource
    from wms_terminal.scanning.symbology import classify

    source: int | str = args.file or args.url or (args.device if args.device is not None else 0)
    camera = CameraSource(source)
    camera.start()
    deadline = time.monotonic() + args.seconds if args.seconds else None
    try:
        while not camera.ended:
            if deadline is not None and time.monotonic() >= deadline:
                break
            scan = camera.next_scan(timeout=0.25)
            if scan is None:
                continue
            result = classify(scan.text, scan.symbology).to_json()
            _emit(
                {
                    "text": scan.text,
                    "format": scan.format,
                    "symbology": scan.symbology,
                    "kind": result["kind"],
                    "fields": result["fields"],
                    "error": result["error"],
                    "warning": result["warning"],
                    "id": scan.id,
                    "at": scan.at,
                }
            )
    except KeyboardInterrupt:
        pass
    finally:
        camera.stop()
    if camera.error:
        print(f"wms-terminal: {camera.error}", file=sys.stderr)
        return 3
    return 0
