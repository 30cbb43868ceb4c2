"""The print outbox on both backends: a closed package's label and slip printed by the worker,
a printer that is down loses no label, failures visible and retried, a reprint keeps the SSCC
and is audited, two workers never print one job; the documents and print commands."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.packing.conftest import Station
from tests.picking.helpers import rows, scalar
from tests.printing.conftest import FakeZebra
from tests.scanning.test_labels_roundtrip import needs_poppler, pdf_pages
from wms_terminal.cli import main
from wms_terminal.core.codes import Command
from wms_terminal.core.db import Database
from wms_terminal.core.models._base import utcnow
from wms_terminal.packing.flow import PackFlow
from wms_terminal.printing import outbox, sources
from wms_terminal.printing.printers import FilePrinter, RawPrinter
from wms_terminal.printing.settings import StationPrinters
from wms_terminal.printing.worker import print_due
from wms_terminal.scanning import classify, gs1
from wms_terminal.scanning.decoders import default_decoder, read_image


def close_package(station: Station, flags: tuple[str, ...] = ()) -> tuple[str, str]:
    """Pack one order of two units into one box; returns (order number, SSCC)."""
    fl = station.floor
    order = fl.order([(1, 2)], flags=flags)
    (tote,) = station.pick_all()
    flow = PackFlow(station.db, station.packer)
    flow.scan(tote)
    flow.scan(fl.gtin(1))
    v = flow.scan(fl.gtin(1))
    assert v.expect == "box" and v.barcode, v
    v = flow.scan(v.barcode)
    assert v.expect == "weight" and v.expected_kg is not None, v
    v = flow.key_weight(round(v.expected_kg * 1000))
    assert v.expect == "label" and v.barcode, v.error
    return order, v.barcode


def spool(tmp_path: Path) -> StationPrinters:
    return StationPrinters(FilePrinter(tmp_path / "labels"), FilePrinter(tmp_path / "slips"))


def text_of(pdf: Path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages)


def jobs(db: Database) -> list[tuple[str, str]]:
    return [(k, s) for k, s in rows(db, "SELECT kind, status FROM print_job ORDER BY id")]


@needs_poppler
def test_a_closed_package_prints_its_label_and_slip(station: Station, tmp_path: Path) -> None:
    order, sscc = close_package(station, flags=("GIFT",))
    report = print_due(station.db, spool(tmp_path), "w1")
    assert len(report.printed) == 2 and not report.failed and not report.retrying
    assert jobs(station.db) == [("packing_slip", "printed"), ("shipping_label", "printed")]
    (label,) = (tmp_path / "labels").iterdir()
    (slip,) = (tmp_path / "slips").iterdir()
    # The label's SSCC as the scanner reads it: GS1-128, AI 00, valid check digit, the package's.
    decoder = default_decoder()
    pages = pdf_pages(label, tmp_path)
    codes = [c for page in pages for c in decoder.decode(read_image(str(page)))]
    (gs1_code,) = [c for c in codes if c.symbology == "]C1"]
    read = classify(gs1_code.text, gs1_code.symbology).fields["ai"]["00"]
    assert read == sscc and gs1.check_digit_ok(read)
    tracking = scalar(station.db, "SELECT tracking_number FROM package WHERE sscc = :s", s=sscc)
    assert tracking in {c.text for c in codes}
    text = text_of(label)
    assert "Package 1 of 1" in text and f"Order {order}" in text
    slip_text = text_of(slip)
    assert order in slip_text and "Gift" in slip_text and "€" not in slip_text
    assert print_due(station.db, spool(tmp_path), "w1").printed == []  # nothing printed twice


def test_a_printer_that_is_down_loses_no_label(
    station: Station, zebra: FakeZebra, tmp_path: Path
) -> None:
    _order, sscc = close_package(station)
    printers = StationPrinters(
        RawPrinter("127.0.0.1", zebra.port, timeout_s=0.5), FilePrinter(tmp_path / "slips")
    )
    zebra.mode = "stall"  # takes the connection, never answers: the label is not counted
    now = utcnow()
    report = print_due(station.db, printers, "w1", now=now)
    assert len(report.retrying) == 1 and len(report.printed) == 1  # the slip went to its folder
    (job,) = outbox.list_jobs(station.db, status="queued")
    assert job.kind == "shipping_label" and job.sscc == sscc and job.attempts == 1
    assert "did not answer" in job.last_error
    assert job.next_attempt_at is not None and job.next_attempt_at > now
    # Not due again before its back-off; then the printer is back and the label prints.
    assert print_due(station.db, printers, "w1", now=now + timedelta(seconds=1)).printed == []
    zebra.mode = "ok"
    later = print_due(station.db, printers, "w1", now=now + timedelta(minutes=1))
    assert later.printed == [job.id]
    (zpl,) = zebra.received
    assert f">;>800{sscc}".encode() in zpl
    assert jobs(station.db) == [("packing_slip", "printed"), ("shipping_label", "printed")]


def test_out_of_attempts_the_job_fails_visibly_and_retry_prints_it(
    station: Station, tmp_path: Path, wms_pin: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _order, sscc = close_package(station)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")
    broken = StationPrinters(FilePrinter(blocked / "labels"), FilePrinter(blocked / "slips"))
    at = utcnow()
    for _ in range(outbox.MAX_ATTEMPTS):
        print_due(station.db, broken, "w1", now=at)
        at += timedelta(hours=2)
    failed = outbox.list_jobs(station.db, status="failed")
    assert len(failed) == 2 and all(j.attempts == outbox.MAX_ATTEMPTS for j in failed)
    url = str(station.db.engine.url.render_as_string(hide_password=False))
    assert main(["print", "list", "--status", "failed", "--database", url]) == 0
    out = capsys.readouterr().out
    assert "cannot write to the spool folder" in out and sscc in out
    label_job = next(j for j in failed if j.kind == "shipping_label")
    badge = ["--badge", station.sup_badge]
    assert main(["print", "retry", str(label_job.id), "--database", url, *badge]) == 0
    assert "queued again" in capsys.readouterr().out
    assert print_due(station.db, spool(tmp_path), "w1", now=at).printed == [label_job.id]
    assert main(["print", "retry", str(label_job.id), "--database", url, *badge]) == 2
    assert "is printed: nothing to retry" in capsys.readouterr().err


def test_a_reprint_keeps_the_sscc_and_is_audited(
    station: Station, tmp_path: Path, wms_pin: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _order, sscc = close_package(station)
    print_due(station.db, spool(tmp_path), "w1")
    url = str(station.db.engine.url.render_as_string(hide_password=False))
    args = ["print", "reprint", "--sscc", sscc, "--reason", "torn", "--json"]
    assert main([*args, "--database", url, "--badge", station.sup_badge]) == 0
    job = json.loads(capsys.readouterr().out)
    assert job["sscc"] == sscc and job["status"] == "queued" and job["kind"] == "shipping_label"
    assert print_due(station.db, spool(tmp_path), "w1").printed == [job["id"]]
    labels = sorted((tmp_path / "labels").iterdir())
    assert len(labels) == 2 and all(f"(00){sscc}" in text_of(p) for p in labels)
    assert scalar(station.db, "SELECT COUNT(DISTINCT sscc) FROM package") == 1
    audit = rows(station.db, "SELECT action, reason_code FROM audit_log WHERE entity = 'package'")
    assert ("label_reprinted", "torn") in audit
    assert main(["print", "reprint", "--sscc", "000000000000000000", "--database", url,
                 "--badge", station.sup_badge]) == 1  # fmt: skip
    assert "no package with SSCC" in capsys.readouterr().err


def test_two_workers_never_hold_one_job(station: Station) -> None:
    for _ in range(3):
        close_package(station)
    got: dict[str, list[int]] = {}
    start = threading.Barrier(2)

    def claim(worker: str) -> None:
        start.wait()
        got[worker] = [j.id for j in outbox.claim_due(station.db, worker, limit=4)]

    threads = [threading.Thread(target=claim, args=(w,)) for w in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not set(got["a"]) & set(got["b"])
    assert len(got["a"]) + len(got["b"]) == 6
    # A worker that stopped: its claim runs out and another takes the job; the first cannot
    # then record it.
    first = got["a"][0] if got["a"] else got["b"][0]
    owner = "a" if got["a"] else "b"
    later = utcnow() + outbox.LEASE + timedelta(seconds=1)
    taken = [j.id for j in outbox.claim_due(station.db, "c", now=later)]
    assert first in taken
    assert outbox.mark_printed(station.db, first, owner, "x") is False
    assert outbox.mark_printed(station.db, first, "c", "x") is True


@needs_poppler
def test_documents_commands_render_label_slip_and_pick_sheet(
    station: Station, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    order, sscc = close_package(station)
    url = str(station.db.engine.url.render_as_string(hide_password=False))
    pdf, zpl = tmp_path / "l.pdf", tmp_path / "l.zpl"
    assert main(["documents", "label", "--sscc", sscc, "--out", str(pdf), "--database", url]) == 0
    zpl_args = ["documents", "label", "--sscc", sscc, "--zpl", "--out", str(zpl)]
    assert main([*zpl_args, "--database", url]) == 0
    assert f"(00){sscc}" in text_of(pdf) and f">;>800{sscc}" in zpl.read_text()
    slip = tmp_path / "s.pdf"
    assert main(["documents", "slip", "--order", order, "--paper", "letter", "--out", str(slip),
                 "--database", url]) == 0  # fmt: skip
    assert order in text_of(slip)
    list_id = scalar(station.db, "SELECT MIN(id) FROM pick_list")
    sheet = tmp_path / "p.pdf"
    assert main(["documents", "picklist", "--list", str(list_id), "--out", str(sheet),
                 "--database", url]) == 0  # fmt: skip
    assert f"Pick list {list_id}" in text_of(sheet) and station.floor.sku(1) in text_of(sheet)
    capsys.readouterr()
    assert main(["documents", "label", "--sscc", "123", "--out", str(pdf), "--database", url]) == 1
    assert "no package with SSCC '123'" in capsys.readouterr().err
    missing = ["documents", "picklist", "--list", "999999", "--out", str(sheet)]
    assert main([*missing, "--database", url]) == 1
    assert "no pick list 999999" in capsys.readouterr().err


def test_print_work_once_prints_to_the_spool_of_the_settings(
    station: Station, tmp_path: Path, wms_pin: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    _order, sscc = close_package(station)
    monkeypatch.setenv("WMS_PRINT_SPOOL", str(tmp_path / "spool"))
    monkeypatch.setenv("WMS_PAPER", "Letter")
    monkeypatch.delenv("WMS_PRINTER_LABEL", raising=False)
    monkeypatch.delenv("WMS_PRINTER_DOCUMENT", raising=False)
    url = str(station.db.engine.url.render_as_string(hide_password=False))
    args = ["print", "work", "--once", "--database", url, "--badge", station.sup_badge]
    assert main(args) == 0
    assert "printed 2, retrying later 0, failed 0" in capsys.readouterr().out
    names = sorted(p.name for p in (tmp_path / "spool").iterdir())
    assert names[0] == f"label-{sscc}.pdf" and names[1].startswith("slip-")
    monkeypatch.setenv("WMS_PRINTER_LABEL", "lpt1:")
    assert main(args) == 2  # a configuration error: nothing claimed
    assert "WMS_PRINTER_LABEL: printer 'lpt1:'" in capsys.readouterr().err


def test_documents_and_label_sheets_go_to_a_printer(
    station: Station, zebra: FakeZebra, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _order, sscc = close_package(station)
    url = str(station.db.engine.url.render_as_string(hide_password=False))
    thermal = f"tcp://127.0.0.1:{zebra.port}"
    label = ["documents", "label", "--sscc", sscc, "--database", url]
    assert main([*label, "--zpl", "--printer", thermal]) == 0
    (zpl,) = zebra.received
    assert f">;>800{sscc}".encode() in zpl
    assert main([*label, "--printer", thermal]) == 2  # a PDF to a ZPL printer: refused
    assert "does not print PDF" in capsys.readouterr().err
    zebra.mode = "drop"
    assert main([*label, "--zpl", "--printer", thermal]) == 1
    assert "label not printed: printer 127.0.0.1" in capsys.readouterr().err
    folder = tmp_path / "sheets"
    assert main(["labels", "commands", "--printer", f"file://{folder}"]) == 0
    (sheet,) = folder.iterdir()
    assert sheet.read_bytes().startswith(b"%PDF")
    assert f"command barcodes to {sheet}" in capsys.readouterr().out
    assert main(["labels", "commands", "--printer", "lpt1:"]) == 2
    assert "--printer: printer 'lpt1:'" in capsys.readouterr().err


def test_package_n_of_n_is_printed_from_the_box_plan_before_the_last_unit(
    station: Station, tmp_path: Path
) -> None:
    fl = station.floor
    fl.order([(1, 2)])
    (tote,) = station.pick_all()
    flow = PackFlow(station.db, station.packer)
    flow.scan(tote)
    flow.scan(fl.gtin(1))
    flow.command(Command.DONE)  # one unit in this box, the other in the next
    flow.scan("BOX-S")
    first = flow.key_weight(101 + 150).barcode
    assert first
    print_due(station.db, spool(tmp_path), "w1")
    label_one = tmp_path / "labels" / f"label-{first}.pdf"
    # Printed at once, while a unit is still to pack: N is the box plan's (one box for the rest).
    assert "Package 1 of 2" in text_of(label_one)
    flow.scan(first)
    flow.scan(fl.gtin(1))
    flow.scan("BOX-S")
    second = flow.key_weight(101 + 150).barcode
    print_due(station.db, spool(tmp_path), "w1")
    assert "Package 2 of 2" in text_of(tmp_path / "labels" / f"label-{second}.pdf")
    with station.db.reading() as session:  # the plan held: no relabel, a reprint says 1 of 2
        package_id = sources.package_id_for_sscc(session, first)
        assert sources.shipping_label(session, package_id).package_text == "Package 1 of 2"
    assert scalar(station.db, "SELECT COUNT(*) FROM print_job WHERE kind = 'shipping_label'") == 2
