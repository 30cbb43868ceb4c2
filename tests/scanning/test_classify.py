"""Classification of every kind of scan the floor meets, and the operator messages."""

from __future__ import annotations

from typing import Any

import pytest

from wms_terminal.core.codes import Command
from wms_terminal.scanning import Kind, classify
from wms_terminal.scanning.symbology import Msg


@pytest.mark.parametrize(
    ("raw", "kind", "fields"),
    [
        (
            "L-MAIN-03-17-2L",
            Kind.LOCATION,
            {"warehouse": "MAIN", "aisle": 3, "bay": 17, "level": 2, "side": "L"},
        ),
        ("T-MAIN-0042", Kind.TOTE, {"warehouse": "MAIN", "number": 42}),
        ("B-7Q4K9X2M", Kind.BADGE, {"badge": "B-7Q4K9X2M"}),
        ("SO-0001234", Kind.ORDER, {"order": "SO-0001234"}),
        ("CMD-FULLTOTE", Kind.COMMAND, {"command": "FULLTOTE"}),
        ("5901234123457", Kind.GTIN, {"gtin": "05901234123457", "gtin_format": "GTIN-13"}),
        ("036000291452", Kind.GTIN, {"gtin": "00036000291452", "gtin_format": "GTIN-12"}),
        ("96385074", Kind.GTIN, {"gtin": "00000096385074", "gtin_format": "GTIN-8"}),
        ("10614141000415", Kind.GTIN, {"gtin": "10614141000415", "gtin_format": "GTIN-14"}),
        ("376104250021234569", Kind.SSCC, {"sscc": "376104250021234569"}),
        ("00376104250021234569", Kind.SSCC, {"ai": {"00": "376104250021234569"}}),
    ],
)
def test_each_kind_is_recognised_with_its_fields(raw: str, kind: Kind, fields: dict) -> None:
    result = classify(raw)
    assert result.error is None, result.error
    assert result.kind is kind
    for key, value in fields.items():
        assert result.fields[key] == value


def test_every_command_on_the_cheat_sheet_classifies() -> None:
    for command in Command:
        result = classify(command.barcode)
        assert (result.kind, result.fields["command"]) == (Kind.COMMAND, command.value)


def test_gs1_element_string_gives_ai_fields_and_readable_summary() -> None:
    raw = "0109504000059101\x1d10LOT-7\x1d17250131" + "3103001250" + "21SN1\x1d3712"
    result = classify(raw, "]C1")
    assert result.kind is Kind.GS1 and result.error is None
    assert result.to_json()["fields"]["ai"] == {
        "01": "09504000059101",
        "10": "LOT-7",
        "17": "250131",
        "3103": "001250",
        "21": "SN1",
        "37": "12",
    }
    assert result.fields["expiry"] == "2025-01-31"
    assert result.fields["net_weight_kg"] == "1.250"
    assert result.fields["count"] == 12


def test_gs1_without_aim_id_is_recognised_by_its_fixed_length_ais() -> None:
    assert classify("010950400005910117250131").kind is Kind.GS1


def test_gs1_hand_typed_hri_and_digital_link() -> None:
    assert classify("(01)09504000059101(10)ABC").fields["ai"]["10"] == "ABC"
    link = classify("https://id.gs1.org/01/09504000059101/10/ABC?17=250131")
    assert link.kind is Kind.GS1 and link.fields["expiry"] == "2025-01-31"


@pytest.mark.parametrize(
    ("raw", "symbology", "looks_like", "needle"),
    [
        ("5901234123458", None, Kind.GTIN, "check digit"),
        ("376104250021234568", None, Kind.SSCC, "check digit"),
        ("0109504000059102\x1d10ABC", "]C1", Kind.GS1, "check digit"),
        ("00376104250021234568", "]C1", Kind.GS1, "check digit"),
        ("010950400005910117250231", "]C1", Kind.GS1, "not a valid date"),
        ("0109504000059101\x1d10" + "A" * 21, "]C1", Kind.GS1, "GS1"),
        ("0109504000059101\x1d10ABC\x1d10DEF", "]d2", Kind.GS1, "twice"),
        ("L-MAIN-3-17-2L", None, Kind.LOCATION, "location"),
        ("T-MAIN-42", None, Kind.TOTE, "tote"),
        ("B-7Q4K9X2O", None, Kind.BADGE, "badge"),  # O is never printed on a badge
        ("SO-12", None, Kind.ORDER, "order"),
        ("CMD-QUIT", None, Kind.COMMAND, "command"),
        ("12345", "]E0", Kind.GTIN, "8, 12, 13 or 14"),
    ],
)
def test_malformed_scans_are_rejected_with_a_clear_message(
    raw: str, symbology: str | None, looks_like: Kind, needle: str
) -> None:
    result = classify(raw, symbology)
    assert result.kind is Kind.INVALID
    assert result.fields["looks_like"] == looks_like.value
    assert result.error and needle in result.error


def test_caps_lock_on_the_wedge_does_not_break_our_codes() -> None:
    result = classify("l-main-03-17-2l")
    assert result.kind is Kind.LOCATION and result.fields["barcode"] == "L-MAIN-03-17-2L"


def test_aim_prefix_left_in_the_text_is_read() -> None:
    assert classify("]E05901234123457").kind is Kind.GTIN
    assert classify("]C1010950400005910117250131").kind is Kind.GS1


def test_ean8_and_upce_share_a_length_and_are_told_apart() -> None:
    assert classify("96385074", "]E4").fields["gtin_format"] == "GTIN-8"
    upce = classify("01234565", "]E0")
    assert upce.fields["gtin_format"] == "UPC-E"
    assert upce.fields["gtin"] == "00012345000065"


def test_unknown_and_empty_scans() -> None:
    assert classify("").error == Msg.EMPTY
    assert classify("\x1d\x1d").error == Msg.EMPTY
    assert classify("hello world").kind is Kind.UNKNOWN
    assert classify("x" * 600).error == Msg.TOO_LONG.format(n=600)
    assert classify("L-MAIN\x1b[2J-03").error == Msg.CONTROL


def test_markup_in_a_scan_never_reaches_the_message() -> None:
    result = classify("[@click=app.quit]")
    assert result.kind is Kind.UNKNOWN
    assert result.error is not None
    assert "[" not in result.error and "]" not in result.error


# -- review fixes -----------------------------------------------------------------------------


def _symbol_image(modules: str) -> Any:
    import numpy as np

    row = np.array([0 if m == "1" else 255 for m in "0" * 12 + modules + "0" * 12], np.uint8)
    return np.tile(np.repeat(row, 3), (80, 1))


def test_gs1_128_with_only_a_gtin_and_no_aim_id_is_a_product() -> None:
    result = classify("0109501101530003")
    assert (result.kind, result.error) == (Kind.GTIN, None)
    assert result.fields["gtin"] == "09501101530003"
    assert classify("0209501101530003").fields["ai"] == {"02": "09501101530003"}
    assert classify("0109501101530004").error is not None  # wrong check digit still refused


@pytest.mark.parametrize(
    ("elements", "kind"),
    [
        ([("01", "09501101530003")], Kind.GTIN),
        ([("01", "09504000059101"), ("10", "LOT7")], Kind.GS1),
        ([("01", "09504000059101"), ("10", "LOT-7"), ("17", "250131")], Kind.GS1),
    ],
)
def test_pyzbar_reads_of_our_gs1_128_labels_classify_without_a_symbology(
    elements: list[tuple[str, str]], kind: Kind
) -> None:
    from wms_terminal.documents import barcodes
    from wms_terminal.scanning.decoders import PyzbarDecoder

    (code,) = PyzbarDecoder().decode(_symbol_image(barcodes.gs1_128(elements).modules))
    assert code.symbology is None  # zbar drops the leading FNC1: no way to know it is GS1-128
    result = classify(code.text, code.symbology)
    assert (result.kind, result.error) == (kind, None), code.text
    assert result.fields["ai"] == dict(elements)


def test_plain_text_starting_with_01_is_not_taken_for_gs1_without_a_valid_gtin() -> None:
    assert classify("01ABC").kind is Kind.UNKNOWN
    assert classify("0112345678901234XYZ").kind is Kind.UNKNOWN  # check digit wrong: not GS1


def test_eight_digits_valid_as_ean8_and_upce_without_aim_carry_both_candidates() -> None:
    result = classify("01234565")  # EAN-8 00000001234565, or UPC-E for 012345000065
    assert result.kind is Kind.GTIN and result.error is None
    assert result.fields["ambiguous"] is True
    assert result.to_json()["fields"]["candidates"] == ["00000001234565", "00012345000065"]
    assert "gtin" not in result.fields  # no silent choice of one reading
    assert result.warning == Msg.AMBIGUOUS_8
    assert result.to_json()["warning"] == Msg.AMBIGUOUS_8
    # An AIM id settles it; so does a code that is valid only one way.
    assert classify("01234565", "]E4").fields["gtin"] == "00000001234565"
    assert classify("01234565", "]E0").fields["gtin"] == "00012345000065"
    assert classify("96385074").fields["gtin_format"] == "GTIN-8"
    assert classify("96385074").warning is None


def test_a_lot_that_swallowed_an_expiry_date_is_flagged_not_silent() -> None:
    result = classify("0109504000059101" + "10AB123" + "17260131", "]C1")
    assert result.kind is Kind.GS1 and result.fields["lot"] == "AB12317260131"
    assert result.warning is not None
    assert "AI 17" in result.warning and "260131" in result.warning
    assert "[" not in result.warning and "]" not in result.warning
    # With the separator delivered, the same data is two fields and there is nothing to say.
    fine = classify("0109504000059101" + "10AB123\x1d17260131", "]C1")
    assert fine.fields["expiry"] == "2026-01-31" and fine.warning is None
    # A lot ending in digits that are no valid date is not flagged.
    assert classify("0109504000059101" + "10AB12317261399", "]C1").warning is None


@pytest.mark.parametrize(
    ("symbology", "text"),
    [
        ("]e0", "5901234123457"),  # ]E0 EAN-13 typed with Caps Lock
        ("]c0", "t-main-0042"),  # ]C0 Code 128
        ("]D2", "0109504000059101" + "10lot7"),  # ]d2 GS1 DataMatrix, lot LOT7
        ("]q1", "l-main-03-17-2l"),
    ],
)
def test_caps_lock_is_detected_from_an_inverted_aim_id(symbology: str, text: str) -> None:
    assert classify(text, symbology).error == Msg.CAPS_LOCK
    assert classify(symbology + text).error == Msg.CAPS_LOCK  # AIM id left in the text


def test_real_lower_case_aim_ids_are_not_mistaken_for_caps_lock() -> None:
    assert classify("0109504000059101" + "10lot7", "]d2").fields["lot"] == "lot7"
    assert classify("0109504000059101", "]e0").kind is Kind.GTIN
    assert classify("5901234123457", "]E0").kind is Kind.GTIN


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("t-ma\u0131n-0042", Kind.TOTE),  # dotless i: str.upper() makes it I
        ("L-MAIN-\u0660\u0663-17-2L", Kind.LOCATION),  # Arabic-Indic digits match \d
        ("B-7Q4K9X2\u1e40", Kind.BADGE),
        ("so-000123\u0664", Kind.ORDER),
        ("cmd-\ufb00", Kind.COMMAND),  # the ff ligature upper-cases to FF
    ],
)
def test_non_ascii_look_alikes_of_our_labels_are_refused(raw: str, kind: Kind) -> None:
    result = classify(raw)
    assert result.kind is Kind.INVALID and result.fields["looks_like"] == kind.value
    assert result.error and "characters our labels never use" in result.error
