"""Cart holds: a channel reserves stock for a shopper's cart for a while (a soft reservation).

    hold_cart(db, actor, channel=, cart=, lines=[(sku, qty)], ttl_s=)  -> CartView
    release_cart(db, actor, channel=, cart=)                            the shopper gave up
    checkout(db, actor, channel=, cart=, order=OrderInput)              -> Checkout
    sweep(db, actor)                                                    the sweeper

A live hold reserves real stock rows (`stock.reserved`, with ledger lines, like an order's
reservation; its units are in `cart_hold_line`), so no order or other cart can take them, by the
same conditional UPDATEs as every reservation. It is "soft" because it ends by itself: once its
expiry passes, the next allocation of those products ends it first (`cart_expiry`, called by
`inventory.candidate_rows`) and the sweeper ends the rest and gives their units to the waiting
back-orders. Stock figures show live holds apart (`held_in_carts`) and count expired ones as free.

Checkout is one transaction: the hold ends (conditional on it being active and not expired), its
units are freed and the order is written by the order intake (`intake.import_in`), which
reserves them again, trying the hold's warehouse first; no one can take the units in between
(SQLite: one writer; PostgreSQL: the stock rows stay locked until commit). A hold that expired
before the checkout is ended as expired and the order reserves whatever is free, like any order.
A hold, a checkout and the sweeper meeting on one cart: exactly one of them ends it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from wms_terminal.core import inventory
from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.backorders import rereserve
from wms_terminal.core.bulk_sql import insert_rows
from wms_terminal.core.cart_expiry import end_expired, end_hold
from wms_terminal.core.db import Database
from wms_terminal.core.errors import InsufficientStock, InvalidTransition, NotFound, ValidationError
from wms_terminal.core.intake import import_in
from wms_terminal.core.inventory import write_moves
from wms_terminal.core.models import (
    CartHold,
    CartHoldLine,
    CartHoldStatus,
    Channel,
    MoveKind,
    Product,
    SalesOrder,
    Warehouse,
)
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.order_input import OrderInput

DEFAULT_TTL_S = 900
MAX_TTL_S = 86_400
MAX_LINES = 200
MAX_QTY = 10_000


@dataclass(frozen=True)
class CartView:
    channel: str
    cart: str
    warehouse: str
    status: str
    expires_at: datetime
    lines: tuple[tuple[str, int], ...]  # (sku, units held); none once the hold ended
    order: str | None = None

    def as_data(self) -> dict[str, object]:
        return {
            "channel": self.channel,
            "cart": self.cart,
            "warehouse": self.warehouse,
            "status": self.status,
            "expires_at": self.expires_at.isoformat(),
            "lines": [{"sku": s, "qty": q} for s, q in self.lines],
            "order": self.order,
        }


@dataclass(frozen=True)
class Checkout:
    order: str
    status: str
    created: bool  # False: the order was already there (a repeated checkout)
    hold_honoured: bool  # the cart's live hold became the order's reservation


def check_cart(channel: str, cart: str) -> list[str]:
    problems = []
    if channel not in Channel.ALL:
        problems.append(f"channel must be one of {', '.join(Channel.ALL)}, not {channel[:20]!r}")
    if not cart or len(cart) > 80 or not cart.isprintable() or cart != cart.strip():
        problems.append("cart must be 1 to 80 printable characters without outer spaces")
    return problems


def check_lines(lines: Sequence[tuple[str, int]], ttl_s: int) -> list[str]:
    problems = []
    if not lines:
        problems.append("a hold needs at least one line")
    if len(lines) > MAX_LINES:
        problems.append(f"a hold has at most {MAX_LINES} lines")
    for n, (sku, qty) in enumerate(lines[:MAX_LINES], start=1):
        if not sku:
            problems.append(f"line {n}: no SKU")
        if not 1 <= qty <= MAX_QTY:
            problems.append(f"line {n}: qty must be 1 to {MAX_QTY:,}, not {qty}")
    if not 1 <= ttl_s <= MAX_TTL_S:
        problems.append(f"ttl_s must be 1 to {MAX_TTL_S:,} seconds, not {ttl_s}")
    return problems


def _locked(session: Session, channel: str, cart: str) -> CartHold | None:
    return session.exec(
        select(CartHold)
        .where(col(CartHold.channel) == channel, col(CartHold.cart) == cart)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()


def hold_cart(
    db: Database,
    actor: Actor,
    *,
    channel: str,
    cart: str,
    lines: Sequence[tuple[str, int]],
    ttl_s: int = DEFAULT_TTL_S,
    warehouse: str | None = None,
) -> CartView:
    """Hold every line's units in one warehouse (the named one, else the first that has them
    all) until now + ttl_s; holding a held cart again replaces its lines. All or nothing."""
    require(actor, "hold_stock")
    problems = check_cart(channel, cart) + check_lines(lines, ttl_s)
    if problems:
        raise ValidationError("; ".join(problems))
    need: dict[str, int] = {}
    for sku, qty in lines:
        need[sku] = need.get(sku, 0) + qty
    return db.run(
        lambda s: _hold(s, actor, channel, cart, need, ttl_s, warehouse), what="hold a cart"
    )


def _hold(
    session: Session,
    actor: Actor,
    channel: str,
    cart: str,
    need: dict[str, int],
    ttl_s: int,
    warehouse: str | None,
) -> CartView:
    products = {
        sku: pid
        for pid, sku in session.exec(
            select(col(Product.id), col(Product.sku)).where(
                col(Product.sku).in_(list(need)), col(Product.active)
            )
        )
        if pid is not None
    }
    unknown = sorted(set(need) - set(products))
    if unknown:
        raise ValidationError("unknown SKU " + ", ".join(repr(u[:40]) for u in unknown))
    sites = session.exec(select(Warehouse).order_by(col(Warehouse.id))).all()
    if warehouse is not None:
        sites = [w for w in sites if w.code == warehouse]
        if not sites:
            raise NotFound(f"no warehouse {warehouse[:20]!r}")
    hold = _locked(session, channel, cart)
    if hold is not None and hold.status == CartHoldStatus.CHECKED_OUT:
        raise InvalidTransition(f"cart {channel}/{cart} is checked out already")
    if hold is not None and hold.status == CartHoldStatus.ACTIVE:
        assert hold.id is not None
        end_hold(
            session,
            hold.id,
            CartHoldStatus.RELEASED,
            user_id=actor.user_id,
            terminal=actor.terminal,
            reason=f"cart {channel}/{cart} held again",
        )
    by_pid = {products[sku]: qty for sku, qty in need.items()}
    best: tuple[Warehouse, dict[int, list[inventory.StockRow]]] | None = None
    short: list[str] = []
    for site in sites:
        assert site.id is not None
        rows = inventory.candidate_rows(session, site.id, by_pid)
        free = {pid: sum(r.available for r in rows[pid]) for pid in by_pid}
        missing = [
            f"{sku}: {free[products[sku]]} of {qty} free in {site.code}"
            for sku, qty in need.items()
            if free[products[sku]] < qty
        ]
        if not missing:
            best = (site, rows)
            break
        short += missing
    if best is None:
        raise InsufficientStock("not enough free stock to hold the cart: " + "; ".join(short))
    site, rows = best
    assert site.id is not None
    now = utcnow()
    if hold is None:
        hold = CartHold(
            channel=channel, cart=cart, warehouse_id=site.id, expires_at=now, created_at=now
        )
    hold.warehouse_id = site.id
    hold.status = CartHoldStatus.ACTIVE
    hold.expires_at = now + timedelta(seconds=ttl_s)
    hold.closed_at = None
    hold.created_at = now
    session.add(hold)
    session.flush()
    assert hold.id is not None
    line_rows: list[dict[str, object]] = []
    moves = []
    reason = f"cart {channel}/{cart}"
    for pid, qty in by_pid.items():
        taken = inventory.take(session, rows[pid], qty)
        if sum(t.qty for t in taken) < qty:  # lost a race for the last units: nothing stays
            raise InsufficientStock("the free stock of the cart's products changed: try again")
        for t in taken:
            line_rows.append(
                {
                    "hold_id": hold.id,
                    "warehouse_id": site.id,
                    "stock_id": t.stock_id,
                    "product_id": pid,
                    "location_id": t.location_id,
                    "qty": t.qty,
                }
            )
            moves.append(
                inventory.move(
                    warehouse_id=site.id,
                    product_id=pid,
                    location_id=t.location_id,
                    kind=MoveKind.RESERVATION,
                    actor=actor,
                    reserved_delta=t.qty,
                    reason=reason,
                )
            )
    insert_rows(session, CartHoldLine, line_rows, returning_ids=False)
    write_moves(session, moves)
    record(
        session,
        action="cart_held",
        user_id=actor.user_id,
        terminal=actor.terminal,
        warehouse_id=site.id,
        entity="cart",
        entity_id=reason[:64],
        units=sum(need.values()),
        ttl_s=ttl_s,
    )
    return _view(session, hold)


def _view(session: Session, hold: CartHold) -> CartView:
    assert hold.id is not None
    lines = session.exec(
        select(col(Product.sku), col(CartHoldLine.qty))
        .join(Product, col(Product.id) == col(CartHoldLine.product_id))
        .where(col(CartHoldLine.hold_id) == hold.id)
        .order_by(col(Product.sku))
    ).all()
    per: dict[str, int] = {}
    for sku, qty in lines:
        per[sku] = per.get(sku, 0) + int(qty)
    code = session.get(Warehouse, hold.warehouse_id)
    number = None
    if hold.order_id is not None:
        o = session.get(SalesOrder, hold.order_id)
        number = o.number if o else None
    status = hold.status
    if status == CartHoldStatus.ACTIVE and hold.expires_at <= utcnow():
        status = CartHoldStatus.EXPIRED  # ended by whoever needs the units, or the sweeper
    return CartView(
        hold.channel,
        hold.cart,
        code.code if code else "",
        status,
        hold.expires_at,
        tuple(sorted(per.items())) if status == CartHoldStatus.ACTIVE else (),
        number,
    )


def cart_view(db: Database, *, channel: str, cart: str) -> CartView:
    with db.reading() as session:
        hold = session.exec(
            select(CartHold).where(col(CartHold.channel) == channel, col(CartHold.cart) == cart)
        ).first()
        if hold is None:
            raise NotFound(f"no cart {channel[:12]}/{cart[:80]}")
        return _view(session, hold)


def release_cart(db: Database, actor: Actor, *, channel: str, cart: str) -> CartView:
    """The shopper gave the cart up: its units are free at once (and go to back-orders)."""
    require(actor, "hold_stock")

    def body(session: Session) -> CartView:
        hold = _locked(session, channel, cart)
        if hold is None or hold.id is None:
            raise NotFound(f"no cart {channel[:12]}/{cart[:80]}")
        if hold.status == CartHoldStatus.CHECKED_OUT:
            raise InvalidTransition(f"cart {channel}/{cart} is checked out already")
        freed = end_hold(
            session,
            hold.id,
            CartHoldStatus.RELEASED,
            user_id=actor.user_id,
            terminal=actor.terminal,
            reason=f"cart {channel}/{cart} released",
        )
        for wid, pids in sorted((freed or {}).items()):
            rereserve(session, warehouse_id=wid, product_ids=pids, actor=actor)
        session.refresh(hold)
        return _view(session, hold)

    return db.run(body, what="release a cart")


def checkout(db: Database, actor: Actor, *, channel: str, cart: str, order: OrderInput) -> Checkout:
    """The cart becomes order `order` (same channel): its held units the order's reservation."""
    require(actor, "import_orders")
    problems = check_cart(channel, cart)
    if order.channel != channel:
        problems.append(f"the order's channel {order.channel!r} is not the cart's {channel!r}")
    if problems:
        raise ValidationError("; ".join(problems))
    return db.run(lambda s: _checkout(s, actor, channel, cart, order), what="check out a cart")


def _checkout(
    session: Session, actor: Actor, channel: str, cart: str, order: OrderInput
) -> Checkout:
    existing = session.exec(
        select(SalesOrder).where(
            col(SalesOrder.channel) == order.channel,
            col(SalesOrder.external_id) == order.external_id,
        )
    ).first()
    if existing is not None:  # a repeated checkout answers as the first one
        return Checkout(existing.number, existing.status, False, False)
    hold = _locked(session, channel, cart)
    if hold is None or hold.id is None:
        raise NotFound(f"no cart {channel[:12]}/{cart[:80]}")
    if hold.status == CartHoldStatus.CHECKED_OUT:
        raise InvalidTransition(f"cart {channel}/{cart} is checked out already")
    name = f"cart {channel}/{cart}"
    honoured = (
        end_hold(
            session,
            hold.id,
            CartHoldStatus.CHECKED_OUT,
            user_id=actor.user_id,
            terminal=actor.terminal,
            reason=f"{name} checked out",
            live_only=True,
        )
        is not None
    )
    if not honoured:  # expired (ended now if nobody did yet): the order takes what is free
        end_hold(
            session,
            hold.id,
            CartHoldStatus.EXPIRED,
            user_id=actor.user_id,
            terminal=actor.terminal,
            reason="cart hold expired",
        )
    number = import_in(session, order, actor=actor, name=name, prefer_warehouse=hold.warehouse_id)
    placed = session.exec(select(SalesOrder).where(col(SalesOrder.number) == number)).one()
    session.refresh(hold)
    hold.order_id = placed.id
    session.add(hold)
    record(
        session,
        action="cart_checked_out",
        user_id=actor.user_id,
        terminal=actor.terminal,
        warehouse_id=placed.warehouse_id,
        entity="cart",
        entity_id=name[:64],
        order=number,
        hold_honoured=honoured,
    )
    return Checkout(number, placed.status, True, honoured)


@dataclass(frozen=True)
class Swept:
    carts: int
    refilled: int  # back-orders that got stock from them


def sweep(db: Database, actor: Actor, *, limit: int = 500) -> Swept:
    """End expired holds (up to `limit` in one transaction) and give their units to the waiting
    back-orders."""
    require(actor, "hold_stock")

    def body(session: Session) -> Swept:
        ended, freed = end_expired(
            session, user_id=actor.user_id, terminal=actor.terminal, limit=limit
        )
        refilled = 0
        for wid, pids in sorted(freed.items()):
            refilled += len(rereserve(session, warehouse_id=wid, product_ids=pids, actor=actor))
        if ended:
            record(
                session,
                action="carts_swept",
                user_id=actor.user_id,
                terminal=actor.terminal,
                entity="cart",
                carts=ended,
                refilled=refilled,
            )
        return Swept(ended, refilled)

    return db.run(body, what="sweep expired carts")


def list_carts(db: Database, *, include_ended: bool = False, limit: int = 500) -> list[CartView]:
    """Live holds, soonest expiry first; with `include_ended` every hold, newest first."""
    with db.reading() as session:
        q = select(CartHold)
        if include_ended:
            q = q.order_by(col(CartHold.created_at).desc(), col(CartHold.id).desc())
        else:
            q = q.where(
                col(CartHold.status) == CartHoldStatus.ACTIVE, col(CartHold.expires_at) > utcnow()
            ).order_by(col(CartHold.expires_at), col(CartHold.id))
        return [_view(session, h) for h in session.exec(q.limit(limit))]
