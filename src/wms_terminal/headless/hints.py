"""What satisfies a prompt, where the system knows it: a product's unit barcode and a free tote
to suggest. Read-only look-ups, cached where they cannot change under the picker."""

from __future__ import annotations

from sqlalchemy import text

from wms_terminal.core.db import Database
from wms_terminal.core.states import ToteStatus

# The unit barcode first (a case code would count its whole pack), then the shortest.
_PRODUCT_BARCODE = text(
    "SELECT barcode FROM product_barcode WHERE product_id = :p "
    "ORDER BY CASE WHEN pack_qty = 1 THEN 0 ELSE 1 END, LENGTH(barcode), barcode LIMIT 1"
)
# The first free tote of the warehouse. Two pickers may be told the same one: the second to scan
# it is refused (nothing applied) and told the next free one.
_FREE_TOTE = text(
    "SELECT code FROM tote WHERE warehouse_id = :w AND status = :free ORDER BY code LIMIT 1"
)


class Hints:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._barcodes: dict[int, str | None] = {}

    def product_barcode(self, product_id: int) -> str | None:
        if product_id not in self._barcodes:
            with self.db.reading() as s:
                found = s.execute(_PRODUCT_BARCODE, {"p": product_id}).scalar()
            self._barcodes[product_id] = None if found is None else str(found)
        return self._barcodes[product_id]

    def free_tote(self, warehouse_id: int) -> str | None:
        with self.db.reading() as s:
            found = s.execute(_FREE_TOTE, {"w": warehouse_id, "free": ToteStatus.FREE}).scalar()
        return None if found is None else str(found)
