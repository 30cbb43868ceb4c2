"""The seller printed on quotes, invoices and credit notes and named in the quote e-mail:
WMS_SELLER_NAME, WMS_SELLER_VAT_ID, WMS_SELLER_STREET, WMS_SELLER_POSTCODE, WMS_SELLER_CITY and
WMS_SELLER_COUNTRY (docs/b2b.md)."""

from __future__ import annotations

import os

from wms_terminal.documents.ubl import UblParty


def seller() -> UblParty:
    env = os.environ.get
    return UblParty(
        name=env("WMS_SELLER_NAME", "").strip() or "wms-terminal",
        vat_id=env("WMS_SELLER_VAT_ID", "").strip(),
        street=env("WMS_SELLER_STREET", "").strip(),
        postcode=env("WMS_SELLER_POSTCODE", "").strip(),
        city=env("WMS_SELLER_CITY", "").strip(),
        country=env("WMS_SELLER_COUNTRY", "").strip().upper()[:2],
    )
