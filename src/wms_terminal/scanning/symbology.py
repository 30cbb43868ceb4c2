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
    CAPS_LOCK = "Caps Lock is on: turn it off and scan again (letters arrive in the wrong case)."
    NON_ASCII = (
        "Not a valid {kind} label ({p}): it holds characters our labels never use. Scan again."
    )
    AMBIGUOUS_8 = (
        "8-digit barcode reads as EAN-8 or UPC-E: checked against both. "
        "Turn on AIM ids on this scanner to tell them apart."
    )
    GS_MISSING = (
        "Check the label: {name} {p} may hold a date that lost its separator "
        "(AI {ai} = {date}). Set a GS substitute on this scanner."
    )
    UNKNOWN = "Not a code this warehouse uses ({p})."
    UNKNOWN_DIGITS = "Unknown number ({p}): not a product, package or warehouse label."


@dataclass(frozen=True)
class Classified:
    """What a scan is. `fields` is read-only and JSON-ready; `error` is None when accepted.

    `warning` is an operator message on an accepted scan that may still be wrong (a lot that
    may have swallowed an expiry date; an 8-digit code that is EAN-8 or UPC-E): show it.
    """

    kind: Kind
    text: str
    fields: MappingProxyType[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    error: str | None = None
    warning: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_json(self) -> dict[str, Any]:
        return {
            "raw": self.text,
            "kind": self.kind.value,
            "fields": _plain(self.fields),
            "error": self.error,
            "warning": self.warning,
        }


def _plain(value: Any) -> Any:
    if isinstance(value, MappingProxyType | dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _ok(kind: Kind, text: str, *, warning: str | None = None, **fields: Any) -> Classified:
    frozen = {k: MappingProxyType(v) if isinstance(v, dict) else v for k, v in fields.items()}
    return Classified(kind, text, MappingProxyType(frozen), warning=warning)


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
    if symbology is not None and caps_lock_suspected(symbology, text):
        return _bad(raw, Msg.CAPS_LOCK)
    if symbology in GS1_AIM_IDS or GS in text:
        return _gs1(raw, text)

    # Caps Lock on a wedge inverts letter case; our codes are upper case. ASCII only: str.upper()
    # would turn a dotless i into I (and \d matches Arabic-Indic digits), making a fake label valid.
    upper = text.translate(_ASCII_UPPER)
    for prefix, handler in _PREFIXED:
        if upper.startswith(prefix):
            if not upper.isascii():
                kind = _PREFIX_KIND[prefix]
                return _bad(
                    raw, Msg.NON_ASCII.format(kind=kind.value, p=preview(text)), looks_like=kind
                )
            return handler(raw, upper)

    if text.isascii() and text.isdigit():
        return _digits(raw, text, symbology)
    if symbology is None and looks_like_gs1(text):
        # A GS1-128 read without its AIM id (zbar drops the FNC1): (00)/(01)/(02) and a valid
        # check digit are strong evidence; the parse verifies everything else.
        return _gs1(raw, text)
    if text.startswith("(") and text[1:2].isdigit():
        return _gs1(raw, text, hri=True)
    if text.lower().startswith(("https://", "http://")):
        try:
            message = gs1.parse_digital_link(text)
        except gs1.Gs1Error:
            return _bad(raw, Msg.UNKNOWN.format(p=preview(text)))
        return _from_message(raw, message)
    return _bad(raw, Msg.UNKNOWN.format(p=preview(text)))


_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")

# AIM symbology letters a floor meets, in their real case: Code 39, Code 128, EAN/UPC, Codabar,
# Code 93, ITF, PDF417, QR (upper); Data Matrix, GS1 DataBar, Aztec (lower).
_COMMON_AIM_LETTERS = frozenset("ACEFGILQdez")


def caps_lock_suspected(symbology: str, data: str) -> bool:
    """True when an AIM id and its data look typed with Caps Lock on (both cases inverted).

    Caps Lock inverts every letter a wedge types: "]E0" arrives as "]e0", "]d2" as "]D2" and
    "LOT7" as "lot7". Evidence needed: the AIM letter in the case no common symbology uses while
    the inverted letter is a common one, and every letter of the data in lower case; or, for
    "]e" (GS1 DataBar) with no letters at all, digits that are no GS1 element string but are a
    valid EAN/UPC number (an "]E" read).
    """
    if len(symbology) != 3 or not symbology[1].isascii() or not symbology[1].isalpha():
        return False
    letter = symbology[1]
    letters = [c for c in data if c.isascii() and c.isalpha()]
    if letters:
        inverted_id = letter not in _COMMON_AIM_LETTERS and letter.swapcase() in _COMMON_AIM_LETTERS
        return inverted_id and all(c.islower() for c in letters)
    if letter == "e" and data.isascii() and data.isdigit() and len(data) in (8, 12, 13):
        try:
            gs1.parse(data)
        except gs1.Gs1Error:
            return gs1.check_digit_ok(data) or _upce_gtin12(data) is not None
    return False


def looks_like_gs1(text: str) -> bool:
    """An unbracketed element string that starts with SSCC (00) or GTIN (01/02) with a valid
    check digit: how a GS1-128 reads when the decoder reports no symbology."""
    head = text[:2]
    size = 18 if head == "00" else 14 if head in ("01", "02") else 0
    number = text[2 : 2 + size]
    return size > 0 and len(number) == size and gs1.check_digit_ok(number)


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
_PREFIX_KIND = {
    codes.COMMAND_PREFIX: Kind.COMMAND,
    codes.ORDER_PREFIX: Kind.ORDER,
    codes.LOCATION_PREFIX: Kind.LOCATION,
    codes.TOTE_PREFIX: Kind.TOTE,
    codes.BADGE_PREFIX: Kind.BADGE,
}

_GTIN_FORMATS = {8: "GTIN-8", 12: "GTIN-12", 13: "GTIN-13", 14: "GTIN-14"}


def _gtin(raw: str, digits: str) -> Classified:
    if not gs1.check_digit_ok(digits):
        return _bad(raw, Msg.GTIN_CHECK, looks_like=Kind.GTIN)
    return _ok(Kind.GTIN, raw, gtin=gs1.gtin14(digits), gtin_format=_GTIN_FORMATS[len(digits)])


def _upce_gtin12(digits: str) -> str | None:
    """UPC-E (8 digits, number system 0 or 1) expanded to its GTIN-12, or None."""
    from biip import BiipException
    from biip.upc import Upc

    if len(digits) != 8 or digits[0] not in "01":
        return None
    try:
        upc_a = Upc.parse(digits).as_upc_a()
    except BiipException:
        return None
    return upc_a if gs1.check_digit_ok(upc_a) else None


def _eight_digits(raw: str, digits: str, symbology: str | None) -> Classified:
    """EAN-8 and UPC-E share the length. ]E4 is EAN-8 and ]E0 UPC-E; any other symbology (a
    Code 128, a QR) carries the digits as they are, as a GTIN-8. Without a symbology a code
    valid both ways is ambiguous: accepted as a product with both GTINs in `candidates` (a pick
    flow matches either against the expected product) and a warning, never silently one."""
    upc_a = _upce_gtin12(digits) if symbology in (None, "]E0") else None
    ean8_ok = symbology != "]E0" and gs1.check_digit_ok(digits)
    if ean8_ok and upc_a is not None:
        candidates = (gs1.gtin14(digits), gs1.gtin14(upc_a))
        return _ok(
            Kind.GTIN,
            raw,
            warning=Msg.AMBIGUOUS_8,
            gtin_format="EAN-8 or UPC-E",
            candidates=candidates,
            candidate_formats=("GTIN-8", "UPC-E"),
            ambiguous=True,
        )
    if ean8_ok:
        return _gtin(raw, digits)
    if upc_a is not None:
        return _ok(Kind.GTIN, raw, gtin=gs1.gtin14(upc_a), gtin_format="UPC-E")
    return _bad(raw, Msg.GTIN_CHECK, looks_like=Kind.GTIN)


def _digits(raw: str, digits: str, symbology: str | None) -> Classified:
    n = len(digits)
    if n == 8:
        return _eight_digits(raw, digits, symbology)
    if n in (12, 13, 14):
        return _gtin(raw, digits)
    if n == 18:
        if not gs1.check_digit_ok(digits):
            return _bad(raw, Msg.SSCC_CHECK, looks_like=Kind.SSCC)
        return _ok(Kind.SSCC, raw, sscc=digits, ai={"00": digits})
    if n >= 16 and digits[:2] in ("00", "01", "02"):
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


_AI_NAMES = {"10": "lot", "21": "serial"}


def _gs_missing_warning(message: gs1.Gs1Message) -> str | None:
    """A warning when a variable-length field may have swallowed a date AI (GS dropped)."""
    for ai, value, date_ai, date in message.merged_dates:
        name = _AI_NAMES.get(ai, f"AI {ai}")
        return Msg.GS_MISSING.format(name=name, p=preview(value), ai=date_ai, date=date)
    return None


def _from_message(raw: str, message: gs1.Gs1Message) -> Classified:
    fields: dict[str, Any] = {"ai": message.ai, **message.summary}
    warning = _gs_missing_warning(message)
    if set(message.ai) == {"00"}:
        return _ok(Kind.SSCC, raw, warning=warning, **fields)
    if set(message.ai) == {"01"}:
        fields["gtin_format"] = "GTIN-14"
        return _ok(Kind.GTIN, raw, warning=warning, **fields)
    return _ok(Kind.GS1, raw, warning=warning, **fields)


__all__ = [
    "MAX_SCAN_LENGTH",
    "Classified",
    "Kind",
    "Msg",
    "caps_lock_suspected",
    "classify",
    "looks_like_gs1",
]
