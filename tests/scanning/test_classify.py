"""Classification of every kind of scan the floor meets, and the operator messages."""

from __future__ import annotations

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
