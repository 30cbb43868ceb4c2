"""GS1 element strings and GS1 numbers: parsing (biip) with check digits verified (python-stdnum).

biip does not raise on a bad GTIN/SSCC/GLN check digit: it leaves `gtin`/`sscc`/`gln` as None and
fills `*_error`. We check those, and verify the mod-10 check digit ourselves as well, so a misread
label can never become a valid-looking product or package.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from stdnum import ean

if TYPE_CHECKING:
    from biip import BiipException, ParseConfig
    from biip.gs1_messages import GS1Message

from .scan import GS

# AIs whose value ends in a GS1 mod-10 check digit (GTIN, SSCC, GLN, GRAI...).
_CHECKED_AIS = {
    "00": "SSCC",
    "01": "GTIN",
    "02": "GTIN",
    "410": "GLN",
    "411": "GLN",
    "412": "GLN",
    "413": "GLN",
    "414": "GLN",
    "415": "GLN",
    "416": "GLN",
    "417": "GLN",
}
_DATE_AIS = {"11": "production_date", "13": "pack_date", "15": "best_before", "17": "expiry"}
_AI_IN_ERROR = re.compile(r"AI \((\d{2,4})\)")
# A date AI and YYMMDD at the end of a variable-length value: what a dropped GS leaves behind.
_MERGED_DATE = re.compile(r"(11|13|15|17)(\d\d)(\d\d)(\d\d)$", re.ASCII)


@functools.cache
def _config() -> ParseConfig:
    # biip is imported on the first GS1 code, not with the scanning layer: loading its tables
    # costs more than a terminal's whole start-up may (bench/bench_startup.py).
    from biip import ParseConfig

    return ParseConfig(separator_chars=(GS,))


class Gs1Error(ValueError):
    """A GS1 number or element string that must not be accepted; `message` is for the operator."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_digit_ok(digits: str) -> bool:
    """GS1 mod-10 check digit (GTIN-8/12/13/14, SSCC, GLN)."""
    if len(digits) < 2 or not digits.isascii() or not digits.isdigit():
        return False
    return ean.calc_check_digit(digits[:-1]) == digits[-1]


def gtin14(digits: str) -> str:
    """A GTIN-8/12/13/14 as its 14-digit form (the form GS1 AI 01 carries)."""
    return digits.rjust(14, "0")


@dataclass(frozen=True)
class Gs1Message:
    """A parsed element string: the AIs in order and a summary of the fields the floor uses."""

    elements: tuple[tuple[str, str], ...]
    summary: MappingProxyType[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    # (ai, value, date AI, YYMMDD): variable-length fields of a string that had no GS at all
    # whose value ends like a date field; the separator may have been dropped on the way.
    merged_dates: tuple[tuple[str, str, str, str], ...] = ()

    @property
    def ai(self) -> dict[str, str]:
        return dict(self.elements)


def _valid_yymmdd(yy: str, mm: str, dd: str) -> bool:
    month, day = int(mm), int(dd)
    if not 1 <= month <= 12:
        return False
    # GS1 dates allow day 00 (end of the month); the century does not change the leap years
    # that matter here (2000 was one).
    return 0 <= day <= calendar.monthrange(2000 + int(yy), month)[1]


def _merged_date(value: str) -> tuple[str, str] | None:
    """(date AI, YYMMDD) when `value` ends with a date AI and a valid date after >= 1 char."""
    found = _MERGED_DATE.search(value)
    if found is None or found.start() == 0 or not _valid_yymmdd(*found.group(2, 3, 4)):
        return None
    return found.group(1), "".join(found.group(2, 3, 4))


def _verify(message: GS1Message, *, separators_seen: bool = True) -> Gs1Message:
    elements: list[tuple[str, str]] = []
    summary: dict[str, Any] = {}
    merged: list[tuple[str, str, str, str]] = []
    for es in message.element_strings:
        ai = es.ai.ai
        value = es.value
        if any(not (" " < c <= "~") for c in value):
            raise Gs1Error("GS1 element strings hold only printable ASCII")
        date = _merged_date(value) if es.ai.separator_required and not separators_seen else None
        if date is not None:
            merged.append((ai, value, *date))
        kind = _CHECKED_AIS.get(ai)
        if kind is not None:
            lib_error = es.gtin_error or es.sscc_error or es.gln_error
            if lib_error or not check_digit_ok(value):
                raise Gs1Error(f"{kind} in AI ({ai}) has a wrong check digit: misread label")
        if ai in _DATE_AIS and es.date is None:
            raise Gs1Error(f"AI ({ai}) is not a valid date")
        elements.append((ai, value))
        if ai in ("01", "02"):
            summary["gtin"] = value
        elif ai == "00":
            summary["sscc"] = value
        elif ai == "10":
            summary["lot"] = value
        elif ai == "21":
            summary["serial"] = value
        elif ai in ("30", "37"):
            summary["count"] = int(value)
        elif ai in _DATE_AIS and es.date is not None:
            summary[_DATE_AIS[ai]] = es.date.isoformat()
        elif ai.startswith("310") and es.decimal is not None:
            summary["net_weight_kg"] = str(es.decimal)
    if len({ai for ai, _ in elements}) != len(elements):
        raise Gs1Error("the same GS1 AI appears twice")
    return Gs1Message(tuple(elements), MappingProxyType(summary), tuple(merged))


def _explain(exc: BiipException) -> str:
    found = _AI_IN_ERROR.search(str(exc))
    if found and ("date" in str(exc) or found.group(1) in _DATE_AIS):
        return f"AI ({found.group(1)}) is not a valid date"
    if found:
        return f"GS1 field AI ({found.group(1)}) is malformed or has the wrong length"
    return "not a valid GS1 element string"


def parse(text: str) -> Gs1Message:
    """Parse an unbracketed element string (GS between variable-length fields) or raise Gs1Error."""
    body = text.lstrip(GS)  # some scanners send the leading FNC1 as GS
    if not body:
        raise Gs1Error("empty GS1 element string")
    if any(not (" " < c <= "~" or c == GS) for c in body):
        raise Gs1Error("GS1 element strings hold only printable ASCII")
    from biip import BiipException
    from biip.gs1_messages import GS1Message

    try:
        message = GS1Message.parse(body, config=_config())
    except BiipException as exc:
        raise Gs1Error(_explain(exc)) from None
    return _verify(message, separators_seen=GS in text)


def parse_hri(text: str) -> Gs1Message:
    """Parse the human-readable form "(01)...(10)..." as typed from a label by hand."""
    from biip import BiipException
    from biip.gs1_messages import GS1Message

    try:
        message = GS1Message.parse_hri(text, config=_config())
    except BiipException as exc:
        raise Gs1Error(_explain(exc)) from None
    return _verify(message)


def parse_digital_link(url: str) -> Gs1Message:
    """A GS1 Digital Link URI (a QR code on newer packaging) as element strings."""
    from biip import BiipException
    from biip.gs1_digital_link_uris import GS1DigitalLinkURI
    from biip.gs1_messages import GS1Message

    try:
        link = GS1DigitalLinkURI.parse(url, config=_config())
        message = GS1Message.parse(link.as_gs1_message().value, config=_config())
    except BiipException as exc:
        raise Gs1Error(_explain(exc)) from None
    return _verify(message)


def element_string(elements: Sequence[tuple[str, str]]) -> str:
    """Build the element string to encode, with GS after every variable-length field but the last.

    Every field is validated (AI known, value pattern, check digits, dates) by parsing the result
    back; raises Gs1Error on bad data. Encoders turn each GS into FNC1.
    """
    from biip import BiipException
    from biip.gs1_application_identifiers import GS1ApplicationIdentifier

    if not elements:
        raise Gs1Error("no GS1 fields given")
    parts: list[str] = []
    for i, (ai, value) in enumerate(elements):
        try:
            app_id = GS1ApplicationIdentifier.extract(ai)
        except BiipException:
            raise Gs1Error(f"unknown GS1 AI ({ai})") from None
        if app_id.ai != ai:
            raise Gs1Error(f"unknown GS1 AI ({ai})")
        parts.append(ai + value)
        if app_id.separator_required and i < len(elements) - 1:
            parts.append(GS)
    text = "".join(parts)
    parsed = parse(text)
    if parsed.elements != tuple((ai, value) for ai, value in elements):
        raise Gs1Error("GS1 fields do not survive encoding: check the value lengths")
    return text
