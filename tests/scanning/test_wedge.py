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
    # Review fix: A, B, A is three intended scans (this test used to expect the second A to be
    # dropped, which is the defect: only the scan accepted just before counts).
    assert texts(scans) == ["T-MAIN-0042", "T-MAIN-0043", "T-MAIN-0042"]


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


def test_packing_has_its_own_short_double_read_window() -> None:
    """Identical units scanned one after another are normal at packing: its window is the
    scanner's own repeat (0.15 s), its setting separate from the picker's."""
    env = {"WMS_SCANNER_DOUBLE_READ_MS": "800"}
    assert WedgeConfig.from_env(env).double_read_s == pytest.approx(0.8)
    assert WedgeConfig.from_env(env, mode="pack").double_read_s == pytest.approx(0.15)
    env["WMS_SCANNER_PACK_DOUBLE_READ_MS"] = "90"
    assert WedgeConfig.from_env(env, mode="pack").double_read_s == pytest.approx(0.09)
    wedge = WedgeDecoder(WedgeConfig.from_env({}, mode="pack"))
    first, t = type_keys(wedge, "5901234123457\r", 0.0, SCANNER_GAP)
    repeat, t = type_keys(wedge, "5901234123457\r", t + 0.05, SCANNER_GAP)  # the scanner's
    unit, _ = type_keys(wedge, "5901234123457\r", t + 0.3, SCANNER_GAP)  # the next unit
    assert len(first) == 1 and repeat == [] and len(unit) == 1 and wedge.double_reads == 1
    with pytest.raises(ValueError, match="milliseconds"):
        WedgeConfig.from_env({"WMS_SCANNER_PACK_DOUBLE_READ_MS": "fast"}, mode="pack")


# -- review fixes -----------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["-", "/", ".", "%", "_", "(", "A", "7", "[", "]", "#", " "])
def test_gs_substitute_refuses_characters_that_occur_in_real_data(bad: str) -> None:
    with pytest.raises(ValueError, match="gs_substitute"):
        WedgeConfig(gs_substitute=bad)
    with pytest.raises(ValueError, match="gs_substitute"):
        WedgeConfig.from_env({"WMS_SCANNER_GS_SUBSTITUTE": bad})


@pytest.mark.parametrize("sub", list("~|^{}$@`"))
def test_every_allowed_substitute_leaves_our_labels_alone_and_restores_gs1(sub: str) -> None:
    wedge = WedgeDecoder(WedgeConfig(gs_substitute=sub))
    labels = ["L-MAIN-03-17-2L", "T-MAIN-0042", "B-7Q4K9X2M", "SO-0001234", "CMD-SHORT"]
    t = 0.0
    for label in labels:
        scans, t = type_keys(wedge, label + "\r", t + 1, SCANNER_GAP)
        assert classify(scans[0].text).ok, (sub, label)
    scans, _ = type_keys(wedge, "]C10109504000059101" + f"10AB/12{sub}17250131\r", t + 1, 0.004)
    result = classify(scans[0].text, scans[0].symbology)
    assert result.fields["lot"] == "AB/12" and result.fields["expiry"] == "2025-01-31"


def test_gs_substitute_is_applied_only_to_gs1_scans() -> None:
    wedge = WedgeDecoder(WedgeConfig(gs_substitute="|"))
    # A plain Code 128 (]C0) keeps its "|"; so does a scan without AIM id that is no GS1 string.
    scans, t = type_keys(wedge, "]C0AB|CD\r", 0.0, SCANNER_GAP)
    assert scans[0].text == "AB|CD"
    scans, t = type_keys(wedge, "PART|7\r", t + 1, SCANNER_GAP)
    assert scans[0].text == "PART|7"
    # GS1 by AIM id (]C1, ]e0, ]d2, ]Q3), or by its content when the scanner sends no AIM id.
    for aim in ("]C1", "]e0", "]d2", "]Q3", ""):
        scans, t = type_keys(wedge, aim + "010950400005910110LOT7|17250131\r", t + 1, 0.004)
        assert scans[0].text == "010950400005910110LOT7" + GS + "17250131", aim
    wedge = WedgeDecoder(WedgeConfig(gs_substitute="|", strip_aim=False))
    scans, _ = type_keys(wedge, "]C10109504000059101" + "10LOT7|17250131\r", 0.0, 0.004)
    assert scans[0].text == "]C1010950400005910110LOT7" + GS + "17250131"


def test_repeated_scans_of_one_gtin_are_measured_from_the_last_accepted_scan() -> None:
    wedge = WedgeDecoder(WedgeConfig(double_read_s=0.6))
    accepted: list[Scan] = []
    t = 0.0
    for _ in range(4):  # a picker scanning four units, 0.4 s apart
        scans, end = type_keys(wedge, "5901234123457\r", t, SCANNER_GAP)
        accepted += scans
        t = end + 0.4
    # Reads 2 and 4 come 0.4 s after an accepted read: double reads. Read 3 is 0.8 s after the
    # accepted read 1 (a dropped read does not extend the window): a new scan.
    assert len(accepted) == 2
    notices = wedge.take_notices()
    assert [n.text for n in notices] == ["5901234123457", "5901234123457"]
    assert all(n.message == "Same code read twice: ignored." for n in notices)
    assert wedge.take_notices() == [] and wedge.double_reads == 2


def test_a_b_a_within_the_window_keeps_all_three_scans() -> None:
    wedge = WedgeDecoder(WedgeConfig(double_read_s=0.6))
    got: list[Scan] = []
    t = 0.0
    for code in ("5901234123457", "T-MAIN-0042", "5901234123457"):
        scans, end = type_keys(wedge, code + "\r", t, SCANNER_GAP)
        got += scans
        t = end + 0.1
    assert texts(got) == ["5901234123457", "T-MAIN-0042", "5901234123457"]
    assert wedge.take_notices() == []


def test_a_double_read_is_reported_as_a_notice_with_its_times() -> None:
    wedge = WedgeDecoder(WedgeConfig(double_read_s=0.5))
    first, t = type_keys(wedge, "T-MAIN-0042\r", 0.0, SCANNER_GAP)
    again, _ = type_keys(wedge, "T-MAIN-0042\r", t + 0.1, SCANNER_GAP)
    assert len(first) == 1 and again == []
    (notice,) = wedge.take_notices()
    assert notice.text == "T-MAIN-0042" and notice.source is Source.WEDGE
    assert notice.at - notice.previous_at == pytest.approx(0.1 + 12 * SCANNER_GAP)


def test_stray_keys_then_a_suffix_less_burst_is_flushed() -> None:
    wedge = WedgeDecoder(WedgeConfig(idle_end_s=0.1))
    _, t = type_keys(wedge, "xy", 0.0, TYPING_GAP)
    scans, t = type_keys(wedge, "T-MAIN-0042", t + 0.3, SCANNER_GAP)
    assert scans == []
    got = wedge.flush(t + 0.2)
    assert texts(got) == ["T-MAIN-0042"] and got[0].source is Source.WEDGE
    assert wedge.pending == ""


def test_stray_keys_then_a_suffix_less_burst_survive_the_next_scan() -> None:
    wedge = WedgeDecoder(WedgeConfig(idle_end_s=0.1))
    _, t = type_keys(wedge, "xy", 0.0, TYPING_GAP)
    _, t = type_keys(wedge, "T-MAIN-0042", t + 0.3, SCANNER_GAP)
    scans, _ = type_keys(wedge, "L-MAIN-03-17-2L", t + 0.5, SCANNER_GAP)  # no flush timer ran
    assert texts(scans) == ["T-MAIN-0042"]
    assert texts(wedge.flush(t + 5)) == ["L-MAIN-03-17-2L"]
