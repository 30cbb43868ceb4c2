"""The demo's master data, written in one transaction with bulk inserts: reference data
(currencies, flags, carriers, boxes), the catalogue (suppliers, products, barcodes), each
warehouse's floor (zones, locations, opening stock with its ledger, totes, first purchase orders)
and the people (users, customers and their contacts).
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, select

from wms_terminal.core import auth
from wms_terminal.core.auth import Actor
from wms_terminal.core.bulk_sql import insert_rows
from wms_terminal.core.codes import tote_code
from wms_terminal.core.errors import ValidationError
from wms_terminal.core.inventory import move
from wms_terminal.core.models import (
    BoxType,
    Carrier,
    CarrierRate,
    CarrierService,
    CurrencyRate,
    Customer,
    CustomerContact,
    Location,
    MoveKind,
    OrderFlag,
    Product,
    ProductBarcode,
    Role,
    SalesOrder,
    Stock,
    StockMove,
    Supplier,
    Tote,
    User,
    Warehouse,
    Zone,
)
from wms_terminal.core.reorder import check_reorder_points
from wms_terminal.core.service_locations import damaged_location, receiving_location
from wms_terminal.demo import catalog, people, reference
from wms_terminal.demo.catalog import ProductSpec
from wms_terminal.demo.floor import FloorPlan

DEMO_ACTOR = Actor(user_id=None, username="demo", role=Role.MANAGER, terminal="demo")


def ensure_empty(session: Session) -> None:
    held = [
        what
        for model, what in (
            (Warehouse, "warehouses"),
            (Product, "products"),
            (SalesOrder, "orders"),
            (User, "users"),
        )
        if session.exec(select(func.count()).select_from(model)).one()
    ]
    if held:
        codes = ", ".join(session.exec(select(Warehouse.code).order_by(Warehouse.code)).all())
        raise ValidationError(
            "the database already holds "
            + ", ".join(held)
            + (f" (warehouse {codes})" if codes else "")
            + ": the demo is built only into an empty database; "
            "point --database (or WMS_DATABASE_URL) at a new one"
        )


def write_master(
    session: Session,
    products: list[ProductSpec],
    plans: list[FloorPlan],
    scarce: dict[int, int],
    users: list[people.DemoUserSpec],
    customers: list[people.CustomerSpec],
    rng: random.Random,
) -> None:
    """All master data, into an empty database (refused otherwise)."""
    ensure_empty(session)
    _write_reference(session)
    product_ids = _write_catalogue(session, products, plans, scarce, rng)
    manager_wh = _write_floors(session, plans, product_ids)
    _write_people(session, users, customers, manager_wh)


def _write_reference(session: Session) -> None:
    """Currency rates, order flags, carriers with their services, box types."""
    insert_rows(
        session,
        CurrencyRate,
        [{"currency": c, "rate_to_eur": r} for c, r in reference.RATES.items()],
        returning_ids=False,
    )
    insert_rows(
        session,
        OrderFlag,
        [{"code": c, "name": n, "wave_priority": p} for c, n, p in reference.FLAGS],
        returning_ids=False,
    )
    for carrier in reference.CARRIERS:
        cid = insert_rows(
            session,
            Carrier,
            [{"code": carrier.code, "name": carrier.name, "gs1_prefix": carrier.gs1_prefix}],
        )[0]
        service_ids = insert_rows(
            session,
            CarrierService,
            [
                {
                    "carrier_id": cid,
                    "code": s.code,
                    "name": s.name,
                    "cutoff": s.cutoff,
                    "max_weight_g": s.max_weight_g,
                    "transit_days": s.transit_days,
                    "base_rate": s.base_rate,
                    "is_return": s.is_return,
                }
                for s in carrier.services
            ],
        )
        by_code = dict(zip((s.code for s in carrier.services), service_ids, strict=True))
        insert_rows(
            session,
            CarrierRate,
            [
                {
                    "carrier_service_id": by_code[code],
                    "zone": zone,
                    "max_weight_g": grams,
                    "price": price,
                    "currency": "EUR",
                }
                for code, zone, grams, price in reference.carrier_rates()
                if code in by_code
            ],
            returning_ids=False,
        )
    insert_rows(
        session,
        BoxType,
        [
            {
                "code": code,
                "name": name,
                "inner_length_mm": length,
                "inner_width_mm": width,
                "inner_height_mm": height,
                "max_weight_g": max_g,
                "tare_weight_g": tare,
                "cost": cost,
            }
            for code, name, length, width, height, max_g, tare, cost in reference.box_types()
        ],
        returning_ids=False,
    )


def _write_catalogue(
    session: Session,
    products: list[ProductSpec],
    plans: list[FloorPlan],
    scarce: dict[int, int],
    rng: random.Random,
) -> list[int]:
    """Suppliers, products with reorder points, barcodes; returns product ids by index."""
    sups = catalog.suppliers()
    supplier_ids = insert_rows(
        session,
        Supplier,
        [
            {"code": s.code, "name": s.name, "email": s.email, "lead_time_days": s.lead_time_days}
            for s in sups
        ],
    )
    # Reorder points from the main warehouse's opening stock: about 6 % of it (scarce products
    # start below theirs, so purchase orders are raised at once).
    main_units: dict[int, int] = {}
    for _loc, pidx, qty in plans[0].stock:
        main_units[pidx] = main_units.get(pidx, 0) + qty
    product_rows = []
    for p in products:
        units = main_units.get(p.index, 0)
        if p.index in scarce:
            point = rng.randint(8, 25)
            base = rng.randint(40, 200)
        else:
            point = max(2, round(units * 0.06))
            base = max(point * 2, units // 2)
        reorder_qty = max(p.case_qty, math.ceil(base / p.case_qty) * p.case_qty)
        product_rows.append(
            {
                "sku": p.sku,
                "name": p.name,
                "length_mm": p.length_mm,
                "width_mm": p.width_mm,
                "height_mm": p.height_mm,
                "weight_g": p.weight_g,
                "reorder_point": point,
                "reorder_qty": reorder_qty,
                "supplier_id": supplier_ids[p.supplier],
                "cost": p.cost,
                "price": p.price,
                "currency": "EUR",
                "active": True,
            }
        )
    product_ids = insert_rows(session, Product, product_rows)
    barcodes = [
        {"product_id": product_ids[p.index], "barcode": p.gtin13, "kind": "gtin13", "pack_qty": 1}
        for p in products
    ] + [
        {
            "product_id": product_ids[p.index],
            "barcode": p.gtin14,
            "kind": "gtin14",
            "pack_qty": p.case_qty,
        }
        for p in products
        if p.gtin14
    ]
    insert_rows(session, ProductBarcode, barcodes, returning_ids=False)
    return product_ids


def _write_floors(session: Session, plans: list[FloorPlan], product_ids: list[int]) -> int | None:
    """Each warehouse: zones, locations, opening stock with its ledger, totes, first purchase
    orders; returns the first warehouse's id (the users' home)."""
    manager_wh: int | None = None
    for plan in plans:
        wh = plan.warehouse
        wid = insert_rows(
            session,
            Warehouse,
            [
                {
                    "code": wh.code,
                    "name": wh.name,
                    "street": wh.street,
                    "city": wh.city,
                    "postcode": wh.postcode,
                    "country": wh.country,
                    "latitude": wh.latitude,
                    "longitude": wh.longitude,
                    "layout": wh.layout(),
                }
            ],
        )[0]
        manager_wh = manager_wh or wid
        zone_ids = dict(
            zip(
                [z.code for z in plan.zones],
                insert_rows(
                    session,
                    Zone,
                    [
                        {"warehouse_id": wid, "code": z.code, "name": z.name, "travel_rank": rank}
                        for rank, z in enumerate(plan.zones)
                    ],
                ),
                strict=True,
            )
        )
        loc_ids = insert_rows(
            session,
            Location,
            [
                {
                    "warehouse_id": wid,
                    "zone_id": zone_ids[loc.zone],
                    "code": loc.code(),
                    "barcode": loc.barcode(wh.code),
                    "aisle": loc.aisle,
                    "bay": loc.bay,
                    "level": loc.level,
                    "side": loc.side,
                    "kind": loc.kind,
                    "capacity": loc.capacity,
                    "min_qty": loc.min_qty,
                    "max_qty": loc.max_qty,
                    "active": True,
                }
                for loc in plan.locations
            ],
        )
        receiving_location(session, wid)  # where purchase orders are received
        damaged_location(session, wid)  # where damaged units wait for a supervisor
        insert_rows(
            session,
            Stock,
            [
                {
                    "warehouse_id": wid,
                    "location_id": loc_ids[li],
                    "product_id": product_ids[pi],
                    "on_hand": qty,
                    "reserved": 0,
                }
                for li, pi, qty in plan.stock
            ],
            returning_ids=False,
        )
        # The ledger accounts for every unit: one receipt line per opening stock row.
        insert_rows(
            session,
            StockMove,
            [
                move(
                    warehouse_id=wid,
                    product_id=product_ids[pi],
                    location_id=loc_ids[li],
                    kind=MoveKind.RECEIPT,
                    actor=DEMO_ACTOR,
                    on_hand_delta=qty,
                    reason="demo opening stock",
                )
                for li, pi, qty in plan.stock
            ],
            returning_ids=False,
        )
        insert_rows(
            session,
            Tote,
            [
                {"warehouse_id": wid, "code": tote_code(wh.code, n), "status": "free"}
                for n in range(1, wh.totes + 1)
            ],
            returning_ids=False,
        )
        # Scarce products already sit at or below their reorder point: raise their orders now.
        check_reorder_points(
            session,
            warehouse_id=wid,
            product_ids=[product_ids[i] for i in plan.faces],
            actor=DEMO_ACTOR,
        )
    return manager_wh


def _write_people(
    session: Session,
    users: list[people.DemoUserSpec],
    customers: list[people.CustomerSpec],
    manager_wh: int | None,
) -> None:
    """The demo users and the customers with their contacts."""
    for u in users:
        auth.create_user(
            session,
            username=u.username,
            name=u.name,
            role=u.role,
            pin=u.pin,
            badge=u.badge,
            warehouse_id=manager_wh,
            email=f"{u.username}@wms-demo.example",
        )
    customer_ids = insert_rows(
        session,
        Customer,
        [
            {
                "external_ref": c.ref,
                "name": c.name,
                "email": c.email,
                "phone": c.phone,
                "lifetime_value_eur": Decimal("0.00"),
                "order_count": 0,
                "created_at": datetime(2020, 1, 1, tzinfo=UTC),
            }
            for c in customers
        ],
    )
    insert_rows(
        session,
        CustomerContact,
        [
            {
                "customer_id": cid,
                "name": c.contact,
                "role": "buyer",
                "email": c.email,
                "phone": c.phone,
            }
            for cid, c in zip(customer_ids, customers, strict=True)
            if c.contact
        ],
        returning_ids=False,
    )
