"""The keyboard-wedge rules, fed exactly as a widget would: characters with key times."""

from __future__ import annotations

import pytest

from wms_terminal.scanning import Source, classify
from wms_terminal.scanning.scan import GS, Scan
from wms_terminal.scanning.wedge import WedgeConfig, WedgeDecoder

SCANNER_GAP = 0.004  # 4 ms between keys: a USB scanner
TYPING_GAP = 0.18  # a person


def type_keys(wedge: WedgeDecoder, keys: str, start: float, gap: float) -> tuple[list[Scan], float]:
    scans: list[Scan] = []
    t = start
    for ch in keys:
        scans += wedge.feed(ch, t)
        t += gap
    return scans, t


def texts(scans: list[Scan]) -> list[str]:
    return [s.text for s in scans]


def test_enter_and_tab_end_a_scan_and_crlf_gives_one_scan() -> None:
    for suffix in ("\r", "\n", "\t", "\r\n"):
        wedge = WedgeDecoder()
        scans, _ = type_keys(wedge, "L-MAIN-03-17-2L" + suffix, 0.0, SCANNER_GAP)
        assert texts(scans) == ["L-MAIN-03-17-2L"], repr(suffix)
        assert scans[0].source is Source.WEDGE


def test_two_scans_in_one_burst_stay_two() -> None:
    wedge = WedgeDecoder()
    scans, _ = type_keys(wedge, "T-MAIN-0042\rL-MAIN-03-17-2L\r", 0.0, SCANNER_GAP)
    assert texts(scans) == ["T-MAIN-0042", "L-MAIN-03-17-2L"]
    assert len({s.id for s in scans}) == 2


def test_a_pasted_chunk_is_split_the_same_way() -> None:
    wedge = WedgeDecoder()
    scans = wedge.feed("T-MAIN-0042\rT-MAIN-0043\r", 1.0)
    assert texts(scans) == ["T-MAIN-0042", "T-MAIN-0043"]


def test_hand_typing_is_a_keyboard_scan_with_backspace_editing() -> None:
    wedge = WedgeDecoder()
    scans, _ = type_keys(wedge, "SO-0001235\x7f4\r", 0.0, TYPING_GAP)
    assert texts(scans) == ["SO-0001234"]
    assert scans[0].source is Source.KEYBOARD


def test_hand_typing_can_be_refused_at_stations_that_must_scan() -> None:
    wedge = WedgeDecoder(WedgeConfig(allow_typed=False))
    scans, t = type_keys(wedge, "SO-0001234\r", 0.0, TYPING_GAP)
    assert scans == []
    scans, _ = type_keys(wedge, "SO-0001234\r", t + 1, SCANNER_GAP)
    assert texts(scans) == ["SO-0001234"]


def test_key_gap_threshold_is_configurable() -> None:
    slow_scanner = 0.05  # a Bluetooth scanner with an inter-character delay
    default = WedgeDecoder()
    scans, _ = type_keys(default, "T-MAIN-0042\r", 0.0, slow_scanner)
    assert scans[0].source is Source.KEYBOARD
    tuned = WedgeDecoder(WedgeConfig(max_key_gap_s=0.08))
    scans, _ = type_keys(tuned, "T-MAIN-0042\r", 0.0, slow_scanner)
    assert scans[0].source is Source.WEDGE


def test_stray_typed_keys_before_a_scan_are_dropped() -> None:
    wedge = WedgeDecoder()
    _, t = type_keys(wedge, "qq", 0.0, TYPING_GAP)
    scans, _ = type_keys(wedge, "L-MAIN-03-17-2L\r", t + 0.5, SCANNER_GAP)
    assert texts(scans) == ["L-MAIN-03-17-2L"]
    assert scans[0].source is Source.WEDGE


@pytest.mark.parametrize(
    ("prefix", "symbology"),
    [
        ("]C1", "]C1"),
        ("]E0", "]E0"),
        ("]d2", "]d2"),
        ("]Q3", "]Q3"),
        ("]e0", "]e0"),
        ("]C0", "]C0"),
    ],
)
def test_aim_identifier_is_read_and_stripped(prefix: str, symbology: str) -> None:
    wedge = WedgeDecoder()
    scans, _ = type_keys(wedge, prefix + "5901234123457\r", 0.0, SCANNER_GAP)
    assert scans[0].text == "5901234123457"
    assert scans[0].symbology == symbology


def test_aim_stripping_can_be_switched_off() -> None:
    wedge = WedgeDecoder(WedgeConfig(strip_aim=False))
    scans, _ = type_keys(wedge, "]C1123\r", 0.0, SCANNER_GAP)
    assert scans[0].text == "]C1123" and scans[0].symbology is None


def test_gs_substitute_restores_the_separator_so_lot_and_expiry_stay_apart() -> None:
    wedge = WedgeDecoder(WedgeConfig(gs_substitute="~"))
    scans, _ = type_keys(wedge, "]C10109504000059101" + "10LOT7~17250131\r", 0.0, SCANNER_GAP)
    assert scans[0].text == "0109504000059101" + "10LOT7" + GS + "17250131"
    result = classify(scans[0].text, scans[0].symbology)
    assert result.fields["lot"] == "LOT7"
    assert result.fields["expiry"] == "2025-01-31"


def test_a_dropped_gs_merges_lot_and_expiry_which_is_why_the_substitute_exists() -> None:
    wedge = WedgeDecoder()
    scans, _ = type_keys(wedge, "]C10109504000059101" + "10LOT7" + "17250131\r", 0.0, SCANNER_GAP)
    result = classify(scans[0].text, scans[0].symbology)
    assert result.fields["lot"] == "LOT717250131" and "expiry" not in result.fields


def test_a_real_gs_byte_that_gets_through_is_kept() -> None:
    wedge = WedgeDecoder()
    scans, _ = type_keys(wedge, "0109504000059101" + "10A" + GS + "17250131\r", 0.0, SCANNER_GAP)
    assert GS in scans[0].text


@pytest.mark.parametrize("bad", [0x11, 0x15, 0x03, 0x1B, 0x00, 0x7F, 0x9B, 0x1C, 0x1E, 0x04])
def test_control_characters_are_never_passed_on(bad: int) -> None:
    wedge = WedgeDecoder()
    scans, _ = type_keys(wedge, "T-MAIN-" + chr(bad) + "0042\r", 0.0, SCANNER_GAP)
    assert texts(scans) == ["T-MAIN-0042"]
    assert chr(bad) not in wedge.pending
    assert wedge.dropped_controls == 1


def test_ctrl_u_does_not_clear_what_was_scanned_so_far() -> None:
    wedge = WedgeDecoder()
    type_keys(wedge, "T-MAIN-00\x15", 0.0, SCANNER_GAP)
    assert wedge.pending == "T-MAIN-00"


def test_double_read_within_the_window_is_dropped() -> None:
    wedge = WedgeDecoder(WedgeConfig(double_read_s=0.5))
    first, t = type_keys(wedge, "5901234123457\r", 0.0, SCANNER_GAP)
    again, t = type_keys(wedge, "5901234123457\r", t + 0.1, SCANNER_GAP)
    later, _ = type_keys(wedge, "5901234123457\r", t + 2.0, SCANNER_GAP)
    assert len(first) == 1 and again == [] and len(later) == 1
    assert wedge.double_reads == 1


def test_double_read_window_does_not_swallow_a_different_code() -> None:
    wedge = WedgeDecoder()
    scans, _ = type_keys(wedge, "T-MAIN-0042\rT-MAIN-0043\rT-MAIN-0042\r", 0.0, SCANNER_GAP)
    assert texts(scans) == ["T-MAIN-0042", "T-MAIN-0043"]


def test_scanner_without_suffix_ends_on_silence_via_flush() -> None:
    wedge = WedgeDecoder(WedgeConfig(idle_end_s=0.1))
    scans, t = type_keys(wedge, "T-MAIN-0042", 0.0, SCANNER_GAP)
    assert scans == [] and wedge.flush(t + 0.01) == []
    assert texts(wedge.flush(t + 0.2)) == ["T-MAIN-0042"]


def test_hand_typed_text_waits_for_enter_and_is_not_flushed() -> None:
    wedge = WedgeDecoder()
    _, t = type_keys(wedge, "SO-00", 0.0, TYPING_GAP)
    assert wedge.flush(t + 5) == []
    assert wedge.pending == "SO-00"


def test_overlong_burst_is_bounded_and_rejected_by_classify() -> None:
    wedge = WedgeDecoder()
    scans = wedge.feed("7" * 100_000 + "\r", 0.0)
    assert len(scans) == 1 and len(scans[0].text) <= 513
    assert classify(scans[0].text).error is not None


def test_config_is_validated_and_read_from_the_environment() -> None:
    with pytest.raises(ValueError):
        WedgeConfig(gs_substitute="ab")
    with pytest.raises(ValueError):
        WedgeConfig(gs_substitute="\t")
    cfg = WedgeConfig.from_env({"WMS_SCANNER_GS_SUBSTITUTE": "|", "WMS_SCANNER_KEY_GAP_MS": "60"})
    assert cfg.gs_substitute == "|" and cfg.max_key_gap_s == pytest.approx(0.06)
