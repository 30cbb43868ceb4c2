"""Reopening a closed package before it is handed over (closed -> open): its units count as
not packed until it closes again; its SSCC and tracking number stay, so a new label is the same
package. The order goes back to packing."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.states import OrderStatus, PackageStatus
from wms_terminal.packing.reading import order_view
from wms_terminal.packing.service import lock_order, move_package, set_order_status
from wms_terminal.picking.scans import Outcome, Rejected, run_scan
from wms_terminal.picking.views import ScanResult
from wms_terminal.scanning.text import preview


def reopen(db: Database, actor: Actor, *, scan_id: str, sscc: str) -> ScanResult:
    """A closed package not yet handed over is opened again (closed -> open): its units count
    as not packed until it closes again; its SSCC and tracking number stay (a new label is the
    same package). The order goes back to packing."""

    def body(session: Session) -> Outcome:
        require(actor, "pack")
        got = session.execute(
            text("SELECT id, order_id, status FROM package WHERE sscc = :s"), {"s": sscc}
        ).first()
        if got is None:
            raise Rejected("no_package", f"no package {preview(sscc)}", clean=True)
        package_id, order_id, status = int(got[0]), int(got[1]), str(got[2])
        order_status = lock_order(session, order_id)
        if status != PackageStatus.CLOSED:
            raise Rejected("not_closed", f"package {sscc} is {status}", clean=True)
        view = order_view(session, order_id)
        if view.package is not None:
            raise Rejected(
                "package_open",
                f"{view.number} has package {view.package.seq} open: close it first",
                clean=True,
            )
        move_package(session, package_id, PackageStatus.CLOSED, PackageStatus.OPEN)
        session.execute(
            text(
                "UPDATE order_line SET qty_packed = qty_packed - (SELECT pl.qty FROM package_line "
                "pl WHERE pl.package_id = :p AND pl.order_line_id = order_line.id) "
                "WHERE id IN (SELECT order_line_id FROM package_line WHERE package_id = :p)"
            ),
            {"p": package_id},
        )
        set_order_status(session, order_id, order_status, OrderStatus.PACKING)
        record(
            session,
            action="package_reopened",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=view.warehouse_id,
            entity="package",
            entity_id=sscc,
            order=view.number,
        )
        return Outcome(
            "reopened", f"{view.number}: package {sscc} open again", {"order": view.number}
        )

    return run_scan(db, actor, scan_id=scan_id, action="pack_reopen", raw=sscc, body=body)
