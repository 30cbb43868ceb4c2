"""What goes on paper, read from the database: a package's shipping label and packing slip, a pick
list's sheet. Each reader takes a session and returns a frozen `documents` view; the renderers
never see the database.

A label is read back from the package as closed (`packing.close`): its SSCC, tracking number,
carrier service and weight are never recomputed here, so a reprint carries the same SSCC.
"Package n of N" is the package's own `package_count`, set when it was closed (the forecast of
`packing.plan`, made the real count for every package at the order's last close, which queues a
new label for each whose N changed); a package closed before that column existed says N once
its order is packed, and "Package n" before.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Date, text
from sqlmodel import Session

from wms_terminal.core.errors import NotFound
from wms_terminal.core.models._base import UTC_DATETIME, utcnow
from wms_terminal.core.states import OrderStatus
from wms_terminal.documents.pick_sheet import PickSheet, PickSheetLine
from wms_terminal.documents.shipping_label import Address, ShippingLabel
from wms_terminal.documents.slips import PackingSlip, SlipLine
from wms_terminal.picking.layout import Layout, LayoutError, PickPoint

PACKED_OR_LATER = (OrderStatus.PACKED, OrderStatus.SHIPPED, OrderStatus.RETURNED)


def _address(name: str, street: str, postcode: str, city: str, country: str) -> Address:
    town = " ".join(part for part in (postcode, city) if part)
    return Address(name, tuple(line for line in (street, town, country) if line))


def _warehouse_address(session: Session, warehouse_id: int) -> Address:
    row = session.execute(
        text("SELECT name, street, postcode, city, country FROM warehouse WHERE id = :w"),
        {"w": warehouse_id},
    ).one()
    return _address(*row)


def _flags(session: Session, order_id: int) -> list[str]:
    rows = session.execute(
        text(
            "SELECT f.code FROM sales_order_flag sf JOIN order_flag f ON f.id = sf.flag_id "
            "WHERE sf.order_id = :o ORDER BY f.code"
        ),
        {"o": order_id},
    )
    return [str(code).upper() for (code,) in rows]


def _order(session: Session, *, order_id: int | None = None, number: str | None = None) -> Any:
    where = "so.id = :k" if order_id is not None else "so.number = :k"
    row = session.execute(
        text(
            "SELECT so.id, so.number, so.warehouse_id, so.currency, so.shipping, so.total, "
            "so.gift_message, so.ordered_at, a.name, a.street, a.postcode, a.city, a.country, "
            "so.status "
            f"FROM sales_order so JOIN address a ON a.id = so.ship_address_id WHERE {where}"
        ).columns(ordered_at=UTC_DATETIME),
        {"k": order_id if order_id is not None else number},
    ).first()
    if row is None:
        raise NotFound(f"no order {number if number is not None else order_id}")
    return row


def package_id_for_sscc(session: Session, sscc: str) -> int:
    found = session.execute(
        text("SELECT id FROM package WHERE sscc = :s"), {"s": sscc.strip()}
    ).scalar()
    if found is None:
        raise NotFound(f"no package with SSCC {sscc.strip()!r}")
    return int(found)


def shipping_label(session: Session, package_id: int) -> ShippingLabel:
    pkg = session.execute(
        text(
            "SELECT p.sscc, p.tracking_number, p.seq, p.weight_g, p.ship_date, p.order_id, "
            "p.warehouse_id, c.code, cs.name, p.status, p.package_count FROM package p "
            "LEFT JOIN carrier_service cs ON cs.id = p.carrier_service_id "
            "LEFT JOIN carrier c ON c.id = cs.carrier_id WHERE p.id = :p"
        ).columns(ship_date=Date()),
        {"p": package_id},
    ).first()
    if pkg is None:
        raise NotFound(f"no package {package_id}")
    (
        sscc,
        tracking,
        seq,
        weight,
        ship_date,
        order_id,
        warehouse_id,
        carrier,
        service,
        status,
        said,
    ) = pkg
    if not sscc or not carrier:
        raise NotFound(f"package {package_id} is {status}: it has no label before it is closed")
    order = _order(session, order_id=order_id)
    count = session.execute(
        text("SELECT COUNT(*) FROM package WHERE order_id = :o AND status <> 'cancelled'"),
        {"o": order_id},
    ).scalar()
    return ShippingLabel(
        sscc=sscc,
        tracking=tracking,
        carrier=carrier,
        service=service or "",
        ship_from=_warehouse_address(session, warehouse_id),
        ship_to=_address(*order[8:13]),
        order=order.number,
        package_no=int(seq),
        package_count=(
            int(said)
            if said is not None
            else max(int(count or 0), int(seq))
            if order.status in PACKED_OR_LATER
            else None
        ),
        weight_g=int(weight or 0),
        ship_date=ship_date,
        notes=tuple(_flags(session, order_id)),
    )


def packing_slip(
    session: Session, *, order: str | None = None, package_id: int | None = None
) -> PackingSlip:
    """The slip of an order (all its lines), or of one package (the lines in that package)."""
    if package_id is not None:
        order_id = session.execute(
            text("SELECT order_id FROM package WHERE id = :p"), {"p": package_id}
        ).scalar()
        if order_id is None:
            raise NotFound(f"no package {package_id}")
        head = _order(session, order_id=int(order_id))
        rows = session.execute(
            text(
                "SELECT p.sku, p.name, SUM(pl.qty), ol.unit_price FROM package_line pl "
                "JOIN order_line ol ON ol.id = pl.order_line_id "
                "JOIN product p ON p.id = ol.product_id WHERE pl.package_id = :p "
                "GROUP BY ol.line_no, p.sku, p.name, ol.unit_price ORDER BY ol.line_no"
            ),
            {"p": package_id},
        ).all()
    else:
        head = _order(session, number=order)
        rows = session.execute(
            text(
                "SELECT p.sku, p.name, ol.qty, ol.unit_price FROM order_line ol "
                "JOIN product p ON p.id = ol.product_id WHERE ol.order_id = :o "
                "ORDER BY ol.line_no"
            ),
            {"o": head.id},
        ).all()
    flags = _flags(session, head.id)
    gift = "GIFT" in flags
    return PackingSlip(
        order=head.number,
        ship_to=_address(*head[8:13]),
        lines=tuple(SlipLine(s, n, int(q), Decimal(str(u))) for s, n, q, u in rows),
        currency=head.currency,
        order_date=head.ordered_at.date() if head.ordered_at else None,
        ship_from=(
            _warehouse_address(session, head.warehouse_id) if head.warehouse_id else Address("")
        ),
        gift=gift,
        gift_message=head.gift_message or "",
        flags=tuple(f.title() if f != "VIP" else f for f in flags if f != "GIFT"),
        shipping=Decimal(str(head.shipping)),
        total=Decimal(str(head.total)),
    )


def pick_sheet(session: Session, list_id: int) -> PickSheet:
    head = session.execute(
        text(
            "SELECT pl.id, w.code, w.layout, pl.strategy, pl.route_length_m, wv.number, z.code "
            "FROM pick_list pl JOIN warehouse w ON w.id = pl.warehouse_id "
            "LEFT JOIN wave wv ON wv.id = pl.wave_id LEFT JOIN zone z ON z.id = pl.zone_id "
            "WHERE pl.id = :l"
        ),
        {"l": list_id},
    ).first()
    if head is None:
        raise NotFound(f"no pick list {list_id}")
    _id, warehouse, layout_data, strategy, length, wave, zone = head
    layout: Layout | None
    try:
        layout = Layout.from_dict(layout_data, allow_extra=True) if layout_data else None
    except LayoutError:
        layout = None  # the sheet still lists every line; only the plan is left out
    rows = session.execute(
        text(
            "SELECT pt.seq, l.code, p.sku, p.name, pt.qty, so.number, pt.tote_slot, l.aisle, "
            "l.bay FROM pick_task pt JOIN location l ON l.id = pt.location_id "
            "JOIN product p ON p.id = pt.product_id JOIN sales_order so ON so.id = pt.order_id "
            "WHERE pt.pick_list_id = :l ORDER BY pt.seq, pt.id"
        ),
        {"l": list_id},
    ).all()
    lines = tuple(
        PickSheetLine(int(seq), code, sku, name, int(qty), number, slot, PickPoint(aisle, bay))
        for seq, code, sku, name, qty, number, slot, aisle, bay in rows
    )
    return PickSheet(
        list_id=list_id,
        warehouse=warehouse,
        lines=lines,
        wave=wave or "",
        strategy=strategy or "",
        zone=zone or "",
        route_length_m=float(length or 0.0),
        layout=layout,
        printed_at=utcnow(),
    )
