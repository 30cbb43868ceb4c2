"""Reading an order for the packing station: its lines with what reached packing, what is
packed, which of its totes arrived and which are still out, and its open package."""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from wms_terminal.core.errors import NotFound
from wms_terminal.core.models import OrderLine
from wms_terminal.core.models._base import UTC_DATETIME
from wms_terminal.packing.views import LineView, OrderView, PackageView, ToteState

_ORDER = text(
    "SELECT so.id, so.number, so.status, so.warehouse_id, so.currency, c.name, a.country, "
    "so.gift_message, w.country, so.carrier_service_id, so.ship_by "
    "FROM sales_order so JOIN customer c ON c.id = so.customer_id "
    "JOIN address a ON a.id = so.ship_address_id "
    "LEFT JOIN warehouse w ON w.id = so.warehouse_id WHERE so.id = :o"
)
_LINES = text(
    "SELECT ol.id, ol.line_no, ol.product_id, p.sku, p.name, ol.qty, ol.qty_pack_short, "
    "ol.unit_price, p.weight_g, p.length_mm, p.width_mm, p.height_mm "
    "FROM order_line ol JOIN product p ON p.id = ol.product_id WHERE ol.order_id = :o "
    "ORDER BY ol.line_no"
)
# Units that reached packing: picked on lists that are done.
_READY = text(
    "SELECT pt.order_line_id, SUM(pt.qty_picked) FROM pick_task pt "
    "JOIN pick_list pl ON pl.id = pt.pick_list_id "
    "WHERE pt.order_id = :o AND pl.status = 'done' GROUP BY pt.order_line_id"
)
# Units still out: on lists being picked (an open task counts what it still may bring).
_OUT = text(
    "SELECT COALESCE(SUM(CASE WHEN pt.status = 'open' THEN pt.qty ELSE pt.qty_picked END), 0) "
    "FROM pick_task pt JOIN pick_list pl ON pl.id = pt.pick_list_id "
    "WHERE pt.order_id = :o AND pl.status IN ('open', 'claimed')"
)
_PACKED = text(
    "SELECT pl.order_line_id, SUM(pl.qty) FROM package_line pl "
    "JOIN package p ON p.id = pl.package_id "
    "WHERE p.order_id = :o AND p.status <> 'cancelled' GROUP BY pl.order_line_id"
)
_TOTES = text(
    "SELECT t.code, t.status, SUM(pt.qty_picked) FROM pick_task pt "
    "JOIN tote t ON t.id = pt.tote_id AND t.pick_list_id = pt.pick_list_id "
    "WHERE pt.order_id = :o AND pt.qty_picked > 0 GROUP BY t.code, t.status ORDER BY t.code"
)
_FLAGS = text(
    "SELECT f.code FROM sales_order_flag sf JOIN order_flag f ON f.id = sf.flag_id "
    "WHERE sf.order_id = :o ORDER BY f.wave_priority DESC, f.code"
)
_PACKAGES = text(
    "SELECT id, seq, status, hold_reason, sscc, tracking_number FROM package "
    "WHERE order_id = :o AND status <> 'cancelled' ORDER BY seq, id"
)
_PACKAGE_LINES = text("SELECT order_line_id, qty FROM package_line WHERE package_id = :p")


def order_view(session: Session, order_id: int) -> OrderView:
    row = session.execute(_ORDER, {"o": order_id}).first()
    if row is None:
        raise NotFound(f"no order {order_id}")
    oid, number, status, wid, currency, customer, country, gift_message = row[:8]
    origin, service_id, ship_by = row[8:]
    p = {"o": order_id}
    ready = {int(k): int(v) for k, v in session.execute(_READY, p).all()}
    packed = {int(k): int(v) for k, v in session.execute(_PACKED, p).all()}
    lines = tuple(
        LineView(
            line_id=int(r[0]),
            line_no=int(r[1]),
            product_id=int(r[2]),
            sku=str(r[3]),
            name=str(r[4]),
            ordered=int(r[5]),
            ready=ready.get(int(r[0]), 0),
            packed=packed.get(int(r[0]), 0),
            short=int(r[6]),
            unit_price=_money(session, r[7]),
            weight_g=int(r[8]),
            dims_mm=(int(r[9]), int(r[10]), int(r[11])),
        )
        for r in session.execute(_LINES, p).all()
    )
    totes = tuple(ToteState(str(c), str(s), int(u)) for c, s, u in session.execute(_TOTES, p).all())
    package: PackageView | None = None
    closed = 0
    for pid, seq, pstatus, reason, sscc, tracking in session.execute(_PACKAGES, p).all():
        if pstatus in ("open", "held"):
            got = session.execute(_PACKAGE_LINES, {"p": pid}).all()
            package = PackageView(
                int(pid),
                int(seq),
                str(pstatus),
                str(reason),
                MappingProxyType({int(k): int(v) for k, v in got}),
                sscc,
                str(tracking),
            )
        else:
            closed += 1
    return OrderView(
        order_id=int(oid),
        number=str(number),
        status=str(status),
        warehouse_id=int(wid) if wid is not None else 0,
        currency=str(currency),
        customer=str(customer),
        country=str(country),
        flags=tuple(str(f) for (f,) in session.execute(_FLAGS, p).all()),
        gift_message=str(gift_message or ""),
        lines=lines,
        totes=totes,
        units_out=int(session.execute(_OUT, p).scalar_one()),
        package=package,
        closed_packages=closed,
        origin_country=str(origin or ""),
        carrier_service_id=int(service_id) if service_id is not None else None,
        ship_by=UTC_DATETIME.process_result_value(ship_by, session.get_bind().dialect),
    )


def _money(session: Session, value: Any) -> Decimal:
    # A money column read through text(): scaled integer on SQLite, NUMERIC on PostgreSQL.
    col = OrderLine.__table__.c.unit_price  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect
    return Decimal(col.type.process_result_value(value, dialect))


def order_id_by_number(session: Session, number: str) -> int:
    got = session.execute(text("SELECT id FROM sales_order WHERE number = :n"), {"n": number})
    oid = got.scalar()
    if oid is None:
        raise NotFound(f"no order {number}")
    return int(oid)


# Orders in a tote, from the list it is on, those with units still to pack first.
_IN_TOTE = text(
    "SELECT DISTINCT pt.order_id, so.number FROM tote t "
    "JOIN pick_task pt ON pt.tote_id = t.id AND pt.pick_list_id = t.pick_list_id "
    "JOIN sales_order so ON so.id = pt.order_id "
    "WHERE t.code = :c AND pt.qty_picked > 0 ORDER BY so.number"
)


def orders_in_tote(session: Session, code: str) -> list[int]:
    return [int(o) for o, _ in session.execute(_IN_TOTE, {"c": code}).all()]


def orders_on_list(session: Session, pick_list_id: int) -> list[int]:
    rows = session.execute(
        text(
            "SELECT DISTINCT pt.order_id, so.number FROM pick_task pt "
            "JOIN sales_order so ON so.id = pt.order_id WHERE pt.pick_list_id = :l "
            "AND pt.qty_picked > 0 ORDER BY so.number"
        ),
        {"l": pick_list_id},
    ).all()
    return [int(o) for o, _ in rows]


def tote_status(session: Session, code: str) -> str | None:
    got = session.execute(text("SELECT status FROM tote WHERE code = :c"), {"c": code}).scalar()
    return None if got is None else str(got)
