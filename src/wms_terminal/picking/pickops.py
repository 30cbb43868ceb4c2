"""Building blocks shared by the pick services: each runs inside the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, select

from wms_terminal.core import inventory
from wms_terminal.core.auth import Actor
from wms_terminal.core.codes import TOTE_RE
from wms_terminal.core.models import (
    Location,
    MoveKind,
    PickList,
    PickTask,
    ProductBarcode,
    Reservation,
    SalesOrder,
    Tote,
    Warehouse,
)
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.states import (
    ORDER_TRANSITIONS,
    PICK_LIST_TRANSITIONS,
    OrderStatus,
    PickListStatus,
    transition,
)
from wms_terminal.picking import messages as M
from wms_terminal.picking.scans import Rejected


class TaskStatus:
    OPEN = "open"
    PICKED = "picked"
    SHORT = "short"
    DAMAGED = "damaged"
    EMPTY = "empty"
    CLOSED = (PICKED, SHORT, DAMAGED, EMPTY)


@dataclass(frozen=True)
class TaskCtx:
    """A pick task with what the checks need, read in the acting transaction."""

    task_id: int
    pick_list_id: int
    warehouse_id: int
    seq: int
    order_id: int
    order_line_id: int
    reservation_id: int | None
    product_id: int
    location_id: int
    qty: int
    qty_picked: int
    status: str
    tote_slot: int | None
    list_status: str
    claimed_by: int | None
    location_barcode: str
    location_code: str

    @property
    def remaining(self) -> int:
        return self.qty - self.qty_picked

    @property
    def slot(self) -> int:
        return self.tote_slot or 1


_TASK = text(
    "SELECT pt.id, pt.pick_list_id, pt.warehouse_id, pt.seq, pt.order_id, pt.order_line_id, "
    "pt.reservation_id, pt.product_id, pt.location_id, pt.qty, pt.qty_picked, pt.status, "
    "pt.tote_slot, pl.status, pl.claimed_by, l.barcode, l.code "
    "FROM pick_task pt JOIN pick_list pl ON pl.id = pt.pick_list_id "
    "JOIN location l ON l.id = pt.location_id WHERE pt.id = :id"
)


def task_ctx(session: Session, task_id: int, actor: Actor, *, open_only: bool = True) -> TaskCtx:
    row = session.execute(_TASK, {"id": task_id}).first()
    if row is None:
        raise Rejected("no_task", M.TASK_CLOSED, clean=True)
    ctx = TaskCtx(*row)
    if ctx.list_status != PickListStatus.CLAIMED:
        raise Rejected("list_closed", M.LIST_CLOSED, clean=True)
    if ctx.claimed_by != actor.user_id:
        raise Rejected("not_your_list", M.NOT_YOUR_LIST, clean=True)
    if open_only and ctx.status != TaskStatus.OPEN:
        raise Rejected("task_closed", M.TASK_CLOSED, clean=True)
    return ctx


def product_for_barcode(session: Session, code: str) -> tuple[int, int] | None:
    """(product id, pack quantity) for a scanned product barcode, GTIN forms normalised."""
    code = code.strip()
    forms = {code}
    if code.isdigit():
        stripped = code.lstrip("0")
        for n in (8, 12, 13, 14):
            if len(stripped) <= n:
                forms.add(stripped.rjust(n, "0"))
    row = session.execute(
        select(ProductBarcode.product_id, ProductBarcode.pack_qty).where(
            ProductBarcode.barcode.in_(sorted(forms))  # type: ignore[attr-defined]
        )
    ).first()
    return (int(row[0]), int(row[1])) if row else None


def check_location(ctx: TaskCtx, code: str) -> None:
    if code.strip() != ctx.location_barcode:
        if not code.strip().startswith("L-"):
            raise Rejected("not_location", M.NOT_A_LOCATION, clean=True)
        raise Rejected(
            "wrong_location",
            M.fmt(M.WRONG_LOCATION, expected=ctx.location_code),
            clean=True,
            scanned=code,
        )


def check_item(session: Session, ctx: TaskCtx, code: str, sku: str = "") -> None:
    found = product_for_barcode(session, code)
    if found is None:
        raise Rejected("unknown_item", M.UNKNOWN_ITEM, clean=True, scanned=code)
    if found[0] != ctx.product_id:
        raise Rejected(
            "wrong_item", M.fmt(M.WRONG_ITEM, expected=sku or "the shown item"), clean=True
        )


def sku_of(session: Session, product_id: int) -> str:
    return str(
        session.execute(text("SELECT sku FROM product WHERE id = :id"), {"id": product_id}).scalar()
    )


def current_tote(session: Session, pick_list_id: int, slot: int) -> Tote | None:
    stmt = text(
        "SELECT t.id FROM pick_task pt JOIN tote t ON t.id = pt.tote_id "
        "WHERE pt.pick_list_id = :l AND COALESCE(pt.tote_slot, 1) = :s "
        "AND t.status = 'in_use' AND t.pick_list_id = :l ORDER BY pt.picked_at DESC LIMIT 1"
    )
    tid = session.execute(stmt, {"l": pick_list_id, "s": slot}).scalar()
    return session.get(Tote, tid) if tid is not None else None


def resolve_tote(session: Session, ctx: TaskCtx, code: str) -> int:
    """The tote for this task's slot: the one in use, or a free tote bound now."""
    code = code.strip()
    m = TOTE_RE.match(code)
    if m is None:
        raise Rejected("not_tote", M.NOT_A_TOTE)
    in_use = current_tote(session, ctx.pick_list_id, ctx.slot)
    if in_use is not None:
        if in_use.code != code:
            raise Rejected("wrong_tote", M.fmt(M.WRONG_TOTE, expected=in_use.code))
        assert in_use.id is not None
        return in_use.id
    wh_code = session.execute(
        select(Warehouse.code).where(Warehouse.id == ctx.warehouse_id)
    ).scalar_one()
    if m.group("wh") != wh_code:
        raise Rejected("tote_other_wh", M.TOTE_OTHER_WH)
    tote = session.exec(select(Tote).where(Tote.code == code)).first()
    if tote is None:
        tote = Tote(warehouse_id=ctx.warehouse_id, code=code, status="free")
        session.add(tote)
        session.flush()
    if tote.status == "full":
        raise Rejected("tote_full", M.fmt(M.TOTE_FULL, tote=code))
    if tote.status != "free" and tote.pick_list_id != ctx.pick_list_id:
        raise Rejected("tote_busy", M.fmt(M.TOTE_BUSY, tote=code))
    if tote.status != "free":
        # In use on this list, but for another slot.
        raise Rejected("wrong_tote", M.fmt(M.WRONG_TOTE, expected=f"slot {ctx.slot}"))
    bound = session.execute(
        text(
            "UPDATE tote SET status = 'in_use', pick_list_id = :l "
            "WHERE id = :id AND status = 'free' RETURNING id"
        ),
        {"l": ctx.pick_list_id, "id": tote.id},
    ).scalar()
    if bound is None:
        raise Rejected("tote_busy", M.fmt(M.TOTE_BUSY, tote=code))
    return int(bound)


def apply_pick(
    session: Session,
    ctx: TaskCtx,
    qty: int,
    actor: Actor,
    *,
    scan_id: str | None,
    tote_id: int | None,
    close: str | None = None,
) -> str:
    """Move `qty` units off the shelf for this task: task, stock, reservation, ledger, line.

    Conditional UPDATEs throughout: a task, line or stock row that no longer allows it refuses
    and the whole action is rolled back. Returns the task's new status."""
    now = utcnow()
    row = session.execute(
        text(
            "UPDATE pick_task SET qty_picked = qty_picked + :q, "
            "status = CASE WHEN qty_picked + :q = qty THEN 'picked' "
            "ELSE COALESCE(CAST(:close AS VARCHAR(12)), status) END, "
            "picked_by = :u, picked_at = :now, "
            "tote_id = COALESCE(CAST(:tote AS INTEGER), tote_id) "
            "WHERE id = :id AND status = 'open' AND qty_picked + :q <= qty RETURNING status"
        ),
        {
            "q": qty,
            "u": actor.user_id,
            "now": now,
            "tote": tote_id,
            "id": ctx.task_id,
            "close": close,
        },
    ).first()
    if row is None:
        raise Rejected("task_closed", M.TASK_CLOSED)
    if ctx.reservation_id is None:
        raise Rejected("no_reservation", M.STOCK_MISSING)
    inventory.pick(
        session, reservation_id=ctx.reservation_id, qty=qty, actor=actor, scan_id=scan_id
    )
    line = session.execute(
        text(
            "UPDATE order_line SET qty_picked = qty_picked + :q "
            "WHERE id = :id AND qty_picked + :q <= qty RETURNING id"
        ),
        {"q": qty, "id": ctx.order_line_id},
    ).first()
    if line is None:
        raise Rejected("line_done", M.TASK_CLOSED)
    return str(row[0])


def close_task(session: Session, ctx: TaskCtx, status: str, reason: str) -> None:
    done = session.execute(
        text(
            "UPDATE pick_task SET status = :s, reason_code = :r "
            "WHERE id = :id AND status = 'open' RETURNING id"
        ),
        {"s": status, "r": reason, "id": ctx.task_id},
    ).first()
    if done is None:
        raise Rejected("task_closed", M.TASK_CLOSED)


def start_order(session: Session, order_id: int) -> SalesOrder:
    """Lock the order row (PostgreSQL) and move it to picking on its first pick."""
    order = session.get(SalesOrder, order_id, with_for_update=True, populate_existing=True)
    assert order is not None
    if order.status == OrderStatus.RELEASED:
        transition(order, OrderStatus.PICKING, ORDER_TRANSITIONS)
        order.updated_at = utcnow()
        session.add(order)
    return order


def settle(session: Session, ctx: TaskCtx, order: SalesOrder) -> dict[str, Any]:
    """After a task changed: finish the order when none of its tasks is open, and the list when
    none of its tasks is open. The order row is locked first (see `start_order`), so of two lists
    finishing the same order at once the later sees the earlier's tasks closed."""
    out: dict[str, Any] = {"order_status": order.status, "list_done": False}
    session.flush()
    open_order = session.execute(
        text("SELECT COUNT(*) FROM pick_task WHERE order_id = :o AND status = 'open'"),
        {"o": ctx.order_id},
    ).scalar_one()
    if open_order == 0 and order.status == OrderStatus.PICKING:
        picked = session.execute(
            text("SELECT COALESCE(SUM(qty_picked), 0) FROM order_line WHERE order_id = :o"),
            {"o": ctx.order_id},
        ).scalar_one()
        # Something picked: it goes on to packing (back-ordered units stay on their lines).
        new = OrderStatus.PICKED if int(picked) > 0 else OrderStatus.BACKORDERED
        transition(order, new, ORDER_TRANSITIONS)
        order.updated_at = utcnow()
        session.add(order)
        out["order_status"] = order.status
    open_list = session.execute(
        text("SELECT COUNT(*) FROM pick_task WHERE pick_list_id = :l AND status = 'open'"),
        {"l": ctx.pick_list_id},
    ).scalar_one()
    if open_list == 0:
        pl = session.get(PickList, ctx.pick_list_id, populate_existing=True)
        assert pl is not None
        transition(pl, PickListStatus.DONE, PICK_LIST_TRANSITIONS)
        pl.finished_at = utcnow()
        session.add(pl)
        out["list_done"] = True
    return out


def reallocate(
    session: Session,
    ctx: TaskCtx,
    qty: int,
    actor: Actor,
    *,
    exclude_location: bool,
    scan_id: str | None,
) -> tuple[list[dict[str, Any]], int]:
    """Reserve `qty` units of the task's product elsewhere and add pick tasks for them to the
    list; what cannot be found is back-ordered on the order line. Returns (new picks, backordered).
    """
    rows = inventory.candidate_rows(session, ctx.warehouse_id, [ctx.product_id])[ctx.product_id]
    if exclude_location:
        rows = [r for r in rows if r.location_id != ctx.location_id]
    taken = inventory.take(session, rows, qty)
    got = sum(t.qty for t in taken)
    created: list[dict[str, Any]] = []
    if taken:
        max_seq = session.execute(
            text("SELECT MAX(seq) FROM pick_task WHERE pick_list_id = :l"),
            {"l": ctx.pick_list_id},
        ).scalar_one()
        seq = int(max_seq or 0)
        moves = []
        for t in taken:
            res = Reservation(
                warehouse_id=ctx.warehouse_id,
                order_id=ctx.order_id,
                order_line_id=ctx.order_line_id,
                stock_id=t.stock_id,
                product_id=t.product_id,
                location_id=t.location_id,
                qty=t.qty,
            )
            session.add(res)
            session.flush()
            # Same location (damaged units replaced from the same shelf): pick it right away.
            if t.location_id == ctx.location_id:
                new_seq = ctx.seq
            else:
                seq += 1
                new_seq = seq
            task = PickTask(
                warehouse_id=ctx.warehouse_id,
                pick_list_id=ctx.pick_list_id,
                seq=new_seq,
                order_id=ctx.order_id,
                order_line_id=ctx.order_line_id,
                reservation_id=res.id,
                product_id=t.product_id,
                location_id=t.location_id,
                qty=t.qty,
                tote_slot=ctx.tote_slot,
            )
            session.add(task)
            code = session.execute(
                select(Location.code).where(Location.id == t.location_id)
            ).scalar_one()
            created.append({"location": code, "qty": t.qty})
            moves.append(
                inventory.move(
                    warehouse_id=ctx.warehouse_id,
                    product_id=t.product_id,
                    location_id=t.location_id,
                    kind=MoveKind.RESERVATION,
                    actor=actor,
                    reserved_delta=t.qty,
                    order_id=ctx.order_id,
                    scan_id=scan_id,
                    reason="re-allocated after pick exception",
                )
            )
        inventory.write_moves(session, moves)
    back = qty - got
    session.execute(
        text(
            "UPDATE order_line SET qty_reserved = qty_reserved - :lost + :got, "
            "qty_backordered = qty_backordered + :back WHERE id = :id"
        ),
        {"lost": qty, "got": got, "back": back, "id": ctx.order_line_id},
    )
    session.flush()
    return created, back


def holders(session: Session, ctx: TaskCtx, limit: int = 5) -> list[dict[str, Any]]:
    """Who holds the product's remaining stock in this warehouse: other orders' reservations."""
    rows = session.execute(
        text(
            "SELECT so.number, l.code, r.qty FROM reservation r "
            "JOIN sales_order so ON so.id = r.order_id JOIN location l ON l.id = r.location_id "
            "WHERE r.product_id = :p AND r.warehouse_id = :w AND r.status = 'active' "
            "AND r.qty > 0 AND r.order_id <> :o ORDER BY r.qty DESC, so.number LIMIT :n"
        ),
        {"p": ctx.product_id, "w": ctx.warehouse_id, "o": ctx.order_id, "n": limit},
    ).all()
    return [{"order": n, "location": c, "qty": int(q)} for n, c, q in rows]


def check_task(ctx: TaskCtx, actor: Actor, *, open_only: bool = True) -> None:
    if ctx.list_status != PickListStatus.CLAIMED:
        raise Rejected("list_closed", M.LIST_CLOSED, clean=True)
    if ctx.claimed_by != actor.user_id:
        raise Rejected("not_your_list", M.NOT_YOUR_LIST, clean=True)
    if open_only and ctx.status != TaskStatus.OPEN:
        raise Rejected("task_closed", M.TASK_CLOSED, clean=True)
