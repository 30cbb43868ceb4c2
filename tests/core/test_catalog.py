"""Product barcodes: only GTINs with a valid check digit, never one code for two products."""

from __future__ import annotations

import pytest

from tests import factories as f
from wms_terminal.core.catalog import ProductMatch, add_barcode, gtin_kind, product_for_code
from wms_terminal.core.db import Database
from wms_terminal.core.errors import ValidationError


@pytest.mark.parametrize(
    "code,kind",
    [
        ("96385074", "gtin8"),
        ("036000291452", "gtin12"),
        ("4006381333931", "gtin13"),
        ("14006381333938", "gtin14"),
    ],
)
def test_valid_gtins_are_accepted_with_their_kind(code: str, kind: str) -> None:
    assert gtin_kind(code) == kind


@pytest.mark.parametrize(
    "code,message",
    [
        ("4006381333932", "wrong check digit"),
        ("400638133393", "wrong check digit"),
        ("12345", "not a GTIN"),
        ("４００６３８１３３３９３１", "not a GTIN"),
        ("ABCDEFGH", "not a GTIN"),
    ],
)
def test_bad_gtins_are_refused(code: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        gtin_kind(code)


def test_a_barcode_belongs_to_one_product(db: Database) -> None:
    with db.transaction() as s:
        p1, p2 = f.product(s, 1), f.product(s, 2)
        assert p1.id is not None and p2.id is not None
        row = add_barcode(s, product_id=p1.id, code="14006381333938", pack_qty=12)
        assert (row.kind, row.pack_qty) == ("gtin14", 12)
        assert add_barcode(s, product_id=p1.id, code="14006381333938").id == row.id
        with pytest.raises(ValidationError, match="another product"):
            add_barcode(s, product_id=p2.id, code="14006381333938")


def test_product_for_code_is_the_one_barcode_matcher(db: Database) -> None:
    """Any GTIN length of a stored barcode, a case with its pack, the GTINs a classifier read
    (a GS1 element string, both readings of an 8-digit code), a typed SKU only when asked."""
    with db.transaction() as s:
        p1, p2, p3 = f.product(s, 1), f.product(s, 2), f.product(s, 3)
        assert p1.id is not None and p2.id is not None and p3.id is not None
        add_barcode(s, product_id=p1.id, code="4006381333931")  # EAN-13
        add_barcode(s, product_id=p1.id, code="14006381333938", pack_qty=12)  # its case
        add_barcode(s, product_id=p2.id, code="10000007")  # EAN-8
        add_barcode(s, product_id=p3.id, code="100000000007")  # UPC-A that 10000007 expands to
    with db.reading() as s:
        # The same GTIN in another length (GTIN-14 of the EAN-13): the unit, not the case.
        assert product_for_code(s, "04006381333931") == [ProductMatch(p1.id, 1)]
        assert product_for_code(s, " 14006381333938 ") == [ProductMatch(p1.id, 12)]
        # A classifier's candidates: an 8-digit code read both as EAN-8 and as UPC-E.
        both = product_for_code(s, "10000007", gtins=["00000010000007", "00100000000007"])
        assert both == [ProductMatch(p2.id, 1), ProductMatch(p3.id, 1)]
        # A GS1 element string names its GTIN through the classifier only.
        gs1 = "]C1011400638133393810LOT7"
        assert product_for_code(s, gs1) == []
        assert product_for_code(s, gs1, gtins=["14006381333938"]) == [ProductMatch(p1.id, 12)]
        # A typed SKU: one unit, unless the caller wants barcodes only (a pick's item scan).
        assert product_for_code(s, "SKU-00002") == [ProductMatch(p2.id, 1)]
        assert product_for_code(s, "SKU-00002", sku=False) == []
        assert product_for_code(s, "4006381333932") == []
        assert product_for_code(s, "  ") == []
