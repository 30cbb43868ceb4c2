"""Documents to render in tests and benchmarks (no database)."""

from __future__ import annotations

import dataclasses
import random
from datetime import date, datetime
from decimal import Decimal

from wms_terminal.documents.pick_sheet import PickSheet, PickSheetLine
from wms_terminal.documents.shipping_label import Address, ShippingLabel
from wms_terminal.documents.slips import PackingSlip, SlipLine
from wms_terminal.picking.layout import Layout, PickPoint
from wms_terminal.scanning import gs1


def sscc(serial: int, prefix: str = "4012345") -> str:
    body = "0" + prefix + str(serial).zfill(16 - len(prefix))
    for digit in "0123456789":
        if gs1.check_digit_ok(body + digit):
            return body + digit
    raise AssertionError("unreachable")


WAREHOUSE = Address("Main warehouse", ("Hafenstraße 1", "20457 Hamburg", "DE"))
CUSTOMER = Address("Дмитрий Ørsted <b>&amp;", ("Οδός Ελένης 5", "90-001 Łódź", "PL"))


def label(serial: int = 1, **changes: object) -> ShippingLabel:
    base = ShippingLabel(
        sscc=sscc(serial),
        tracking=f"JD01460000{serial:08d}",
        carrier="DHL",
        service="Parcel Express",
        ship_from=WAREHOUSE,
        ship_to=CUSTOMER,
        order="SO-000123",
        package_no=2,
        package_count=3,
        weight_g=1234,
        ship_date=date(2026, 12, 1),
        notes=("GIFT",),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def slip(*, gift: bool) -> PackingSlip:
    return PackingSlip(
        order="SO-000123",
        ship_to=CUSTOMER,
        lines=(
            SlipLine("SKU-1", "Mug <i>blue</i> & white", 2, Decimal("7.50")),
            SlipLine("SKU-2", "Чайник", 1, Decimal("20.00")),
        ),
        currency="EUR",
        order_date=date(2026, 11, 30),
        ship_from=WAREHOUSE,
        gift=gift,
        gift_message="Happy <b>birthday</b>\nΜε αγάπη" if gift else "",
        flags=("VIP",),
        shipping=Decimal("4.95"),
        total=Decimal("39.95"),
    )


LAYOUT = Layout(aisles=10, bays=30, aisle_pitch_m=3.0, bay_width_m=1.0, cross_aisles=3)


def pick_sheet(lines: int = 100, seed: int = 1) -> PickSheet:
    rnd = random.Random(seed)
    points = sorted(PickPoint(rnd.randint(1, 10), rnd.randint(1, 30)) for _ in range(lines))
    return PickSheet(
        list_id=42,
        warehouse="MAIN",
        wave="W-000001",
        strategy="batch",
        zone="A",
        route_length_m=123.0,
        layout=LAYOUT,
        printed_at=datetime(2026, 12, 1, 13, 0),
        lines=tuple(
            PickSheetLine(
                seq=i + 1,
                location=f"{p.aisle:02d}-{p.bay:02d}-1L",
                sku=f"SKU-{i:03d}",
                name=f"Чайник {i}" if i % 10 == 5 else f"Product {i} <b>bold</b>",
                qty=rnd.randint(1, 5),
                order=f"SO-{i:06d}",
                tote_slot=i % 6 + 1,
                point=p,
            )
            for i, p in enumerate(points)
        ),
    )
