"""Small builders for test data, written through the same tables the app uses."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session, select
from stdnum import ean

from wms_terminal.core.auth import SYSTEM, create_user
from wms_terminal.core.codes import location_barcode, location_code
from wms_terminal.core.models import (
    CurrencyRate,
    Location,
    OrderFlag,
    Product,
    ProductBarcode,
    Warehouse,
    Zone,
)
from wms_terminal.core.order_files import AddressInput, LineInput, OrderInput
from wms_terminal.core.stock_in_out import receive

LAYOUT = {
    "aisles": 4,
    "bays": 10,
    "aisle_pitch_m": 3.0,
    "bay_width_m": 1.2,
    "cross_aisles": 2,
    "depot_aisle": 1,
}


def gtin13(n: int) -> str:
    body = f"871{n:09d}"
    return body + ean.calc_check_digit(body)


def warehouse(
    session: Session, code: str, lat: float, lon: float, country: str = "NL"
) -> Warehouse:
    wh = Warehouse(
        code=code,
        name=f"Warehouse {code}",
        latitude=lat,
        longitude=lon,
        country=country,
        layout=dict(LAYOUT),
    )
    session.add(wh)
    session.flush()
    assert wh.id is not None
    session.add(Zone(warehouse_id=wh.id, code="A", name="Zone A"))
    session.flush()
    return wh


def location(
    session: Session,
    wh: Warehouse,
    aisle: int,
    bay: int,
    *,
    level: int = 1,
    side: str = "L",
    kind: str = "pick_face",
    min_qty: int = 0,
) -> Location:
    assert wh.id is not None
    zone = session.exec(select(Zone).where(Zone.warehouse_id == wh.id)).first()
    assert zone is not None
    loc = Location(
        warehouse_id=wh.id,
        zone_id=zone.id,
        code=location_code(aisle, bay, level, side),
        barcode=location_barcode(wh.code, aisle, bay, level, side),
        aisle=aisle,
        bay=bay,
        level=level,
        side=side,
        kind=kind,
        capacity=500,
        min_qty=min_qty,
        max_qty=200,
    )
    session.add(loc)
    session.flush()
    return loc


def product(session: Session, n: int, *, reorder_point: int = 0, reorder_qty: int = 0) -> Product:
    p = Product(
        sku=f"SKU-{n:05d}",
        name=f"Test product {n}",
        weight_g=100 + n,
        length_mm=100,
        width_mm=80,
        height_mm=50,
        reorder_point=reorder_point,
        reorder_qty=reorder_qty,
        cost=Decimal("2.50"),
        price=Decimal("9.99"),
    )
    session.add(p)
    session.flush()
    assert p.id is not None
    session.add(ProductBarcode(product_id=p.id, barcode=gtin13(n), kind="gtin13"))
    return p


def put(session: Session, loc: Location, prod: Product, qty: int) -> None:
    assert loc.id is not None and prod.id is not None
    receive(session, location_id=loc.id, product_id=prod.id, qty=qty, actor=SYSTEM)


def reference_data(session: Session) -> None:
    session.add(CurrencyRate(currency="EUR", rate_to_eur=Decimal("1")))
    session.add(CurrencyRate(currency="USD", rate_to_eur=Decimal("0.92")))
    session.add(CurrencyRate(currency="GBP", rate_to_eur=Decimal("1.17")))
    for code, prio in (("GIFT", 1), ("VIP", 10), ("REPLACEMENT", 5)):
        session.add(OrderFlag(code=code, name=code.title(), wave_priority=prio))


def two_product_warehouse(session: Session, qty: int = 10) -> tuple[Warehouse, Product, Product]:
    """The reference data and MAIN with SKU-00001 and SKU-00002, `qty` each in a pick face."""
    reference_data(session)
    wh = warehouse(session, "MAIN", 52.0, 4.5)
    p1, p2 = product(session, 1), product(session, 2)
    put(session, location(session, wh, 1, 1), p1, qty)
    put(session, location(session, wh, 1, 2), p2, qty)
    return wh, p1, p2


def order(
    ext: str,
    lines: list[tuple[str, int]],
    *,
    channel: str = "web",
    currency: str = "EUR",
    lat: float | None = 52.0,
    lon: float | None = 4.5,
    country: str = "NL",
    flags: tuple[str, ...] = (),
    email: str = "",
) -> OrderInput:
    return OrderInput(
        channel=channel,
        external_id=ext,
        currency=currency,
        customer_name=f"Customer {ext}",
        customer_email=email or f"{ext.lower()}@example.com",
        ship_to=AddressInput(
            name=f"Customer {ext}",
            street="Main St 1",
            city="Town",
            postcode="1000",
            country=country,
            latitude=lat,
            longitude=lon,
        ),
        lines=tuple(LineInput(sku=s, qty=q, unit_price=Decimal("10.00")) for s, q in lines),
        flags=flags,
    )


CLI_PIN = "2580"  # the PIN of users made by cli_user; tests put it in WMS_PIN


def cli_user(session: Session, username: str, role: str = "supervisor") -> list[str]:
    """A user for command-line tests; returns the `--badge B` arguments (PIN: CLI_PIN)."""
    user = create_user(session, username=username, name=username.title(), role=role, pin=CLI_PIN)
    return ["--badge", user.badge_code]
