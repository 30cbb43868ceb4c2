"""Printers: a spool folder, a real CUPS queue (cups-pdf) and raw ZPL over TCP with faults."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest

from tests.documents import samples
from tests.printing.conftest import Cups, FakeZebra
from wms_terminal.documents.shipping_label import label_pdf, label_zpl
from wms_terminal.printing.printers import (
    CupsPrinter,
    FilePrinter,
    PrinterError,
    RawPrinter,
    printer_from_url,
)


def test_spool_folder_gets_whole_files_and_never_overwrites(tmp_path: Path) -> None:
    printer = FilePrinter(tmp_path / "spool")
    pdf = label_pdf(samples.label())
    first = Path(printer.send(pdf, title="label 040123450000000016/../x", fmt="pdf"))
    second = Path(printer.send(pdf, title="label 040123450000000016/../x", fmt="pdf"))
    assert first.parent == second.parent == tmp_path / "spool" and first != second
    assert first.read_bytes() == pdf and second.read_bytes() == pdf
    assert sorted(p.name for p in (tmp_path / "spool").iterdir()) == sorted(
        [first.name, second.name]
    )  # no partial files left


def test_an_unwritable_spool_folder_is_a_printer_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(PrinterError, match="cannot write to the spool folder"):
        FilePrinter(blocker / "spool").send(b"%PDF", title="t", fmt="pdf")


def test_cups_queue_prints_the_label_through_lp(cups: Cups) -> None:
    label = samples.label(11)
    title = f"wms-{uuid.uuid4().hex[:12]}"
    job = CupsPrinter(cups.queue, server=cups.server).send(label_pdf(label), title=title, fmt="pdf")
    assert job.startswith(f"{cups.queue}-")
    landed = cups.landed(title)
    try:
        text = subprocess.run(
            ["pdftotext", str(landed), "-"], check=True, capture_output=True, text=True
        ).stdout
        assert f"(00){label.sscc}" in text and "Package 2 of 3" in text
    finally:
        landed.unlink()


def test_an_unknown_cups_queue_or_a_dead_server_is_a_printer_error(
    cups: Cups, tmp_path: Path
) -> None:
    with pytest.raises(PrinterError, match="CUPS queue nope"):
        CupsPrinter("nope", server=cups.server).send(b"%PDF-1.4", title="t", fmt="pdf")
    dead = CupsPrinter(cups.queue, server=str(tmp_path / "no.sock"), timeout_s=20)
    with pytest.raises(PrinterError, match=f"CUPS queue {cups.queue}"):
        dead.send(b"%PDF-1.4", title="t", fmt="pdf")
    with pytest.raises(PrinterError, match="does not print ZPL"):
        CupsPrinter(cups.queue).send(b"^XA^XZ", title="t", fmt="zpl")


def test_raw_printer_sends_zpl_and_waits_for_the_status_answer(zebra: FakeZebra) -> None:
    zpl = label_zpl(samples.label(4)).encode()
    assert RawPrinter("127.0.0.1", zebra.port, timeout_s=5).send(zpl, title="x", fmt="zpl")
    assert zebra.received == [zpl]


def test_paper_out_is_said_where_the_job_shows_and_not_sent_twice(zebra: FakeZebra) -> None:
    zebra.status = (
        b"\x02030,1,1,1245,000,0,0,0,000,0,0,0\x03\r\n"
        b"\x02000,0,1,0,0,2,4,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n"
    )
    zpl = label_zpl(samples.label(4)).encode()
    where = RawPrinter("127.0.0.1", zebra.port, timeout_s=5).send(zpl, title="x", fmt="zpl")
    assert where == f"127.0.0.1:{zebra.port} (paper out, paused, head open: prints when fixed)"
    assert zebra.received == [zpl]


def test_a_printer_that_drops_or_stalls_fails_the_job(zebra: FakeZebra) -> None:
    zpl = label_zpl(samples.label(4)).encode()
    zebra.mode = "drop"
    with pytest.raises(PrinterError, match=r"closed the connection|Connection reset"):
        RawPrinter("127.0.0.1", zebra.port, timeout_s=5).send(zpl, title="x", fmt="zpl")
    zebra.mode = "stall"
    with pytest.raises(PrinterError, match="did not answer in time"):
        RawPrinter("127.0.0.1", zebra.port, timeout_s=1).send(zpl, title="x", fmt="zpl")
    zebra.close()  # nothing listening any more
    with pytest.raises(PrinterError, match="refused"):
        RawPrinter("127.0.0.1", zebra.port, timeout_s=1).send(zpl, title="x", fmt="zpl")
    assert zebra.received == []


def test_printers_from_settings() -> None:
    assert isinstance(printer_from_url("file:///var/spool/wms"), FilePrinter)
    queue = printer_from_url("cups://labels")
    assert isinstance(queue, CupsPrinter) and queue.queue == "labels" and queue.server is None
    remote = printer_from_url("cups://print.local:631/labels")
    assert isinstance(remote, CupsPrinter) and (remote.server, remote.queue) == (
        "print.local:631",
        "labels",
    )
    sock = printer_from_url("cups:///run/cups.sock?queue=pdf")
    assert isinstance(sock, CupsPrinter) and (sock.server, sock.queue) == ("/run/cups.sock", "pdf")
    raw = printer_from_url("tcp://10.0.0.7")
    assert isinstance(raw, RawPrinter) and (raw.host, raw.port, raw.confirm) == (
        "10.0.0.7",
        9100,
        True,
    )
    blind = printer_from_url("tcp://10.0.0.7:6101?confirm=no")
    assert isinstance(blind, RawPrinter) and (blind.port, blind.confirm) == (6101, False)
    with pytest.raises(ValueError, match="use file:///FOLDER"):
        printer_from_url("lpt1:")
