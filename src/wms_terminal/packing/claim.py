"""Which pack station has an order open: a station opening an order claims it (user and
terminal on the order, by a conditional update under the order's row lock), so two stations
never pack one order at once. Another station is told who has it. The claim ends when the
station leaves the order (packed, held, set aside), when a supervisor frees it, or when it has
not been used for `LEASE` (a station that went away)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlmodel import Session

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.picking.scans import Outcome, Rejected, run_scan
from wms_terminal.picking.views import ScanResult

LEASE = timedelta(minutes=30)


def _stale() -> datetime:
    return datetime.now(UTC) - LEASE


def claimant(session: Session, actor: Actor, order_id: int) -> str | None:
    """Who else (live) has the order open: "<terminal> by <name>", or None."""
    row = session.execute(
        text(
            "SELECT so.pack_claim_terminal, u.name, u.username FROM sales_order so "
            "JOIN app_user u ON u.id = so.pack_claim_user_id WHERE so.id = :o "
            "AND so.pack_claimed_at >= :stale AND NOT (so.pack_claim_user_id = :u "
            "AND so.pack_claim_terminal = :t)"
        ),
        {"o": order_id, "stale": _stale(), "u": actor.user_id, "t": actor.terminal},
    ).first()
    if row is None:
        return None
    return f"{row[0] or '?'} by {row[1] or row[2]}"


def take(session: Session, actor: Actor, order_id: int, number: str) -> None:
    """Claim the order for this station (or renew its claim), in the caller's transaction
    (the order row is locked by then); refused when another station's claim is live."""
    done = session.execute(
        text(
            "UPDATE sales_order SET pack_claim_user_id = :u, pack_claim_terminal = :t, "
            "pack_claimed_at = :now WHERE id = :o AND (pack_claim_user_id IS NULL "
            "OR pack_claimed_at < :stale OR (pack_claim_user_id = :u "
            "AND pack_claim_terminal = :t)) RETURNING id"
        ),
        {
            "u": actor.user_id,
            "t": actor.terminal,
            "now": datetime.now(UTC),
            "o": order_id,
            "stale": _stale(),
        },
    ).first()
    if done is None:
        who = claimant(session, actor, order_id) or "another station"
        raise Rejected("claimed", f"{number} is being packed at {who}", clean=True)


def touch(session: Session, actor: Actor, order_id: int) -> None:
    """This station's claim is in use (a scan): its lease starts again."""
    session.execute(
        text(
            "UPDATE sales_order SET pack_claimed_at = :now WHERE id = :o "
            "AND pack_claim_user_id = :u AND pack_claim_terminal = :t"
        ),
        {"now": datetime.now(UTC), "o": order_id, "u": actor.user_id, "t": actor.terminal},
    )


def end(session: Session, order_id: int, actor: Actor | None = None) -> None:
    """The claim is over (this station's only, when an actor is given)."""
    sql = (
        "UPDATE sales_order SET pack_claim_user_id = NULL, pack_claim_terminal = '', "
        "pack_claimed_at = NULL WHERE id = :o"
    )
    params: dict[str, object] = {"o": order_id}
    if actor is not None:
        sql += " AND pack_claim_user_id = :u AND pack_claim_terminal = :t"
        params |= {"u": actor.user_id, "t": actor.terminal}
    session.execute(text(sql), params)


def release(db: Database, actor: Actor, order_id: int) -> None:
    """This station leaves the order."""
    with db.transaction() as s:
        end(s, order_id, actor)


def free(db: Database, actor: Actor, *, scan_id: str, number: str) -> ScanResult:
    """A supervisor frees an order a station has left open (the station went away) or a packer
    set aside with a box open on their bench (the packer went home): the claim ends and the open
    box is any station's to finish (its verified units stay in it), so the order comes back into
    every station's queue (`packing.work`)."""

    def body(session: Session) -> Outcome:
        require(actor, "release_tote")
        row = session.execute(
            text(
                "SELECT so.id, so.warehouse_id, so.pack_claim_terminal, so.pack_claim_user_id, "
                "p.id, u.name FROM sales_order so LEFT JOIN package p ON p.order_id = so.id "
                "AND p.status = 'open' AND p.packed_by IS NOT NULL "
                "LEFT JOIN app_user u ON u.id = p.packed_by WHERE so.number = :n"
            ),
            {"n": number},
        ).first()
        if row is None:
            raise Rejected("no_order", f"no order {number}", clean=True)
        order_id, warehouse_id, station, claimed_by, box, packer = row
        if claimed_by is None and box is None:
            raise Rejected("not_claimed", f"{number} is not open at any station", clean=True)
        end(session, int(order_id))
        if box is not None:
            session.execute(text("UPDATE package SET packed_by = NULL WHERE id = :p"), {"p": box})
        where = f"open at {station}" if claimed_by is not None else f"set aside by {packer}"
        record(
            session,
            action="pack_claim_freed",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=warehouse_id,
            entity="order",
            entity_id=number,
            station=station if claimed_by is not None else "",
            box_of=packer if box is not None else "",
        )
        return Outcome("freed", f"{number} freed (was {where})")

    return run_scan(db, actor, scan_id=scan_id, action="pack_free", raw=number, body=body)
