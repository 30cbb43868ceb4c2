"""Damaged units: out of pickable stock at the picker's scan, never lost, settled by a supervisor.

    shelf --DAMAGED (picker)--> the warehouse's damaged location     (`set_aside`: a transfer with
                                                                       its ledger lines; nothing
                                                                       leaves the books)
    damaged location --settle_damaged(scrap=N, note)--> written off  (an adjustment, reason code
                                                                       DAMAGED, audited)
                     --settle_damaged(restock=M)-----> a put-away task back to the shelves (its
                                                       put-away makes them pickable again and
                                                       serves waiting back-orders)

Stock is written off only by a count or a supervisor, never by a picker's scan. What waits in a
damaged location is listed by `list_damaged` (`wms-terminal stock damaged`): that is the task a
supervisor finishes. The damaged location is not pickable: nothing reserves from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from wms_terminal.core import inventory, stock_in_out
from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.errors import NotFound, ValidationError
from wms_terminal.core.models import LocationKind, MoveKind
from wms_terminal.core.service_locations import damaged_location
from wms_terminal.core.states import PickTaskStatus
from wms_terminal.core.task_sources import raise_putaways
from wms_terminal.core.transfer import transfer
from wms_terminal.picking.relocation import Closing, move_reservations
from wms_terminal.scanning.text import is_unsafe_char

REASON_CODE = "DAMAGED"
MAX_NOTE = 150

# Units of a product in a damaged location, less those an open put-away already takes back.
_WAITING = (
    "SELECT w.code, p.sku, p.name, l.code, s.on_hand - COALESCE((SELECT SUM(t.qty - t.qty_moved) "
    "FROM replenishment_task t WHERE t.from_location_id = l.id AND t.product_id = s.product_id "
    "AND t.status = 'open'), 0), s.location_id, s.product_id, l.warehouse_id "
    "FROM stock s JOIN location l ON l.id = s.location_id JOIN product p ON p.id = s.product_id "
    "JOIN warehouse w ON w.id = l.warehouse_id WHERE l.kind = :kind AND s.on_hand > 0"
)


@dataclass(frozen=True)
class DamagedStock:
    warehouse: str
    sku: str
    product_name: str
    location: str
    units: int  # waiting for a decision (not yet on a put-away task)

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Settled:
    warehouse: str
    sku: str
    location: str
    scrapped: int
    restocked: int
    putaway_task_ids: tuple[int, ...]
    left: int  # still waiting in the damaged location

    def to_json(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["putaway_task_ids"] = list(self.putaway_task_ids)
        return out


def set_aside(
    session: Session,
    *,
    warehouse_id: int,
    location_id: int,
    product_id: int,
    qty: int,
    actor: Actor,
    scan_id: str,
    reserved_by_task: int | None,
) -> str:
    """Move `qty` damaged units from a shelf to the damaged location (in the caller's
    transaction): the task's reservation gives them up first; when the shelf's free units do
    not cover them, other orders' reservations move elsewhere (or are back-ordered). Returns the
    damaged location's code."""
    if reserved_by_task is not None:
        inventory.unreserve(
            session,
            reservation_id=reserved_by_task,
            qty=qty,
            actor=actor,
            reason="damaged",
            scan_id=scan_id,
        )
    free = session.execute(
        text("SELECT on_hand - reserved FROM stock WHERE location_id = :l AND product_id = :p"),
        {"l": location_id, "p": product_id},
    ).scalar()
    if int(free or 0) < qty:
        move_reservations(
            session,
            location_id=location_id,
            product_id=product_id,
            qty=qty - int(free or 0),
            actor=actor,
            closing=Closing(PickTaskStatus.DAMAGED, REASON_CODE),
            reason="damaged",
            scan_id=scan_id,
        )
    cage = damaged_location(session, warehouse_id)
    assert cage.id is not None
    transfer(
        session,
        product_id=product_id,
        from_location_id=location_id,
        to_location_id=cage.id,
        qty=qty,
        actor=actor,
        reason="damaged",
        scan_id=scan_id,
    )
    return cage.code


def list_damaged(db: Database, *, warehouse: str | None = None) -> list[DamagedStock]:
    """What waits for a supervisor, by warehouse and SKU."""
    sql = _WAITING + (" AND w.code = :w" if warehouse else "") + " ORDER BY w.code, p.sku"
    params: dict[str, Any] = {"kind": LocationKind.DAMAGED}
    if warehouse:
        params["w"] = warehouse.strip()
    with db.reading() as session:
        found = session.execute(text(sql), params).all()
    return [
        DamagedStock(str(w), str(sku), str(name), str(loc), int(n))
        for w, sku, name, loc, n, *_ in found
        if int(n) > 0
    ]


def settle_damaged(
    db: Database,
    actor: Actor,
    *,
    warehouse: str,
    sku: str,
    scrap: int = 0,
    restock: int = 0,
    note: str = "",
) -> Settled:
    """A supervisor decides on damaged units: `scrap` are written off (say why in `note`),
    `restock` go back to the shelves by a put-away task. One transaction, audited."""
    require(actor, "adjust_stock")
    note = " ".join(note.split())
    if scrap < 0 or restock < 0 or scrap + restock < 1:
        raise ValidationError("give the units to scrap and/or to restock (1 or more)")
    if len(note) > MAX_NOTE or any(is_unsafe_char(c) for c in note):
        raise ValidationError(f"the note is at most {MAX_NOTE} printable characters")
    if scrap and not note:
        raise ValidationError("say why the units are written off (--note)")

    def body(session: Session) -> Settled:
        sql = _WAITING + " AND w.code = :w AND p.sku = :s"
        params = {"kind": LocationKind.DAMAGED, "w": warehouse.strip(), "s": sku.strip()}
        row = session.execute(text(sql), params).first()
        if row is None:
            raise NotFound(f"no damaged {sku.strip()} waits in {warehouse.strip()}")
        wh, the_sku, _, loc, waiting, loc_id, pid, wid = row
        if scrap + restock > int(waiting):
            raise ValidationError(
                f"{waiting} damaged {the_sku} wait in {wh}, not {scrap + restock}"
            )
        if scrap:
            stock_in_out.remove(
                session,
                location_id=int(loc_id),
                product_id=int(pid),
                qty=scrap,
                actor=actor,
                kind=MoveKind.ADJUSTMENT,
                reason=f"write-off damaged: {note}"[:200],
            )
        tasks = []
        if restock:
            tasks = raise_putaways(
                session, receiving_location_id=int(loc_id), product_ids=[int(pid)], limit=restock
            )
            if sum(t.qty for t in tasks) < restock:
                raise ValidationError(f"no shelf has room for {restock} {the_sku}: restock later")
        record(
            session,
            action="damaged_settled",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=int(wid),
            entity="stock",
            entity_id=f"{loc_id}:{pid}",
            reason_code=REASON_CODE,
            location=str(loc),
            sku=str(the_sku),
            scrapped=scrap,
            restocked=restock,
            note=note,
        )
        return Settled(
            str(wh),
            str(the_sku),
            str(loc),
            scrap,
            restock,
            tuple(t.id for t in tasks if t.id is not None),
            int(waiting) - scrap - restock,
        )

    return db.run(body, what="settle damaged stock")
