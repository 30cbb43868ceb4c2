"""Closing a package: one transaction for everything it writes.

In the transaction of the close (run once per scan id, `picking.scans.run_scan`):
- the weight is checked against the expected weight (the units' product weights + the box's tare):
  beyond the tolerance (WMS_PACK_WEIGHT_TOLERANCE) the close is refused unless a supervisor
  (permission `approve_weight`, signed in with badge + PIN by the station) accepts it;
- an SSCC-18 (`packing.sscc`), the carrier service and its cost in the order's currency
  (`packing.rates`), a tracking number;
- the package closed, its units counted as packed on the order lines; the order `packing`, or
  `packed` when nothing of it is left to pack (every unit that reached packing is packed or short,
  none is still being picked, no package open);
- each tote of the order at packing whose orders are all packed now, emptied and freed
  (`picking.totes.empty_tote_in`: how="packed", or "sorted" for a tote at consolidation);
- the print jobs, in the print outbox (`print_job`), for the printer workers
  (`printing.outbox`) to take: one "packing_slip" and one "shipping_label" row per close,
  `package_id` naming the package, `station` the closing terminal, status "queued". The
  printing side reads the package and its order for the content, retries failures, and a
  reprint is a new row for the same package: its SSCC never changes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, select

from wms_terminal.config import pack_weight_tolerance
from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.models import BoxType, Package, PrintJob, SalesOrder, Warehouse
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.states import PACKAGE_TRANSITIONS, OrderStatus, PackageStatus, transition
from wms_terminal.packing import rates
from wms_terminal.packing.reading import order_view
from wms_terminal.packing.service import free_totes, packable, set_order_status
from wms_terminal.packing.sscc import next_sscc
from wms_terminal.packing.views import OrderView
from wms_terminal.picking.scans import Outcome, Rejected, run_scan
from wms_terminal.picking.views import ScanResult

DOCUMENTS = ("packing_slip", "shipping_label")


def allowed_deviation(expected_g: int) -> int:
    pct, grams = pack_weight_tolerance()
    return max(grams, round(expected_g * pct / 100))


def expected_weight(view: OrderView, lines: dict[int, int], tare_g: int) -> int:
    weight = {x.line_id: x.weight_g for x in view.lines}
    return tare_g + sum(weight[line] * qty for line, qty in lines.items())


def box_type(session: Session, code: str) -> BoxType:
    box = session.exec(select(BoxType).where(BoxType.code == code.strip())).first()
    if box is None:
        raise Rejected("unknown_box", f"no box type {code[:20]!r}", clean=True)
    return box


def close(
    db: Database,
    actor: Actor,
    *,
    scan_id: str,
    order_id: int,
    box: str,
    weight_g: int,
    approver: Actor | None = None,
    now: datetime | None = None,
) -> ScanResult:
    """Close the order's open package (see the module docstring)."""

    def body(session: Session) -> Outcome:
        view = packable(session, actor, order_id)
        pkg = view.package
        if pkg is None or pkg.status != PackageStatus.OPEN or not pkg.units:
            raise Rejected("nothing_to_close", f"{view.number}: no units verified yet", clean=True)
        bt = box_type(session, box)
        if not 0 < weight_g <= 1_000_000:
            raise Rejected("bad_weight", f"a weight in grams, not {weight_g}", clean=True)
        expected = expected_weight(view, dict(pkg.lines), bt.tare_weight_g)
        allowed = allowed_deviation(expected)
        approved_by = None
        if abs(weight_g - expected) > allowed:
            if approver is None or not approver.can("approve_weight"):
                raise Rejected(
                    "weight_off",
                    f"weighs {weight_g} g, expected {expected} g (within {allowed} g): "
                    "check the contents, or a supervisor confirms with badge + PIN",
                    clean=True,
                    expected_g=expected,
                    allowed_g=allowed,
                )
            approved_by = approver.user_id
        if weight_g > bt.max_weight_g:
            raise Rejected(
                "box_overweight",
                f"{weight_g} g is more than a {bt.code} carries ({bt.max_weight_g} g)",
                clean=True,
            )
        order = session.get(SalesOrder, order_id)
        wh = session.get(Warehouse, view.warehouse_id)
        assert order is not None and wh is not None
        choice = rates.choose(
            session,
            origin=wh.country,
            destination=view.country,
            weight_g=weight_g,
            currency=view.currency,
            now=now or utcnow(),
            wanted_service_id=order.carrier_service_id,
            urgent=view.vip or view.replacement,
            ship_by=order.ship_by,
        )
        sscc = session.execute(
            text("SELECT sscc FROM package WHERE id = :p"), {"p": pkg.package_id}
        ).scalar() or next_sscc(session)
        tracking = pkg.tracking or rates.tracking_number(session, choice.carrier)
        _write_package(session, actor, pkg.package_id, bt, weight_g, expected, approved_by, sscc,
                       tracking, choice)  # fmt: skip
        for line, qty in pkg.lines.items():
            session.execute(
                text("UPDATE order_line SET qty_packed = qty_packed + :n WHERE id = :l"),
                {"n": qty, "l": line},
            )
        after = order_view(session, order_id)
        complete = after.remaining == 0 and after.units_out == 0 and after.package is None
        new = OrderStatus.PACKED if complete else OrderStatus.PACKING
        set_order_status(session, order_id, view.status, new)
        freed = free_totes(session, actor, after, package_id=pkg.package_id) if complete else []
        for kind in DOCUMENTS:
            session.add(
                PrintJob(
                    warehouse_id=view.warehouse_id,
                    kind=kind,
                    package_id=pkg.package_id,
                    station=actor.terminal,
                )
            )
        data: dict[str, Any] = {
            "package_id": pkg.package_id,
            "seq": pkg.seq,
            "sscc": sscc,
            "tracking": tracking,
            "carrier": choice.carrier,
            "service": choice.service,
            "cost": str(choice.cost),
            "currency": choice.currency,
            "expected_delivery": choice.expected_delivery.isoformat(),
            "order_status": new,
            "totes_freed": freed,
        }
        record(
            session,
            action="package_closed",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=view.warehouse_id,
            entity="package",
            entity_id=sscc,
            order=view.number,
            weight_g=weight_g,
            expected_g=expected,
            approved_by=approved_by,
            **{k: data[k] for k in ("carrier", "service", "cost", "tracking")},
        )
        return Outcome(
            "closed",
            f"{view.number} package {pkg.seq} closed: {choice.service} {tracking}",
            data,
            view.warehouse_id,
        )

    return run_scan(db, actor, scan_id=scan_id, action="pack_close", raw=box, body=body)


def _write_package(
    session: Session,
    actor: Actor,
    package_id: int,
    bt: BoxType,
    weight_g: int,
    expected: int,
    approved_by: int | None,
    sscc: str,
    tracking: str,
    choice: rates.Choice,
) -> None:
    pkg = session.get(Package, package_id, populate_existing=True)
    assert pkg is not None
    transition(pkg, PackageStatus.CLOSED, PACKAGE_TRANSITIONS)
    pkg.box_type_id = bt.id
    pkg.weight_g = weight_g
    pkg.expected_weight_g = expected
    pkg.weight_approved_by = approved_by
    pkg.sscc = sscc
    pkg.tracking_number = tracking
    pkg.carrier_service_id = choice.service_id
    pkg.shipping_cost = choice.cost
    pkg.currency = choice.currency
    pkg.ship_date = choice.ship_date
    pkg.expected_delivery = choice.expected_delivery
    pkg.packed_by = actor.user_id
    pkg.closed_at = utcnow()
    session.add(pkg)
    session.flush()
