"""What the inbound flows read from a scan, through the scanning layer's one classifier."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from wms_terminal.core.codes import PURCHASE_ORDER_RE
from wms_terminal.scanning import Classified, Kind, Scan, classify

MAX_QTY_DIGITS = 6


@dataclass(frozen=True)
class Read:
    """One scan as the flows use it: its classification, its text and its id."""

    classified: Classified
    text: str
    id: str

    @property
    def command(self) -> str | None:
        if self.classified.kind is Kind.COMMAND and self.classified.ok:
            return str(self.classified.fields["command"])
        return None

    @property
    def location(self) -> str | None:
        """The location label (upper case) when the scan is one."""
        if self.classified.kind is Kind.LOCATION and self.classified.ok:
            return str(self.classified.fields["barcode"])
        return None

    @property
    def item(self) -> str | None:
        """A code the services resolve to a product: the GTIN of a product barcode or GS1
        string, else keyed-in text (a SKU). None for other labels (location, tote, command)."""
        c = self.classified
        if c.kind in (Kind.GTIN, Kind.GS1) and c.ok:
            gtin = c.fields.get("gtin")
            if gtin:
                return str(gtin)
            candidates = c.fields.get("candidates")
            if candidates:  # EAN-8 or UPC-E: the digits as printed match a stored EAN-8
                return self.text
            return None
        if c.kind is Kind.UNKNOWN and self.text and self.text.isprintable():
            return self.text
        return None

    @property
    def purchase_order(self) -> str | None:
        upper = self.text.upper()
        return upper if PURCHASE_ORDER_RE.match(upper) else None

    @property
    def quantity(self) -> int | None:
        t = self.text
        if t.isascii() and t.isdigit() and len(t) <= MAX_QTY_DIGITS:
            return int(t)
        return None

    @property
    def error(self) -> str | None:
        return self.classified.error


def read(scan: Scan | str) -> Read:
    if isinstance(scan, Scan):
        return Read(classify(scan.text, scan.symbology), scan.text.strip(), scan.id)
    return Read(classify(scan), scan.strip(), uuid.uuid4().hex)
