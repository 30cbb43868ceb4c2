"""Packing services: each one transaction, each scan applied once under its id
(`picking.scans.run_scan`): verify a unit into the order's open package, hold the package (a unit
missing, with a reason) and resume it, ship the missing units short, cancel a package that is
not closed yet. Closing is `packing.close`.

The order row is locked first (PostgreSQL FOR UPDATE; SQLite's BEGIN IMMEDIATE serialises
writers), so two stations on one order never both take its last unit. Every service checks the
`pack` permission.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, text
from sqlmodel import Session

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.catalog import product_for_code
from wms_terminal.core.db import Database
from wms_terminal.core.models import Package
from wms_terminal.core.states import (
    ORDER_TRANSITIONS,
    PACKAGE_TRANSITIONS,
    OrderStatus,
    PackageStatus,
    require_transition,
)
from wms_terminal.packing import claim, plan, remainder
from wms_terminal.packing.reading import order_view, orders_in_tote
from wms_terminal.packing.views import OrderView
from wms_terminal.picking.location_block import raise_count
from wms_terminal.picking.scans import Outcome, Rejected, run_scan
from wms_terminal.picking.totes import empty_tote_in
from wms_terminal.picking.views import ScanResult
from wms_terminal.scanning.symbology import Kind, classify
from wms_terminal.scanning.text import preview

PACKABLE = (OrderStatus.PICKED, OrderStatus.PACKING)
# Why a unit is missing at packing (hold or short).
REASONS: dict[str, str] = {
    "MISSING": "not in the tote",
    "DAMAGED": "damaged",
    "WRONG": "a wrong item in its place",
}


def lock_order(session: Session, order_id: int) -> str:
    sql = "SELECT status FROM sales_order WHERE id = :o"
    if session.get_bind().dialect.name == "postgresql":
        sql += " FOR UPDATE"
    status = session.execute(text(sql), {"o": order_id}).scalar()
    if status is None:
        raise Rejected("no_order", f"no order {order_id}", clean=True)
    return str(status)


def packable(session: Session, actor: Actor, order_id: int) -> OrderView:
    """The order, locked, when it can be packed now."""
    require(actor, "pack")
    status = lock_order(session, order_id)
    view = order_view(session, order_id)
    if status not in PACKABLE:
        if view.units_out:
            raise Rejected(
                "totes_out",
                f"{view.number}: {view.units_out} unit(s) still being picked"
                + (f" (totes {', '.join(view.totes_out)})" if view.totes_out else "")
                + ": set the arrived totes aside until they come",
                clean=True,
            )
        raise Rejected("not_packable", f"{view.number} is {status}: nothing to pack", clean=True)
    who = claim.claimant(session, actor, order_id)
    if who is not None:
        raise Rejected("claimed", f"{view.number} is being packed at {who}", clean=True)
    claim.touch(session, actor, order_id)
    return view


def open_order(db: Database, actor: Actor, *, scan_id: str, order_id: int) -> ScanResult:
    """The station opens the order: it claims it (`packing.claim`), refused when another
    station has it open."""

    def body(session: Session) -> Outcome:
        view = packable(session, actor, order_id)
        claim.take(session, actor, order_id, view.number)
        return Outcome("opened", f"{view.number} open at {actor.terminal or actor.username}")

    return run_scan(db, actor, scan_id=scan_id, action="pack_open", raw="", body=body)


def _reason(reason: str) -> str:
    code = reason.strip().upper()
    if code not in REASONS:
        raise Rejected(
            "bad_reason", f"reason must be one of {', '.join(REASONS)}, not {preview(reason)}"
        )
    return code


def open_package(session: Session, actor: Actor, view: OrderView) -> int:
    """The order's open package (a new one, numbered after the others, when there is none)."""
    if view.package is not None:
        if view.package.status == PackageStatus.HELD:
            raise Rejected(
                "held",
                f"{view.number} is on hold ({view.package.hold_reason}): resume it first",
                clean=True,
            )
        return view.package.package_id
    seq = 1 + int(
        session.execute(
            text("SELECT COUNT(*) FROM package WHERE order_id = :o AND status <> 'cancelled'"),
            {"o": view.order_id},
        ).scalar_one()
    )
    pkg = Package(
        warehouse_id=view.warehouse_id,
        order_id=view.order_id,
        status=PackageStatus.OPEN,
        packed_by=actor.user_id,
        seq=seq,
        currency=view.currency,
    )
    session.add(pkg)
    session.flush()
    assert pkg.id is not None
    return pkg.id


def verify(
    db: Database, actor: Actor, *, scan_id: str, order_id: int, raw: str, symbology: str | None
) -> ScanResult:
    """One product scan at the station: its units (a case counts its pack quantity) go into the
    open package, or the scan is refused (not on the order, more than is left, not a product)."""

    def body(session: Session) -> Outcome:
        view = packable(session, actor, order_id)
        got = classify(raw, symbology)
        if not got.ok:
            raise Rejected("bad_scan", got.error or "unreadable", clean=True)
        if got.kind not in (Kind.GTIN, Kind.GS1):
            raise Rejected(
                "not_a_product", f"scan a product of {view.number} ({got.kind})", clean=True
            )
        gtins = got.fields.get("candidates") or (got.fields.get("gtin"),)
        code = str(got.fields.get("gtin") or raw)
        matches = product_for_code(session, code, gtins=[str(g) for g in gtins if g], sku=False)
        on_order = {x.product_id for x in view.lines}
        match = next((m for m in matches if m.product_id in on_order), None)
        if match is None:
            raise Rejected(
                "wrong_item",
                f"not on {view.number}: {preview(raw)} is a wrong item, set it aside",
                clean=True,
                # Kept with the refusal: a mis-pick caught at packing (`reports.analytics`).
                order=view.number,
                warehouse_id=view.warehouse_id,
            )
        line = view.line_for(match.product_id, match.units)
        assert line is not None
        if match.units > line.remaining:
            raise Rejected(
                "over_scan",
                f"{line.sku}: {match.units} more is too many ({line.remaining} left to verify)",
                clean=True,
                sku=line.sku,
            )
        package_id = open_package(session, actor, view)
        done = session.execute(
            text(
                "UPDATE package_line SET qty = qty + :n "
                "WHERE package_id = :p AND order_line_id = :l RETURNING id"
            ),
            {"n": match.units, "p": package_id, "l": line.line_id},
        ).first()
        if done is None:
            session.execute(
                text(
                    "INSERT INTO package_line (package_id, order_line_id, qty) VALUES (:p, :l, :n)"
                ),
                {"n": match.units, "p": package_id, "l": line.line_id},
            )
        left = view.remaining - match.units
        return Outcome(
            "verified",
            f"{line.sku} OK ({line.packed + line.short + match.units}/{line.ready})",
            {"sku": line.sku, "units": match.units, "package_id": package_id, "left": left},
            view.warehouse_id,
        )

    return run_scan(db, actor, scan_id=scan_id, action="pack_verify", raw=raw, body=body)


def move_package(session: Session, package_id: int, current: str, new: str, **cols: Any) -> None:
    require_transition(PACKAGE_TRANSITIONS, current, new, "a package")
    sets = ", ".join(f"{k} = :{k}" for k in cols)
    done = session.execute(
        text(
            f"UPDATE package SET status = :new{', ' + sets if sets else ''} "
            "WHERE id = :id AND status = :cur RETURNING id"
        ),
        {"new": new, "id": package_id, "cur": current, **cols},
    ).first()
    if done is None:
        raise Rejected("package_moved", "the package was changed meanwhile: scan the order again")


def hold(db: Database, actor: Actor, *, scan_id: str, order_id: int, reason: str) -> ScanResult:
    """A unit is missing and may still turn up: the package is held, with the reason; the
    order waits (resume it when the unit is found, or ship short)."""

    def body(session: Session) -> Outcome:
        code = _reason(reason)
        view = packable(session, actor, order_id)
        package_id = open_package(session, actor, view)
        move_package(session, package_id, PackageStatus.OPEN, PackageStatus.HELD, hold_reason=code)
        claim.end(session, order_id)
        record(
            session,
            action="package_held",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=view.warehouse_id,
            entity="order",
            entity_id=view.number,
            reason_code=code,
            package_id=package_id,
            missing=view.remaining,
        )
        return Outcome(
            "held", f"{view.number} on hold ({code}): set it aside", {"package_id": package_id}
        )

    return run_scan(db, actor, scan_id=scan_id, action="pack_hold", raw=reason, body=body)


def resume(db: Database, actor: Actor, *, scan_id: str, order_id: int) -> ScanResult:
    """A held package is packed on (held -> open)."""

    def body(session: Session) -> Outcome:
        view = packable(session, actor, order_id)
        pkg = view.package
        if pkg is None or pkg.status != PackageStatus.HELD:
            raise Rejected("not_held", f"{view.number} is not on hold", clean=True)
        move_package(session, pkg.package_id, PackageStatus.HELD, PackageStatus.OPEN)
        record(
            session,
            action="package_resumed",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=view.warehouse_id,
            entity="order",
            entity_id=view.number,
            reason_code=pkg.hold_reason,
            package_id=pkg.package_id,
        )
        return Outcome("resumed", f"{view.number} resumed", {"package_id": pkg.package_id})

    return run_scan(db, actor, scan_id=scan_id, action="pack_resume", raw="", body=body)


def short(db: Database, actor: Actor, *, scan_id: str, order_id: int, reason: str) -> ScanResult:
    """The units not verified are not there (missing, damaged): the order ships without them.
    Each line's missing units are counted on it (`qty_pack_short`) and audited with the reason;
    what does not ship becomes a follow-up back-order (`packing.remainder`) once the order is
    packed. When nothing of the order is here at all (no unit verified, none closed, none still
    being picked), the order is cancelled and the follow-up ships all of it later."""

    def body(session: Session) -> Outcome:
        code = _reason(reason)
        view = packable(session, actor, order_id)
        shorted = {x.sku: x.remaining for x in view.lines if x.remaining > 0}
        if not shorted:
            raise Rejected("nothing_short", f"every unit of {view.number} is verified", clean=True)
        in_box = view.package.units if view.package is not None else 0
        nothing = not in_box and not view.closed_packages and view.units_out == 0
        if view.package is not None and view.package.status == PackageStatus.HELD:
            move_package(session, view.package.package_id, PackageStatus.HELD, PackageStatus.OPEN)
        for x in view.lines:
            if x.remaining > 0:
                session.execute(
                    text(
                        "UPDATE order_line SET qty_pack_short = qty_pack_short + :n WHERE id = :l"
                    ),
                    {"n": x.remaining, "l": x.line_id},
                )
        counts = _count_where_picked(session, actor, view, code) if code == "MISSING" else []
        record(
            session,
            action="pack_short",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=view.warehouse_id,
            entity="order",
            entity_id=view.number,
            reason_code=code,
            units=shorted,
            count_tasks=counts,
        )
        units = sum(shorted.values())
        data: dict[str, Any] = {"short": shorted, "count_tasks": counts}
        note = f"{view.number}: {units} unit(s) short ({code})"
        after = order_view(session, order_id)
        pkg = after.package
        if after.units_out == 0 and (pkg is None or pkg.units == 0):
            # Nothing left to verify or close: the order is done with what was packed.
            if pkg is not None:
                move_package(session, pkg.package_id, PackageStatus.OPEN, PackageStatus.CANCELLED)
            new = OrderStatus.CANCELLED if nothing else OrderStatus.PACKED
            set_order_status(session, order_id, after.status, new)
            claim.end(session, order_id)
            data["order_status"] = new
            data["totes_freed"] = free_totes(session, actor, order_view(session, order_id))
            if new == OrderStatus.PACKED:
                data["relabel"] = plan.settle_count(session, actor, after)
            follow_up = remainder.back_order_rest(session, actor, order_id)
            data["backorder"] = follow_up
            if nothing:
                note = f"{view.number}: nothing of it is here: cancelled"
            if follow_up:
                note += f"; its {'units' if nothing else 'missing units'} ship later as {follow_up}"
        return Outcome("short", note, data)

    return run_scan(db, actor, scan_id=scan_id, action="pack_short", raw=reason, body=body)


def cancel_package(db: Database, actor: Actor, *, scan_id: str, order_id: int) -> ScanResult:
    """The open or held package is dropped: its units are to be verified again."""

    def body(session: Session) -> Outcome:
        view = packable(session, actor, order_id)
        pkg = view.package
        if pkg is None:
            raise Rejected("no_package", f"{view.number} has no open package", clean=True)
        session.execute(
            text("DELETE FROM package_line WHERE package_id = :p"), {"p": pkg.package_id}
        )
        move_package(session, pkg.package_id, pkg.status, PackageStatus.CANCELLED)
        if view.status == OrderStatus.PACKING and view.closed_packages == 0:
            set_order_status(session, view.order_id, view.status, OrderStatus.PICKED)
        record(
            session,
            action="package_cancelled",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=view.warehouse_id,
            entity="order",
            entity_id=view.number,
            package_id=pkg.package_id,
            units=pkg.units,
        )
        return Outcome("cancelled", f"{view.number}: package {pkg.seq} emptied, scan again")

    return run_scan(db, actor, scan_id=scan_id, action="pack_cancel", raw="", body=body)


def set_order_status(session: Session, order_id: int, current: str, new: str) -> None:
    if current == new:
        return
    require_transition(ORDER_TRANSITIONS, current, new, "an order")
    session.execute(
        text(
            "UPDATE sales_order SET status = :new, updated_at = CURRENT_TIMESTAMP "
            "WHERE id = :o AND status = :cur"
        ),
        {"new": new, "o": order_id, "cur": current},
    )


def free_totes(
    session: Session, actor: Actor, view: OrderView, *, package_id: int | None = None
) -> list[str]:
    """The order's totes at packing whose every order is packed now: emptied and freed
    (`how="packed"`, or "sorted" for a tote at consolidation that held several orders)."""
    freed: list[str] = []
    for tote in view.totes:
        if not tote.arrived:
            continue
        others = [o for o in orders_in_tote(session, tote.code) if o != view.order_id]
        statuses = [
            session.execute(
                text("SELECT status FROM sales_order WHERE id = :o"), {"o": o}
            ).scalar_one()
            for o in others
        ]
        if any(s != OrderStatus.PACKED for s in statuses):
            continue
        how = "packed" if tote.status == "at_packing" else "sorted"
        empty_tote_in(session, actor, code=tote.code, how=how, package_id=package_id)
        freed.append(tote.code)
    return freed


def _count_where_picked(session: Session, actor: Actor, view: OrderView, code: str) -> list[int]:
    """Units missing at packing were perhaps never taken off the shelf: each location they were
    picked from is counted (`picking.location_block.raise_count`: blocked until counted)."""
    lines = [x.line_id for x in view.lines if x.remaining > 0]
    found = session.execute(
        text(
            "SELECT DISTINCT pt.location_id, pt.product_id FROM pick_task pt "
            "WHERE pt.order_line_id IN :lines AND pt.qty_picked > 0 ORDER BY 1, 2"
        ).bindparams(bindparam("lines", expanding=True)),
        {"lines": lines},
    ).all()
    return [
        raise_count(
            session,
            warehouse_id=view.warehouse_id,
            location_id=int(loc),
            product_id=int(prod),
            reason="pack_missing",
            actor=actor,
        )
        for loc, prod in found
    ]
