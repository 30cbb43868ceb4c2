"""Printer settings of a station, from the environment.

WMS_PRINTER_LABEL     where shipping labels go: file:///FOLDER, cups://QUEUE,
                      cups://SERVER/QUEUE or tcp://HOST[:9100] (ZPL); default: the spool folder
WMS_PRINTER_DOCUMENT  where packing slips go (PDF: a folder or a CUPS queue); default: the spool
WMS_PRINT_SPOOL       the spool folder (default: `spool` in the user's data directory)
WMS_PAPER             A4 or Letter, for slips and pick sheets (default A4)

A label printer that takes PDF gets the PDF label; a thermal printer (tcp://) gets ZPL.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from wms_terminal.config import default_data_dir
from wms_terminal.core.errors import ConfigurationError
from wms_terminal.documents.slips import page_size

from .printers import FilePrinter, Printer, printer_from_url


@dataclass(frozen=True)
class StationPrinters:
    label: Printer
    document: Printer
    paper: str = "A4"


def spool_folder() -> Path:
    raw = os.environ.get("WMS_PRINT_SPOOL", "").strip()
    return Path(raw) if raw else default_data_dir() / "spool"


def paper() -> str:
    raw = os.environ.get("WMS_PAPER", "").strip() or "A4"
    try:
        page_size(raw)
    except ValueError as exc:
        raise ConfigurationError(f"WMS_PAPER: {exc}") from None
    return "LETTER" if raw.upper() == "LETTER" else "A4"


def _printer(variable: str, name: str) -> Printer:
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return FilePrinter(spool_folder(), name="spool")
    try:
        return printer_from_url(raw, name=name)
    except ValueError as exc:
        raise ConfigurationError(f"{variable}: {exc}") from None


def station_printers() -> StationPrinters:
    return StationPrinters(
        label=_printer("WMS_PRINTER_LABEL", "label printer"),
        document=_printer("WMS_PRINTER_DOCUMENT", "document printer"),
        paper=paper(),
    )
