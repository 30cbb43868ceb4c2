"""Products and their barcodes: a GTIN is stored only with a valid check digit."""

from __future__ import annotations

from sqlmodel import Session, col, select
from stdnum import ean
from stdnum.exceptions import ValidationError as StdnumError

from wms_terminal.core.errors import ValidationError
from wms_terminal.core.models import Product, ProductBarcode

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


def product_for_code(session: Session, code: str) -> int | None:
    """The product an item code names: one of its barcodes in any GTIN length (leading zeros
    differ between GTIN-8/12/13/14 forms), or its SKU."""
    code = code.strip()
    if not code:
        return None
    forms = {code}
    if code.isascii() and code.isdigit():
        stripped = code.lstrip("0")
        forms |= {stripped.rjust(n, "0") for n in (8, 12, 13, 14) if len(stripped) <= n}
    found = session.exec(
        select(ProductBarcode.product_id).where(col(ProductBarcode.barcode).in_(sorted(forms)))
    ).first()
    if found is not None:
        return int(found)
    pid = session.exec(select(Product.id).where(col(Product.sku) == code)).first()
    return int(pid) if pid is not None else None
