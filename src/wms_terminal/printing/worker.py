"""The printer worker: takes due print jobs from the outbox, draws them, prints them.

One pass (`print_due`): claim the due jobs of a station, read each one's document from the
database (`sources`), render it (`documents`) in the printer's format (PDF, or ZPL for a thermal
printer), send it, record the outcome (`outbox`). A printer error queues the job again after a
back-off; a document that cannot be drawn (no closed package behind it, an SSCC that fails its
check digit) fails it at once with the reason, for `print list` and `print retry`. `run` repeats
passes until stopped; the packing station runs it beside the screen so that the label prints on
the last verify scan, and `wms-terminal print work` runs it on its own.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime

from wms_terminal.core.db import Database
from wms_terminal.core.errors import WmsError
from wms_terminal.documents.barcodes import BarcodeDataError
from wms_terminal.documents.shipping_label import label_pdf, label_zpl
from wms_terminal.documents.slips import packing_slip_pdf

from . import outbox, sources
from .printers import Printer, PrinterError
from .settings import StationPrinters

log = logging.getLogger(__name__)


@dataclass
class PrintReport:
    printed: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def render(
    db: Database, job: outbox.ClaimedJob, printers: StationPrinters
) -> tuple[Printer, bytes, str, str]:
    """(printer, data, format, title) for a claimed job. WmsError or BarcodeDataError when the
    document cannot be drawn."""
    if job.package_id is None:
        raise WmsError(f"print job {job.id} names no package")
    with db.reading() as session:
        if job.kind == "shipping_label":
            label = sources.shipping_label(session, job.package_id)
            printer = printers.label
            if "pdf" in printer.formats:
                return printer, label_pdf(label), "pdf", f"label-{label.sscc}"
            return printer, label_zpl(label).encode(), "zpl", f"label-{label.sscc}"
        if job.kind == "packing_slip":
            slip = sources.packing_slip(session, package_id=job.package_id)
            data = packing_slip_pdf(slip, printers.paper)
            return printers.document, data, "pdf", f"slip-{slip.order}-{job.package_id}"
    raise WmsError(f"print job {job.id}: unknown kind {job.kind!r}")


def print_due(
    db: Database,
    printers: StationPrinters,
    worker: str,
    *,
    station: str | None = None,
    limit: int = 20,
    now: datetime | None = None,
) -> PrintReport:
    report = PrintReport()
    for job in outbox.claim_due(db, worker, station=station, limit=limit, now=now):
        try:
            printer, data, fmt, title = render(db, job, printers)
        except (WmsError, BarcodeDataError) as exc:
            log.error("print job %s (%s) cannot be drawn: %s", job.id, job.kind, exc.message)
            outbox.mark_failed(db, job.id, worker, exc.message, permanent=True, now=now)
            report.failed.append(job.id)
            continue
        try:
            where = printer.send(data, title=title, fmt=fmt)
        except PrinterError as exc:
            status = outbox.mark_failed(db, job.id, worker, exc.message, permanent=False, now=now)
            log.warning("print job %s try %s on %s: %s", job.id, job.attempt, printer.name,
                        exc.message)  # fmt: skip
            (report.failed if status == "failed" else report.retrying).append(job.id)
            continue
        outbox.mark_printed(db, job.id, worker, where, now=now)
        report.printed.append(job.id)
    return report


def run(
    db: Database,
    printers: StationPrinters,
    worker: str,
    stop: threading.Event,
    *,
    station: str | None = None,
    interval_s: float = 1.0,
) -> None:
    """Passes until `stop` is set: the next at once after one that printed, else after
    `interval_s`; a lost database (DatabaseUnavailable, a WmsError) is logged and tried again."""
    while not stop.is_set():
        try:
            report = print_due(db, printers, worker, station=station)
        except WmsError as exc:
            log.warning("printer worker: %s", exc.message)
            report = PrintReport()
        except Exception:  # a bug must not stop the station's printing: logged, tried again
            log.exception("printer worker: pass failed")
            report = PrintReport()
        if not report.printed:
            stop.wait(interval_s)
