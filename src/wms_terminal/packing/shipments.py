"""Packages as the shipping desk sees them, and the hand-over to the carrier.

`list_packages` is what `wms-terminal shipments list` prints: one object per package (not
cancelled) with its order, SSCC, tracking number, carrier, service, status and lines.

`manifest(db, actor, carrier=...)` hands the carrier every closed package of its services, in one
transaction: each package `closed -> shipped` (with `shipped_at`), a `shipment` row per order of
the hand-over holding its packages, the order lines' `qty_shipped`, the order `packed -> shipped`
once none of its packages is left to ship, a track & trace notice per order in the notices outbox
(to the customer's e-mail: tracking numbers and expected delivery date; an order whose customer
has no e-mail gets it as `no_address`, shown in `notices list`, in `no_email` of the hand-over
and its audit entry), the audit entry, and the manifest PDF
rendered inside the transaction (a PDF that cannot be made ships nothing). The caller writes the
bytes to the file it was asked for after checking the folder is writable before it starts.

`hand_over(db, actor, sscc=...)` ships one package scanned at the dock as the carrier takes it,
the same way (no PDF).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlmodel import Session

from wms_terminal.core import events
from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.errors import NotFound, ValidationError
from wms_terminal.core.models import Shipment
from wms_terminal.core.models._base import UTC_DATETIME, utcnow
from wms_terminal.core.notice_queue import queue_customer_notice
from wms_terminal.core.states import (
    PACKAGE_TRANSITIONS,
    OrderStatus,
    PackageStatus,
    require_transition,
)
from wms_terminal.documents.manifest import Manifest, ManifestRow, manifest_pdf
from wms_terminal.packing.service import set_order_status
from wms_terminal.sales.invoices import raise_at_hand_over

STATUSES = ("open", "held", "closed", "shipped")

_PACKAGES = (
    "SELECT p.id, so.number, p.sscc, p.tracking_number, c.code, s.code, p.status, "
    "p.hold_reason "
    "FROM package p JOIN sales_order so ON so.id = p.order_id "
    "LEFT JOIN carrier_service s ON s.id = p.carrier_service_id "
    "LEFT JOIN carrier c ON c.id = s.carrier_id WHERE p.status <> 'cancelled'"
)
# The lines of the packages `_PACKAGES` selects (the same joins and conditions).
_LINES = (
    "SELECT pl.package_id, pr.sku, SUM(pl.qty) FROM package_line pl "
    "JOIN order_line ol ON ol.id = pl.order_line_id JOIN product pr ON pr.id = ol.product_id "
    "JOIN package p ON p.id = pl.package_id "
    "LEFT JOIN carrier_service s ON s.id = p.carrier_service_id "
    "LEFT JOIN carrier c ON c.id = s.carrier_id WHERE p.status <> 'cancelled'"
)


def list_packages(
    db: Database, *, status: str | None = None, carrier: str | None = None
) -> list[dict[str, Any]]:
    if status is not None and status not in STATUSES:
        raise ValidationError(f"unknown package status {status!r}: one of {', '.join(STATUSES)}")
    where, params = "", {}
    if status is not None:
        where += " AND p.status = :st"
        params["st"] = status
    if carrier is not None:
        where += " AND c.code = :c"
        params["c"] = carrier
    with db.reading() as s:
        order_by = " ORDER BY so.number, p.seq, p.id"
        rows = s.execute(text(_PACKAGES + where + order_by), params).all()
        lines: dict[int, list[dict[str, Any]]] = defaultdict(list)
        got = s.execute(
            text(_LINES + where + " GROUP BY pl.package_id, pr.sku ORDER BY pl.package_id, pr.sku"),
            params,
        )
        for pid, sku, qty in got.all():
            lines[int(pid)].append({"sku": str(sku), "qty": int(qty)})
    return [
        {
            "order": str(order),
            "package": int(pid),
            "sscc": sscc,
            "tracking": str(tracking or "") or None,
            "carrier": carrier_code,
            "service": service,
            "status": str(st),
            "lines": lines.get(int(pid), []),
            "hold_reason": str(reason or "") or None,
        }
        for pid, order, sscc, tracking, carrier_code, service, st, reason in rows
    ]


@dataclass(frozen=True)
class HandOver:
    carrier: str
    packages: int
    orders_shipped: tuple[str, ...]  # orders now wholly shipped
    notices: int
    pdf: bytes
    # Orders whose customer has no e-mail address: their track & trace notice is `no_address`.
    no_email: tuple[str, ...] = ()
    # Invoices raised for business customers in the hand-over (`sales.invoices`).
    invoices: tuple[str, ...] = ()


_TO_SHIP = (
    "SELECT p.id, p.order_id, so.number, p.sscc, p.tracking_number, s.code, p.weight_g, "
    "a.country, p.expected_delivery, p.warehouse_id, p.carrier_service_id "
    "FROM package p JOIN carrier_service s ON s.id = p.carrier_service_id "
    "JOIN sales_order so ON so.id = p.order_id JOIN address a ON a.id = so.ship_address_id "
    "WHERE p.status = 'closed' AND "
)


def _locked(session: Session, where: str, params: dict[str, Any]) -> list[Any]:
    sql = _TO_SHIP + where + " ORDER BY so.number, p.seq"
    if session.get_bind().dialect.name == "postgresql":
        sql += " FOR UPDATE OF p"
    return list(session.execute(text(sql), params).all())


def _ship(
    session: Session,
    actor: Actor,
    rows: list[Any],
    at: datetime,
    no_email: list[str],
    invoices: list[str],
) -> tuple[list[str], int]:
    """Ship the packages of `rows` (read by `_locked`): the orders wholly shipped, notices;
    the orders whose customer has no e-mail address are added to `no_email`."""
    require_transition(
        PACKAGE_TRANSITIONS, PackageStatus.CLOSED, PackageStatus.SHIPPED, "a package"
    )
    by_order: dict[int, list[Any]] = defaultdict(list)
    for r in rows:
        by_order[int(r[1])].append(r)
    shipped_orders: list[str] = []
    notices = 0
    for order_id, packs in by_order.items():
        sendable = _ship_order(session, actor, order_id, packs, at, shipped_orders, invoices)
        notices += sendable
        if not sendable:
            no_email.append(str(packs[0][2]))
    return shipped_orders, notices


def hand_over(db: Database, actor: Actor, *, sscc: str, now: datetime | None = None) -> HandOver:
    """One closed package scanned at the dock as the carrier takes it: shipped as by the
    manifest (shipment, notice, order shipped when it was its last), without a manifest PDF."""
    require(actor, "pack")
    at = now or utcnow()

    def body(session: Session) -> HandOver:
        rows = _locked(session, "p.sscc = :s", {"s": sscc.strip()})
        if not rows:
            status = session.execute(
                text("SELECT status FROM package WHERE sscc = :s"), {"s": sscc.strip()}
            ).scalar()
            if status is None:
                raise NotFound(f"no package {sscc[:18]}")
            raise ValidationError(f"package {sscc} is {status}, not closed: nothing to hand over")
        carrier = str(
            session.execute(
                text(
                    "SELECT c.code FROM carrier c JOIN carrier_service s ON s.carrier_id = c.id "
                    "WHERE s.id = :s"
                ),
                {"s": rows[0][10]},
            ).scalar_one()
        )
        no_email: list[str] = []
        invoices: list[str] = []
        shipped_orders, notices = _ship(session, actor, rows, at, no_email, invoices)
        record(
            session,
            action="handed_over",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=int(rows[0][9]),
            entity="package",
            entity_id=sscc,
            carrier=carrier,
            orders_shipped=shipped_orders,
            no_email=no_email,
            invoices=invoices,
        )
        return HandOver(
            carrier, 1, tuple(shipped_orders), notices, b"", tuple(no_email), tuple(invoices)
        )

    return db.run(body, what="hand a package over")


def manifest(
    db: Database,
    actor: Actor,
    *,
    carrier: str,
    warehouse: str | None = None,
    now: datetime | None = None,
) -> HandOver:
    """Ship every closed package of `carrier` (of one warehouse: `warehouse`, needed when
    packages of several wait; see the module docstring)."""
    require(actor, "pack")
    at = now or utcnow()

    def body(session: Session) -> HandOver:
        got = session.execute(
            text("SELECT id, name FROM carrier WHERE code = :c"), {"c": carrier}
        ).first()
        if got is None:
            raise NotFound(f"no carrier {carrier}")
        carrier_id, carrier_name = int(got[0]), str(got[1])
        where = "s.carrier_id = :c"
        params: dict[str, Any] = {"c": carrier_id}
        if warehouse is not None:
            where += " AND p.warehouse_id = (SELECT id FROM warehouse WHERE code = :w)"
            params["w"] = warehouse
        rows = _locked(session, where, params)
        if not rows:
            raise ValidationError(f"no closed package waits for {carrier}")
        if len({int(r[9]) for r in rows}) > 1:
            codes = session.execute(
                text("SELECT code FROM warehouse WHERE id IN :ids ORDER BY code").bindparams(
                    bindparam("ids", expanding=True)
                ),
                {"ids": sorted({int(r[9]) for r in rows})},
            ).scalars()
            raise ValidationError(
                f"packages of {', '.join(codes)} wait for {carrier}: one manifest per warehouse "
                "(--warehouse CODE)"
            )
        no_email: list[str] = []
        invoices: list[str] = []
        shipped_orders, notices = _ship(session, actor, rows, at, no_email, invoices)
        wh_code = session.execute(
            text("SELECT code FROM warehouse WHERE id = :w"), {"w": int(rows[0][9])}
        ).scalar_one()
        pdf = manifest_pdf(
            Manifest(
                carrier,
                carrier_name,
                str(wh_code),
                at,
                tuple(
                    ManifestRow(
                        str(r[2]),
                        str(r[3]),
                        str(r[4]),
                        str(r[5]),
                        int(r[6]),
                        str(r[7]),
                        _iso(r[8]),
                    )
                    for r in rows
                ),
            )
        )
        record(
            session,
            action="manifest",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=int(rows[0][9]),
            entity="carrier",
            entity_id=carrier,
            packages=[str(r[3]) for r in rows],
            orders_shipped=shipped_orders,
            notices=notices,
            no_email=no_email,
            invoices=invoices,
        )
        return HandOver(
            carrier,
            len(rows),
            tuple(shipped_orders),
            notices,
            pdf,
            tuple(no_email),
            tuple(invoices),
        )

    return db.run(body, what="hand over to the carrier")


_SHIP = text(
    "UPDATE package SET status = 'shipped', shipped_at = :at, shipment_id = :sh "
    "WHERE id = :p AND status = 'closed'"
).bindparams(bindparam("at", type_=UTC_DATETIME))
_SHIPPED_UNITS = text(
    "UPDATE order_line SET qty_shipped = qty_shipped + (SELECT pl.qty FROM package_line pl "
    "WHERE pl.package_id = :p AND pl.order_line_id = order_line.id) "
    "WHERE id IN (SELECT order_line_id FROM package_line WHERE package_id = :p)"
)


def _iso(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value or "")


def _shipped_event(
    session: Session, order_id: int, wid: int, packs: list[Any], at: datetime, *, complete: bool
) -> None:
    """The integrations' `order.shipped` event of one order's packages in this hand-over."""
    external_id, channel = session.execute(
        text("SELECT external_id, channel FROM sales_order WHERE id = :o"), {"o": order_id}
    ).one()
    events.emit(
        session,
        events.ORDER_SHIPPED,
        warehouse_id=wid,
        order=str(packs[0][2]),
        external_id=str(external_id or ""),
        channel=str(channel or ""),
        complete=complete,
        service=str(packs[0][5]),
        shipped_at=at.isoformat(),
        packages=[
            {"sscc": str(p[3]), "tracking_number": str(p[4]), "expected_delivery": _iso(p[8])}
            for p in packs
        ],
    )


def _ship_order(
    session: Session,
    actor: Actor,
    order_id: int,
    packs: list[Any],
    at: datetime,
    shipped_orders: list[str],
    invoices: list[str],
) -> int:
    """Ship one order's packages of the hand-over (and invoice them when the customer is a
    business customer); returns the notices queued (0 or 1)."""
    number, wid, service_id = str(packs[0][2]), int(packs[0][9]), packs[0][10]
    shipment = Shipment(
        warehouse_id=wid,
        order_id=order_id,
        carrier_service_id=service_id,
        tracking_number=str(packs[0][4]),
        status="shipped",
        shipped_at=at,
    )
    session.add(shipment)
    session.flush()
    for p in packs:
        session.execute(_SHIP, {"at": at, "sh": shipment.id, "p": int(p[0])})
        session.execute(_SHIPPED_UNITS, {"p": int(p[0])})
    status, left = session.execute(
        text(
            "SELECT so.status, (SELECT COUNT(*) FROM package p WHERE p.order_id = so.id "
            "AND p.status IN ('open', 'held', 'closed')) FROM sales_order so WHERE so.id = :o"
        ),
        {"o": order_id},
    ).one()
    complete = status == OrderStatus.PACKED and int(left) == 0
    if complete:
        set_order_status(session, order_id, OrderStatus.PACKED, OrderStatus.SHIPPED)
        shipped_orders.append(number)
    _shipped_event(session, order_id, wid, packs, at, complete=complete)
    assert shipment.id is not None
    invoice = raise_at_hand_over(
        session, actor, order_id, shipment.id, complete=complete, day=at.date()
    )
    if invoice is not None:
        invoices.append(invoice)
    tracking = [str(p[4]) for p in packs]
    delivery = max(_iso(p[8]) for p in packs)
    carrier_service = str(packs[0][5])
    return queue_customer_notice(
        session,
        order_id=order_id,
        warehouse_id=wid,
        kind="track_trace",
        subject=f"Your order {number} is on its way",
        body=(
            f"your order {number} was handed to the carrier "
            f"({carrier_service}) on {at:%Y-%m-%d}.\nTracking number(s): {', '.join(tracking)}\n"
            f"Expected delivery: {delivery}\n"
        ),
        data={
            "order": number,
            "carrier_service": carrier_service,
            "shipped_on": f"{at:%Y-%m-%d}",
            "tracking": tracking,
            "expected_delivery": delivery,
        },
    )
