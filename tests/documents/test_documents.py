"""Shipping labels, packing slips and pick sheets: text read back with pypdf, barcodes read back
from the rendered page (pdftoppm + the scanning layer's decoders)."""

from __future__ import annotations

import dataclasses
import io
import itertools
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.documents import samples
from tests.scanning.test_labels_roundtrip import needs_poppler, pdf_pages
from wms_terminal.documents import barcodes
from wms_terminal.documents.pick_sheet import pick_sheet_pdf
from wms_terminal.documents.shipping_label import Address, label_pdf, label_zpl, labels_pdf
from wms_terminal.documents.slips import packing_slip_pdf
from wms_terminal.scanning import classify, gs1
from wms_terminal.scanning.decoders import default_decoder, read_image


def pdf_text(pdf: bytes) -> list[str]:
    """Each page's text, whitespace runs collapsed."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def decoded(pdf: bytes, tmp_path: Path, name: str = "doc") -> list[tuple[str, str | None]]:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    decoder = default_decoder()
    return [
        (code.text, code.symbology)
        for page in pdf_pages(path, tmp_path, dpi=200)
        for code in decoder.decode(read_image(str(page)))
    ]


@needs_poppler
def test_label_sscc_decodes_as_gs1_128_with_a_valid_check_digit(tmp_path: Path) -> None:
    label = samples.label(7)
    codes = decoded(label_pdf(label), tmp_path)
    gs1_codes = [(t, s) for t, s in codes if s == "]C1"]
    assert len(gs1_codes) == 1  # FNC1 first: a GS1-128, not a plain Code 128
    text, symbology = gs1_codes[0]
    fields = classify(text, symbology).fields
    assert fields["ai"]["00"] == label.sscc
    assert gs1.check_digit_ok(fields["ai"]["00"])
    assert (label.tracking, "]C0") in codes


def test_label_prints_addresses_carrier_and_package_n_of_n_as_written() -> None:
    (text,) = pdf_text(label_pdf(samples.label()))
    for expected in (
        "Дмитрий Ørsted <b>&amp;",  # markup and entities stay text, Cyrillic stays Cyrillic
        "Οδός Ελένης 5",
        "90-001 Łódź",
        "Hafenstraße 1",
        "DHL",
        "Parcel Express",
        "Package 2 of 3",
        "Order SO-000123",
        "1.23 kg",
        "JD0146000000000001",
        f"(00){samples.sscc(1)}",
        "GIFT",
    ):
        assert expected in text, expected


def test_a_wrong_sscc_or_tracking_number_is_refused_in_pdf_and_zpl() -> None:
    good = samples.sscc(5)
    wrong = good[:-1] + str((int(good[-1]) + 1) % 10)
    bad = samples.label(sscc=wrong)
    with pytest.raises(barcodes.BarcodeDataError, match="check digit"):
        label_pdf(bad)
    with pytest.raises(barcodes.BarcodeDataError, match="check digit"):
        label_zpl(bad)
    with pytest.raises(barcodes.BarcodeDataError, match="tracking"):
        label_zpl(samples.label(tracking="AB^XZ"))


def _zpl_fields(zpl: str) -> list[str]:
    """Text of every ^FH_^FD field, hex escapes decoded."""
    out = []
    for raw in re.findall(r"\^FH_\^FD(.*?)\^FS", zpl):
        data = re.sub(rb"_([0-9A-F]{2})", lambda m: bytes([int(m[1], 16)]), raw.encode())
        out.append(data.decode("utf-8"))
    return out


def test_zpl_carries_the_same_data_and_escapes_every_command_character() -> None:
    label = samples.label(3, ship_to=samples.Address("Eve ^XZ~JR", ("Street ^FD 1",)))
    zpl = label_zpl(label)
    assert zpl.startswith("^XA\n^CI28") and zpl.rstrip().endswith("^XZ")
    assert zpl.count("^XZ") == 1 and "~JR" not in zpl  # a name cannot end the label or reset
    fields = _zpl_fields(zpl)
    for expected in ("Eve ^XZ~JR", "Street ^FD 1", "DHL", "Parcel Express", "Package 2 of 3",
                     "Main warehouse", "Hafenstraße 1", f"(00){label.sscc}"):  # fmt: skip
        assert expected in fields, expected
    assert f"^FD>;>800{label.sscc}^FS" in zpl  # subset C, FNC1, AI 00
    assert f"^FD>:{label.tracking}^FS" in zpl
    (pdf_page,) = pdf_text(label_pdf(label))
    assert "Eve ^XZ~JR" in pdf_page  # the same data on both
    # Everything starts on the 4x6 in label at 203 dpi (812 x 1218 dots); the barcodes fit across.
    for x, y in re.findall(r"\^FO(\d+),(\d+)", zpl):
        assert 0 <= int(x) < 812 and 0 <= int(y) < 1218
    symbols = [barcodes.code128(label.tracking), barcodes.gs1_128([("00", label.sscc)])]
    placed = re.findall(r"\^FO(\d+),\d+\^BY(\d)", zpl)
    assert len(placed) == 2
    for (x, dots), symbol in zip(placed, symbols, strict=True):
        left, module = int(x), int(dots)
        bars = symbol.width_modules - 2 * barcodes.QUIET_MODULES
        assert 2 <= module <= 4  # whole dots: no uneven bars
        assert left >= 10 * module and left + (bars + 10) * module <= 812  # quiet zones fit


def test_labels_pdf_has_one_4x6_page_per_label() -> None:
    pdf = labels_pdf([samples.label(i) for i in range(1, 4)])
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 3
    assert [round(float(v)) for v in pages[0].mediabox[2:]] == [288, 432]
    assert label_pdf(samples.label()) == label_pdf(samples.label())  # reproducible bytes


@needs_poppler
def test_gift_slip_has_no_prices_and_prints_the_message_as_written(tmp_path: Path) -> None:
    pdf = packing_slip_pdf(samples.slip(gift=True), "Letter")
    (text,) = pdf_text(pdf)
    assert "Happy <b>birthday</b> Με αγάπη" in text
    assert "Gift · VIP" in text
    assert "Mug <i>blue</i> & white" in text and "Чайник" in text
    assert "€" not in text and "Price" not in text and "Total" not in text
    assert "Returns" in text and "Дмитрий Ørsted <b>&amp;" in text
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert [round(float(v)) for v in page.mediabox[2:]] == [612, 792]
    assert ("SO-000123", "]C0") in decoded(pdf, tmp_path)


def test_a_normal_slip_has_prices_shipping_and_total_on_a4() -> None:
    pdf = packing_slip_pdf(samples.slip(gift=False), "a4")
    (text,) = pdf_text(pdf)
    assert "€7.50" in text and "€15.00" in text and "€4.95" in text and "€39.95" in text
    assert "Gift message" not in text
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert [round(float(v)) for v in page.mediabox[2:]] == [595, 842]
    with pytest.raises(ValueError, match="A4 or Letter"):
        packing_slip_pdf(samples.slip(gift=False), "A5")


def test_pick_sheet_lists_every_line_in_route_order_over_pages() -> None:
    sheet = samples.pick_sheet(100)
    pages = pdf_text(pick_sheet_pdf(sheet))
    assert len(pages) == 3
    assert all(f"page {n} of 3" in text for n, text in enumerate(pages, 1))
    text = " ".join(pages)
    positions = [text.index(f" {line.location} {line.sku} ") for line in sheet.lines]
    assert positions == sorted(positions)  # route order, each line once
    assert "Product 0 <b>bold</b>" in text and "Чайник 5" in text
    assert "100 lines" in pages[0] and "wave W-000001" in pages[0]


def test_pick_sheet_without_a_layout_or_lines_still_prints() -> None:
    sheet = samples.pick_sheet(3)
    no_plan = sheet.__class__(**{**sheet.__dict__, "layout": None})
    assert "SKU-002" in pdf_text(pick_sheet_pdf(no_plan))[0]
    empty = sheet.__class__(**{**sheet.__dict__, "lines": ()})
    assert "This list has no lines." in pdf_text(pick_sheet_pdf(empty))[0]


class _Recorder:
    """A canvas that keeps the route path's points and the stop circles drawn on it."""

    def __init__(self) -> None:
        self._fontname, self._fontsize = "", 0.0
        self.paths: list[list[tuple[float, float]]] = []
        self.circles: list[tuple[float, float]] = []
        self.strings: list[tuple[float, float, str]] = []

    def beginPath(self) -> _Recorder:
        self.paths.append([])
        return self

    def moveTo(self, x: float, y: float) -> None:
        self.paths[-1].append((x, y))

    lineTo = moveTo

    def circle(self, x: float, y: float, _r: float, **_kw: object) -> None:
        self.circles.append((x, y))

    def drawCentredString(self, x: float, y: float, s: str) -> None:
        self.strings.append((x, y, s))

    def setFont(self, name: str, size: float) -> None:
        self._fontname, self._fontsize = name, size

    def __getattr__(self, _name: str) -> object:
        return lambda *a, **k: None


def test_the_plan_draws_the_route_through_every_stop_in_order_from_the_depot() -> None:
    from wms_terminal.documents.pick_sheet import _plan

    sheet = samples.pick_sheet(12, seed=3)
    canvas = _Recorder()
    _plan(canvas, sheet, 0, 0, 500, 200)
    (path,) = canvas.paths
    assert path[0] == path[-1]  # a closed walk: from the depot and back
    depot_label = next((x, y) for x, y, s in canvas.strings if s == "D")
    assert abs(path[0][0] - depot_label[0]) < 1e-6
    # Each stop is a corner of the path, in the order of the lines.
    stops = list(dict.fromkeys(line.point for line in sheet.lines))
    assert len(canvas.circles) == len(stops)
    at = 0
    for centre in canvas.circles:
        at = path.index(centre, at)  # ValueError if the walk skips a stop or goes back to it
    # Consecutive corners differ in one coordinate only: walked along aisles and cross-aisles.
    for (x1, y1), (x2, y2) in itertools.pairwise(path):
        assert abs(x1 - x2) < 1e-6 or abs(y1 - y2) < 1e-6
    # The stop labels are the first line number picked there.
    first_seq = {line.point: line.seq for line in reversed(sheet.lines)}
    numbers = {s for _x, _y, s in canvas.strings if s.isdigit()}
    assert {str(first_seq[p]) for p in stops} <= numbers


def test_control_characters_in_order_text_never_reach_the_page() -> None:
    base = samples.slip(gift=True)
    slip = base.__class__(
        **{
            **base.__dict__,
            "ship_to": samples.Address("Ann\x1b[31m Lee\x07", ("Main St\u202e 5",)),
            "gift_message": "Hi\x00 there\r\nbye\x1b]0;x\x07",
        }
    )
    (text,) = pdf_text(packing_slip_pdf(slip))
    assert "Ann [31m Lee" in text and "Main St 5" in text and "Hi there bye ]0;x" in text
    assert not any(c in text for c in "\x1b\x07\x00\u202e")


def test_chinese_and_japanese_names_print_on_the_slip_and_the_label() -> None:
    """DejaVu Sans has no CJK glyphs: those characters fall back, one by one, to the shipped
    CJK font, and the text reads back as written (mixed with Latin, Cyrillic and markup)."""
    chinese = Address("王小明 <b>Wang</b>", ("北京市朝阳区建国路 88 号", "100022 北京", "CN"))
    japanese = Address("山田 太郎 (ヤマダ)", ("東京都千代田区丸の内 1-1", "100-0005 東京", "JP"))
    slip = dataclasses.replace(
        samples.slip(gift=True),
        ship_to=chinese,
        gift_message="生日快乐 Дмитрий\nおめでとう",
    )
    (text,) = pdf_text(packing_slip_pdf(slip, "A4"))
    wanted = ("王小明 <b>Wang</b>", "北京市朝阳区建国路 88 号", "生日快乐 Дмитрий", "おめでとう")
    for expected in wanted:
        assert expected in text, expected
    pdf = label_pdf(samples.label(ship_to=japanese))
    (text,) = pdf_text(pdf)
    assert "山田 太郎 (ヤマダ)" in text and "東京都千代田区丸の内 1-1" in text
    fonts = {
        str(font["/BaseFont"])
        for font in PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values()
    }
    assert any(f.endswith("+DroidSansFallback") for f in fonts), fonts  # the fallback is embedded


def test_a_cjk_name_too_long_for_the_label_is_cut_with_an_ellipsis() -> None:
    long_name = "王" * 80
    (text,) = pdf_text(label_pdf(samples.label(ship_to=Address(long_name, ("CN",)))))
    assert "王王王王王…" in text and long_name not in text
