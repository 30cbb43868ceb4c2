"""Products and their barcodes: a GTIN is stored only with a valid check digit."""

from __future__ import annotations

from sqlmodel import Session, select
from stdnum import ean
from stdnum.exceptions import ValidationError as StdnumError

from wms_terminal.core.errors import ValidationError
from wms_terminal.core.models import ProductBarcode

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
