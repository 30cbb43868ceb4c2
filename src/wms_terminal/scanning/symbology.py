"""Classify a raw scan: location, tote, SSCC, GTIN, GS1 element string, order, badge, command.

`classify` never raises. Anything it does not accept comes back as kind INVALID (looks like a known
kind but is malformed: bad check digit, wrong length) or UNKNOWN (not a code this warehouse uses),
with a short operator message from the catalogue below. Messages never echo more than a
conservative preview of the scan, so nothing from a barcode can act as markup or escapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from wms_terminal.core import codes

from . import gs1
from .scan import GS, GS1_AIM_IDS, split_aim
from .text import is_unsafe_char, preview

MAX_SCAN_LENGTH = 512  # longer than any label we print or any GS1 symbol a picker meets


class Kind(StrEnum):
    LOCATION = "location"
    TOTE = "tote"
    SSCC = "sscc"
    GTIN = "gtin"
    GS1 = "gs1"
    ORDER = "order"
    BADGE = "badge"
    COMMAND = "command"
    INVALID = "invalid"  # looks like one of ours but is malformed
    UNKNOWN = "unknown"  # not a code this warehouse uses


class Msg:
    """The catalogue of operator messages for scans (one place, short, tested)."""

    EMPTY = "Empty scan: nothing was read. Scan again."
    TOO_LONG = "Scan too long ({n} characters): not a warehouse label. Scan again."
    CONTROL = (
        "Scan contains control characters: check the scanner set-up (suffix Enter, GS substitute)."
    )
    LOCATION = "Not a valid location label ({p}): expected like L-MAIN-03-17-2L."
    TOTE = "Not a valid tote label ({p}): expected like T-MAIN-0042."
    BADGE = "Not a valid badge ({p}): expected B- and 8 letters or digits."
    ORDER = "Not a valid order number ({p}): expected like SO-0001234."
    COMMAND = "Unknown command barcode ({p}): use the command sheet at this station."
    GTIN_CHECK = "Product barcode has a wrong check digit: misread. Scan again or key it in."
    GTIN_LENGTH = "Product barcode must have 8, 12, 13 or 14 digits (got {n})."
    SSCC_CHECK = "Package SSCC has a wrong check digit: misread. Scan again."
    GS1 = "GS1 barcode rejected: {reason}."
    UNKNOWN = "Not a code this warehouse uses ({p})."
    UNKNOWN_DIGITS = "Unknown number ({p}): not a product, package or warehouse label."


@dataclass(frozen=True)
class Classified:
    """What a scan is. `fields` is read-only and JSON-ready; `error` is None when accepted."""

    kind: Kind
    text: str
    fields: MappingProxyType[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_json(self) -> dict[str, Any]:
        return {
            "raw": self.text,
            "kind": self.kind.value,
            "fields": _plain(self.fields),
            "error": self.error,
        }


def _plain(value: Any) -> Any:
    if isinstance(value, MappingProxyType | dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _ok(kind: Kind, text: str, **fields: Any) -> Classified:
    frozen = {k: MappingProxyType(v) if isinstance(v, dict) else v for k, v in fields.items()}
    return Classified(kind, text, MappingProxyType(frozen))


def _bad(text: str, message: str, *, looks_like: Kind | None = None) -> Classified:
    fields = MappingProxyType({"looks_like": looks_like.value} if looks_like else {})
    kind = Kind.INVALID if looks_like else Kind.UNKNOWN
    return Classified(kind, text, fields, message)


def classify(raw: str, symbology: str | None = None) -> Classified:
    """Classify one scan. Never raises; `symbology` is the AIM id when the source knows it."""
    try:
        return _classify(raw, symbology)
    except Exception:  # a bug here must cost one rejected scan, never the terminal
        return _bad(raw if isinstance(raw, str) else "", Msg.UNKNOWN.format(p="?"))


def _classify(raw: str, symbology: str | None) -> Classified:
    if not isinstance(raw, str):
        return _bad("", Msg.EMPTY)
    if len(raw) > MAX_SCAN_LENGTH:
        return _bad(raw, Msg.TOO_LONG.format(n=len(raw)))
    text = raw.strip(" \r\n\t")
    if symbology is None:
        symbology, text = split_aim(text)
    if not text.strip(GS):
        return _bad(raw, Msg.EMPTY)
    if any(is_unsafe_char(c) and c != GS for c in text):
        return _bad(raw, Msg.CONTROL)
    if symbology in GS1_AIM_IDS or GS in text:
        return _gs1(raw, text)

    upper = text.upper()  # Caps Lock on a wedge inverts letter case; our codes are upper case
    for prefix, handler in _PREFIXED:
        if upper.startswith(prefix):
            return handler(raw, upper)

    if text.isascii() and text.isdigit():
        return _digits(raw, text, symbology)
    if text.startswith("(") and text[1:2].isdigit():
        return _gs1(raw, text, hri=True)
    if text.lower().startswith(("https://", "http://")):
        try:
            message = gs1.parse_digital_link(text)
        except gs1.Gs1Error:
            return _bad(raw, Msg.UNKNOWN.format(p=preview(text)))
        return _from_message(raw, message)
    return _bad(raw, Msg.UNKNOWN.format(p=preview(text)))


def _location(raw: str, text: str) -> Classified:
    m = codes.LOCATION_RE.match(text)
    if not m:
        return _bad(raw, Msg.LOCATION.format(p=preview(text)), looks_like=Kind.LOCATION)
    return _ok(
        Kind.LOCATION,
        raw,
        barcode=text,
        warehouse=m["wh"],
        aisle=int(m["aisle"]),
        bay=int(m["bay"]),
        level=int(m["level"]),
        side=m["side"],
    )


def _tote(raw: str, text: str) -> Classified:
    m = codes.TOTE_RE.match(text)
    if not m:
        return _bad(raw, Msg.TOTE.format(p=preview(text)), looks_like=Kind.TOTE)
    return _ok(Kind.TOTE, raw, barcode=text, warehouse=m["wh"], number=int(m["n"]))


def _badge(raw: str, text: str) -> Classified:
    token = text[len(codes.BADGE_PREFIX) :]
    if not codes.BADGE_RE.match(text) or any(c not in codes.BADGE_ALPHABET for c in token):
        return _bad(raw, Msg.BADGE.format(p=preview(text)), looks_like=Kind.BADGE)
    return _ok(Kind.BADGE, raw, badge=text)


def _order(raw: str, text: str) -> Classified:
    if not codes.ORDER_RE.match(text):
        return _bad(raw, Msg.ORDER.format(p=preview(text)), looks_like=Kind.ORDER)
    return _ok(Kind.ORDER, raw, order=text)


def _command(raw: str, text: str) -> Classified:
    name = text[len(codes.COMMAND_PREFIX) :]
    try:
        command = codes.Command(name)
    except ValueError:
        return _bad(raw, Msg.COMMAND.format(p=preview(text)), looks_like=Kind.COMMAND)
    return _ok(Kind.COMMAND, raw, command=command.value)


# Longest prefix first: "SO-" before any shorter prefix could match it.
_PREFIXED = (
    (codes.COMMAND_PREFIX, _command),
    (codes.ORDER_PREFIX, _order),
    (codes.LOCATION_PREFIX, _location),
    (codes.TOTE_PREFIX, _tote),
    (codes.BADGE_PREFIX, _badge),
)

_GTIN_FORMATS = {8: "GTIN-8", 12: "GTIN-12", 13: "GTIN-13", 14: "GTIN-14"}


def _gtin(raw: str, digits: str) -> Classified:
    if not gs1.check_digit_ok(digits):
        return _bad(raw, Msg.GTIN_CHECK, looks_like=Kind.GTIN)
    return _ok(Kind.GTIN, raw, gtin=gs1.gtin14(digits), gtin_format=_GTIN_FORMATS[len(digits)])


def _upce(raw: str, digits: str) -> Classified | None:
    """UPC-E (8 digits, number system 0 or 1) expanded to its GTIN-12, or None."""
    from biip import BiipException
    from biip.upc import Upc

    if digits[0] not in "01":
        return None
    try:
        upc_a = Upc.parse(digits).as_upc_a()
    except BiipException:
        return None
    if not gs1.check_digit_ok(upc_a):
        return None
    return _ok(Kind.GTIN, raw, gtin=gs1.gtin14(upc_a), gtin_format="UPC-E")


def _digits(raw: str, digits: str, symbology: str | None) -> Classified:
    n = len(digits)
    if n == 8:
        # EAN-8 and UPC-E share the length; ]E4 is EAN-8, a valid EAN-8 check wins otherwise.
        if symbology != "]E0" and gs1.check_digit_ok(digits):
            return _gtin(raw, digits)
        upce = _upce(raw, digits)
        return upce or _bad(raw, Msg.GTIN_CHECK, looks_like=Kind.GTIN)
    if n in (12, 13, 14):
        return _gtin(raw, digits)
    if n == 18:
        if not gs1.check_digit_ok(digits):
            return _bad(raw, Msg.SSCC_CHECK, looks_like=Kind.SSCC)
        return _ok(Kind.SSCC, raw, sscc=digits, ai={"00": digits})
    if n > 16 and digits[:2] in ("00", "01", "02"):
        # A GS1-128 read without its AIM id: the fixed-length AIs tell it apart.
        return _gs1(raw, digits)
    if symbology and symbology.startswith("]E"):
        return _bad(raw, Msg.GTIN_LENGTH.format(n=n), looks_like=Kind.GTIN)
    return _bad(raw, Msg.UNKNOWN_DIGITS.format(p=preview(digits)))


def _gs1(raw: str, text: str, *, hri: bool = False) -> Classified:
    try:
        message = gs1.parse_hri(text) if hri else gs1.parse(text)
    except gs1.Gs1Error as exc:
        return _bad(raw, Msg.GS1.format(reason=exc.message), looks_like=Kind.GS1)
    return _from_message(raw, message)


def _from_message(raw: str, message: gs1.Gs1Message) -> Classified:
    fields: dict[str, Any] = {"ai": message.ai, **message.summary}
    if set(message.ai) == {"00"}:
        return _ok(Kind.SSCC, raw, **fields)
    if set(message.ai) == {"01"}:
        fields["gtin_format"] = "GTIN-14"
        return _ok(Kind.GTIN, raw, **fields)
    return _ok(Kind.GS1, raw, **fields)


__all__ = ["MAX_SCAN_LENGTH", "Classified", "Kind", "Msg", "classify"]
