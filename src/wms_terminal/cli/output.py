"""Where a rendered document goes: a file (`--out FILE`) or a printer (`--printer URL`).

A file is written whole or not at all (a temporary file beside it, renamed). A printer is any
`printing.printers` setting: `file:///FOLDER`, `cups://QUEUE`, `tcp://HOST:9100` (ZPL only). The
document is rendered before anything is written or sent, so data that must not print (a bad
check digit) leaves no file and reaches no printer.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from wms_terminal.core.errors import NotFound, ValidationError, WmsError


def add_destination(parser: argparse.ArgumentParser, metavar: str) -> None:
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", metavar=metavar, help="file to write")
    where.add_argument(
        "--printer",
        metavar="URL",
        help="print instead: file:///FOLDER, cups://QUEUE, cups://SERVER/QUEUE, tcp://HOST:9100",
    )


def _render(render: Callable[[], bytes], count: int, what: str, nothing: str) -> bytes:
    from wms_terminal.documents.barcodes import BarcodeDataError

    if count == 0:
        raise NotFound(f"no {what} match these filters: {nothing}")
    try:
        return render()
    except BarcodeDataError as exc:
        raise ValidationError(f"cannot print {what}: {exc.message}") from None


def deliver(
    args: argparse.Namespace,
    render: Callable[[], bytes],
    count: int,
    what: str,
    *,
    suffix: str = ".pdf",
    title: str = "",
) -> int:
    """Render, then write `args.out` or send to `args.printer`; prints what was done."""
    if getattr(args, "printer", None):
        return _send(args.printer, render, count, what, fmt=suffix.lstrip("."), title=title)
    return write_file(args.out, render, count, what, suffix=suffix)


def _send(
    url: str, render: Callable[[], bytes], count: int, what: str, *, fmt: str, title: str
) -> int:
    from wms_terminal.printing.printers import PrinterError, printer_from_url

    try:
        printer = printer_from_url(url)
    except ValueError as exc:
        raise ValidationError(f"--printer: {exc}") from None
    if fmt not in printer.formats:
        raise ValidationError(f"--printer {url}: this printer does not print {fmt.upper()}")
    data = _render(render, count, what, f"nothing sent to {url}")
    try:
        where = printer.send(data, title=title or what, fmt=fmt)
    except PrinterError as exc:
        raise WmsError(f"{what} not printed: {exc.message}") from None
    print(f"sent {count} {what} to {where}")
    return 0


def write_file(
    path: str, render: Callable[[], bytes], count: int, what: str, *, suffix: str = ".pdf"
) -> int:
    """Render, then write FILE whole (a temporary file renamed) or not at all."""
    target = Path(path)
    if target.suffix.lower() != suffix:
        raise ValidationError(f"--out must name a {suffix} file, not {path!r}")
    if not target.parent.is_dir():
        raise ValidationError(f"no such directory: {target.parent}")
    data = _render(render, count, what, f"nothing written to {target}")
    try:  # a folder we may not write in (read-only, /proc): said, not a crash
        fd, tmp = tempfile.mkstemp(prefix=".wms-", suffix=suffix, dir=target.parent)
    except OSError as exc:
        raise ValidationError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ValidationError(f"cannot write {path}: {exc.strerror}") from None
    print(f"wrote {count} {what} to {target}")
    return 0
