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
- the package's N of "package n of N" (`packing.plan`: the box plan's forecast; at the order's
  last close the real count for every package, a new label for each whose N changed), and the
  follow-up back-order for the units that ship in none of its packages (`packing.remainder`);
- the print jobs, in the print outbox (`print_job`), for the printer workers
  (`printing.outbox`) to take: one "packing_slip" and one "shipping_label" row per close,
  `package_id` naming the package, `station` the closing terminal, status "queued". The
  printing side reads the package and its order for the content, retries failures, and a
  reprint is a new row for the same package: its SSCC never changes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlmodel import Session, select

from wms_terminal.config import pack_weight_tolerance
from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.models import BoxType, Package, PrintJob
from wms_terminal.core.models._base import UTC_DATETIME, utcnow
from wms_terminal.core.states import (
    PACKAGE_TRANSITIONS,
    OrderStatus,
    PackageStatus,
    require_transition,
)
from wms_terminal.packing import plan, rates, remainder
from wms_terminal.packing.service import free_totes, packable, set_order_status
from wms_terminal.packing.sscc import next_sscc
from wms_terminal.packing.views import OrderView
from wms_terminal.picking.scans import Outcome, Rejected, run_scan
from wms_terminal.picking.views import ScanResult

DOCUMENTS = ("packing_slip", "shipping_label")
_CLOSE = text(
    "UPDATE package SET status = 'closed', box_type_id = :box, weight_g = :w, "
    "expected_weight_g = :exp, weight_approved_by = :ok, sscc = :sscc, tracking_number = :tr, "
    "carrier_service_id = :svc, shipping_cost = :cost, currency = :cur, ship_date = :sd, "
    "expected_delivery = :ed, packed_by = :by, closed_at = :at, package_count = :n "
    "WHERE id = :p AND status = 'open'"
).bindparams(bindparam("at", type_=UTC_DATETIME))
_PACKED_UNITS = text(
    "UPDATE order_line SET qty_packed = qty_packed + (SELECT pl.qty FROM package_line pl "
    "WHERE pl.package_id = :p AND pl.order_line_id = order_line.id) "
    "WHERE id IN (SELECT order_line_id FROM package_line WHERE package_id = :p)"
)


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
        require_transition(
            PACKAGE_TRANSITIONS, PackageStatus.OPEN, PackageStatus.CLOSED, "a package"
        )
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
        choice = rates.choose(
            session,
            origin=view.origin_country,
            destination=view.country,
            weight_g=weight_g,
            currency=view.currency,
            now=now or utcnow(),
            wanted_service_id=view.carrier_service_id,
            urgent=view.vip or view.replacement,
            ship_by=view.ship_by,
        )
        sscc = pkg.sscc or next_sscc(session)
        tracking = pkg.tracking or rates.tracking_number(session, choice.carrier)
        # N of "package n of N": the box plan's forecast while units are left to verify.
        count = plan.forecast(plan.box_types(session), view) if view.remaining else None
        count = count or view.closed_packages + 1
        session.execute(
            _CLOSE,
            {
                "p": pkg.package_id,
                "n": count,
                "box": bt.id,
                "w": weight_g,
                "exp": expected,
                "ok": approved_by,
                "sscc": sscc,
                "tr": tracking,
                "svc": choice.service_id,
                "cost": Package.__table__.c.shipping_cost.type.to_db(  # type: ignore[attr-defined]
                    choice.cost, session.get_bind().dialect
                ),
                "cur": choice.currency,
                "sd": choice.ship_date,
                "ed": choice.expected_delivery,
                "by": actor.user_id,
                "at": utcnow(),
            },
        )
        session.execute(_PACKED_UNITS, {"p": pkg.package_id})
        # The package was the order's only open one: nothing verified is left outside a box.
        complete = view.remaining == 0 and view.units_out == 0
        new = OrderStatus.PACKED if complete else OrderStatus.PACKING
        set_order_status(session, order_id, view.status, new)
        freed = free_totes(session, actor, view, package_id=pkg.package_id) if complete else []
        relabel: list[int] = []
        follow_up = None
        if complete:
            count = view.closed_packages + 1
            relabel = plan.settle_count(session, actor, view, closing=pkg.package_id)
            follow_up = remainder.back_order_rest(session, actor, order_id)
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
            "count": count,  # N of "package n of N" as its label says it
            "relabel": relabel,  # earlier packages of the order whose label said another N
            "backorder": follow_up,  # the order that ships the units not in any package
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
        notes = [f"{view.number} package {pkg.seq} of {count} closed: {choice.service} {tracking}"]
        if relabel:
            notes.append(f"relabel package(s) {', '.join(map(str, relabel))}: {count} in all")
        if follow_up:
            notes.append(f"the rest ships later as {follow_up}")
        return Outcome("closed", ". ".join(notes), data, view.warehouse_id)

    return run_scan(db, actor, scan_id=scan_id, action="pack_close", raw=box, body=body)
