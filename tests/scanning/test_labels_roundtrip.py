"""Labels: database -> `wms-terminal labels` -> PDF -> PNG (pdftoppm) -> decode -> classify."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import IN_CI

from wms_terminal.cli import main
from wms_terminal.documents import barcodes, labels
from wms_terminal.scanning import Kind, classify
from wms_terminal.scanning.decoders import ZxingDecoder, default_decoder, read_image

# Skipped only on a machine without poppler-utils; under CI=true that is a failure instead.
_NO_POPPLER = "pdftoppm (poppler-utils) not installed"
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None and not IN_CI, reason=_NO_POPPLER
)


def pdf_pages(pdf: Path, tmp_path: Path, dpi: int = 200) -> list[Path]:
    if shutil.which("pdftoppm") is None:
        pytest.fail(f"{_NO_POPPLER}; CI must run the label round trips (make setup installs it)")
    prefix = tmp_path / pdf.stem
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(prefix)], check=True)
    return sorted(tmp_path.glob(f"{pdf.stem}-*.png"))


def decoded_kinds(pages: list[Path]) -> list[tuple[Kind, str, dict]]:
    decoder = default_decoder()
    out = []
    for page in pages:
        for code in decoder.decode(read_image(str(page))):
            result = classify(code.text, code.symbology)
            assert result.error is None, (code.text, result.error)
            out.append((result.kind, code.text, result.to_json()["fields"]))
    return out


@needs_poppler
def test_location_labels_round_trip_to_the_same_locations(floor: Any, tmp_path: Path) -> None:
    out = tmp_path / "loc.pdf"
    assert main(["labels", "locations", "--database", floor.url, "--out", str(out)]) == 0
    found = decoded_kinds(pdf_pages(out, tmp_path))
    assert {k for k, _t, _f in found} == {Kind.LOCATION}
    # Both warehouses: 12 MAIN locations and 1 NORTH, each exactly once.
    assert sorted(t for _k, t, _f in found) == sorted([*floor.locations, "L-NORTH-01-01-1L"])


@needs_poppler
def test_location_filters_select_warehouse_zone_and_aisle(floor: Any, tmp_path: Path) -> None:
    out = tmp_path / "zone.pdf"
    args = ["labels", "locations", "--database", floor.url, "--warehouse", "MAIN"]
    assert main([*args, "--zone", "A", "--aisle", "2", "--out", str(out)]) == 0
    found = decoded_kinds(pdf_pages(out, tmp_path))
    assert sorted(f["aisle"] for _k, _t, f in found) == [2, 2, 2, 2]
    assert {f["warehouse"] for _k, _t, f in found} == {"MAIN"}


@needs_poppler
def test_tote_labels_round_trip(floor: Any, tmp_path: Path) -> None:
    out = tmp_path / "totes.pdf"
    assert (
        main(["labels", "totes", "--database", floor.url, "--warehouse", "MAIN", "--out", str(out)])
        == 0
    )
    found = decoded_kinds(pdf_pages(out, tmp_path))
    assert {k for k, _t, _f in found} == {Kind.TOTE}
    assert sorted(t for _k, t, _f in found) == sorted(floor.totes)


@needs_poppler
def test_badges_round_trip_and_names_print_as_written(floor: Any, tmp_path: Path) -> None:
    out = tmp_path / "badges.pdf"
    assert (
        main(["labels", "badges", "--database", floor.url, "--role", "picker", "--out", str(out)])
        == 0
    )
    found = decoded_kinds(pdf_pages(out, tmp_path))
    pickers = {code for code, name in floor.badges.items() if not name.startswith("Bob")}
    assert {t for _k, t, _f in found} == pickers
    text = subprocess.run(
        ["pdftotext", str(out), "-"], check=True, capture_output=True, text=True
    ).stdout
    # Markup in a name is printed literally, never interpreted (escape() before Paragraph).
    assert "Ann <b>Ørsted</b> & [@click=app.quit]" in " ".join(text.split())


@needs_poppler
def test_command_cheat_sheet_round_trips_every_command(tmp_path: Path) -> None:
    out = tmp_path / "commands.pdf"
    assert main(["labels", "commands", "--out", str(out)]) == 0
    found = decoded_kinds(pdf_pages(out, tmp_path))
    from wms_terminal.core.codes import Command

    assert sorted(f["command"] for _k, _t, f in found) == sorted(c.value for c in Command)


@needs_poppler
def test_gs1_128_carries_a_real_fnc1_and_round_trips(tmp_path: Path) -> None:
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    elements = [("01", "09504000059101"), ("10", "LOT-7"), ("17", "250131"), ("21", "SN1")]
    symbol = barcodes.gs1_128(elements)
    pdf = tmp_path / "gs1.pdf"
    canvas = Canvas(str(pdf))
    barcodes.draw(canvas, symbol, 20 * mm, 200 * mm, 0.33 * mm, 25 * mm)
    canvas.save()
    (page,) = pdf_pages(pdf, tmp_path, dpi=300)
    (code,) = ZxingDecoder().decode(read_image(str(page)))
    assert code.symbology == "]C1"  # FNC1 in first position: a GS1-128, not a Code 128
    assert code.text == "0109504000059101" + "10LOT-7\x1d17250131" + "21SN1"
    assert classify(code.text, code.symbology).fields["ai"] == dict(elements)


def test_barcode_data_is_validated_before_printing() -> None:
    with pytest.raises(barcodes.BarcodeDataError, match="check digit"):
        barcodes.ean13("5901234123458")  # python-barcode would silently "fix" this to ...457
    with pytest.raises(barcodes.BarcodeDataError, match="check digit"):
        barcodes.gs1_128([("01", "09504000059102")])
    with pytest.raises(barcodes.BarcodeDataError, match="date"):
        barcodes.gs1_128([("01", "09504000059101"), ("17", "251340")])
    with pytest.raises(barcodes.BarcodeDataError, match="unknown GS1 AI"):
        barcodes.gs1_128([("99999", "x")])
    with pytest.raises(barcodes.BarcodeDataError):
        barcodes.code128("L-MAIN\x11")
    assert barcodes.ean13("5901234123457").human == "5901234123457"


def test_a_code_too_long_for_its_label_is_refused(tmp_path: Path) -> None:
    long = labels.LocationLabel("L-" + "X" * 40, "x", "MAIN")
    with pytest.raises(barcodes.BarcodeDataError, match="too long"):
        labels.location_sheet([long])


def test_labels_cli_reports_bad_output_and_unknown_warehouse(
    floor: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["labels", "commands", "--out", str(tmp_path / "x.txt")]) == 2
    code = main(
        [
            "labels",
            "totes",
            "--database",
            floor.url,
            "--warehouse",
            "NOPE",
            "--out",
            str(tmp_path / "t.pdf"),
        ]
    )
    assert code == 1
    assert "no warehouse with code 'NOPE'" in capsys.readouterr().err
    assert not (tmp_path / "t.pdf").exists()


def test_sheets_are_reproducible_pdfs() -> None:
    items = [labels.ToteLabel("T-MAIN-0001", "MAIN")]
    first = labels.tote_sheet(items)
    assert first.startswith(b"%PDF") and first == labels.tote_sheet(items)


def test_unknown_zone_or_nothing_to_print_writes_no_pdf(
    floor: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "z.pdf"
    base = ["labels", "locations", "--database", floor.url, "--out", str(out)]
    assert main([*base, "--zone", "Q"]) == 1
    assert "no zone 'Q'; zones: " in capsys.readouterr().err
    assert main([*base, "--aisle", "999"]) == 1
    assert "no location labels match these filters: nothing written" in capsys.readouterr().err
    assert not out.exists()
