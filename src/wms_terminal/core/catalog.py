"""Products and their barcodes: a GTIN is stored only with a valid check digit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select
from stdnum import ean
from stdnum.exceptions import ValidationError as StdnumError

from wms_terminal.core.errors import ValidationError
from wms_terminal.core.models import Product, ProductBarcode
from wms_terminal.core.statements import Statement, run_together

_KINDS = {8: "gtin8", 12: "gtin12", 13: "gtin13", 14: "gtin14"}


def gtin_kind(code: str) -> str:
    """'gtin8' ... 'gtin14' for a valid GTIN; ValidationError naming what is wrong otherwise."""
    digits = code.strip()
    if not digits.isascii() or not digits.isdigit() or len(digits) not in _KINDS:
        raise ValidationError(f"{digits!r} is not a GTIN: 8, 12, 13 or 14 digits")
    try:
        ean.validate(digits)
    except StdnumError as exc:
        raise ValidationError(f"GTIN {digits} has a wrong check digit") from exc
    return _KINDS[len(digits)]


def add_barcode(
    session: Session, *, product_id: int, code: str, pack_qty: int = 1
) -> ProductBarcode:
    kind = gtin_kind(code)
    taken = session.exec(select(ProductBarcode).where(ProductBarcode.barcode == code)).first()
    if taken is not None and taken.product_id != product_id:
        raise ValidationError(f"barcode {code} already belongs to another product")
    if taken is not None:
        return taken
    if pack_qty < 1:
        raise ValidationError("a barcode's pack quantity is at least 1")
    row = ProductBarcode(product_id=product_id, barcode=code.strip(), kind=kind, pack_qty=pack_qty)
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class ProductMatch:
    """A product an item code may name, and the units of the pack that code stands for."""

    product_id: int
    units: int  # a GTIN-14 case of 12: 12; a unit barcode or a SKU: 1


def _stored_forms(gtin: str) -> set[str]:
    """A GTIN as product_barcode may hold it: 8, 12, 13 or 14 digits (leading zeros differ)."""
    stripped = gtin.lstrip("0")
    return {stripped.rjust(n, "0") for n in (8, 12, 13, 14) if len(stripped) <= n}


def barcode_statement(code: str, *, gtins: Iterable[str] | None = None) -> Statement | None:
    """The barcode half of `product_for_code` as a statement to send with others
    (`run_together`); None when the code holds no GTIN. `matches` reads its rows."""
    code = code.strip()
    if gtins is None:
        gtins = [code] if code.isascii() and code.isdigit() else []
    forms = sorted({form for g in gtins if g for form in _stored_forms(str(g))})
    if not forms:
        return None
    names = ", ".join(f":b{i}" for i in range(len(forms)))
    return Statement(
        text(f"SELECT product_id, pack_qty FROM product_barcode WHERE barcode IN ({names})"),
        {f"b{i}": form for i, form in enumerate(forms)},
    )


def matches(rows: Sequence[Sequence[Any]]) -> list[ProductMatch]:
    """The products of `barcode_statement`'s rows, by pack size, then product."""
    return sorted(
        {ProductMatch(int(pid), max(1, int(units))) for pid, units in rows},
        key=lambda m: (m.units, m.product_id),
    )


def product_for_code(
    session: Session, code: str, *, gtins: Iterable[str] | None = None, sku: bool = True
) -> list[ProductMatch]:
    """Every product an item code may name, with the units of the scanned pack: the one barcode
    matcher of the application (picking, counts, receiving, move tasks).

    `gtins` are the GTINs a scan classifier read from the code (`scanning.symbology.classify`:
    the GTIN of a GS1 element string, both readings of an 8-digit code that is a valid EAN-8 and
    UPC-E); without them a code of digits is its own GTIN. Each GTIN matches a barcode stored in
    any GTIN length. With `sku`, a code that matches no barcode may be a product's SKU (typed).
    Ordered by pack size, then product."""
    code = code.strip()
    if gtins is None:
        gtins = [code] if code.isascii() and code.isdigit() else []
    lookup = barcode_statement(code, gtins=gtins)
    found = matches(run_together(session, [lookup])[0]) if lookup is not None else []
    if found or not sku or not code:
        return found
    pid = session.exec(select(Product.id).where(col(Product.sku) == code)).first()
    return [ProductMatch(int(pid), 1)] if pid is not None else []
