"""Product barcodes: only GTINs with a valid check digit, never one code for two products."""

from __future__ import annotations

import pytest

from tests import factories as f
from wms_terminal.core.catalog import add_barcode, gtin_kind
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
