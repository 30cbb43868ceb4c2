"""Exchanges: the replacement order of a return.

`issue_replacement` raises a new order for the units of the return, to the same customer and
address, in the original's channel and currency, priced at zero, flagged REPLACEMENT (a special
order, early in a wave), with the unique replacement code `RPL-<the RMA's digits>` as its
external id: the order intake reserves it (or back-orders it) like any order. The code makes it
idempotent: asked again (a retry after a failure between the two steps), the order is found,
not raised twice, and linked to the return. It is raised when the exchange is opened for an
order flagged VIP (`core.returns.REPLACE_FIRST_FLAGS`: the replacement ships before the parcel
comes back), else when the parcel is received; `wms-terminal returns exchange RMA` raises it by
hand. An exchange whose parcel is received and whose replacement exists is completed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import text
from sqlmodel import Session, col, select

from wms_terminal.core.audit import record
from wms_terminal.core.auth import SYSTEM, Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.errors import NotFound, ValidationError
from wms_terminal.core.intake import import_orders
from wms_terminal.core.models import Address, Customer, ReturnOrder, SalesOrder
from wms_terminal.core.order_input import AddressInput, LineInput, OrderInput
from wms_terminal.core.returns import (
    REPLACE_FIRST_FLAGS,
    REPLACEMENT_FLAG,
    Resolution,
    ReturnStatus,
    replacement_code,
)
from wms_terminal.returns.rma import Opened, open_return


@dataclass(frozen=True)
class Replacement:
    rma: str
    order: str  # the replacement order's number
    code: str  # its replacement code (external id)


_LINES = text(
    "SELECT p.sku, rl.qty FROM return_line rl JOIN order_line ol ON ol.id = rl.order_line_id "
    "JOIN product p ON p.id = ol.product_id WHERE rl.return_id = :r ORDER BY ol.line_no"
)


def replaces_first(db: Database, rma: str) -> bool:
    """True when the return's order carries a flag whose exchanges ship before the parcel."""
    with db.reading() as s:
        flags = s.execute(
            text(
                "SELECT f.code FROM return_order ro JOIN sales_order_flag sf "
                "ON sf.order_id = ro.order_id JOIN order_flag f ON f.id = sf.flag_id "
                "WHERE ro.number = :n"
            ),
            {"n": rma},
        ).all()
    return any(str(c) in REPLACE_FIRST_FLAGS for (c,) in flags)


def issue_replacement(db: Database, actor: Actor, rma: str) -> Replacement:
    """Raise (or find) the replacement order of exchange `rma` and link it; see the module
    docstring."""
    require(actor, "handle_returns")
    with db.reading() as s:
        spec, ret_id = _spec(s, rma.strip().upper())
    import_orders(db, [spec], actor=SYSTEM, name=spec.external_id)

    def link(session: Session) -> Replacement:
        ret = session.get(ReturnOrder, ret_id)
        assert ret is not None
        order = session.exec(
            select(SalesOrder)
            .where(col(SalesOrder.channel) == spec.channel)
            .where(col(SalesOrder.external_id) == spec.external_id)
        ).one()
        if ret.replacement_order_id is None:
            ret.replacement_order_id = order.id
            if ret.status == ReturnStatus.RECEIVED:
                ret.status = ReturnStatus.COMPLETED
            session.add(ret)
            record(
                session,
                action="replacement_issued",
                user_id=actor.user_id,
                terminal=actor.terminal,
                warehouse_id=ret.warehouse_id,
                entity="return",
                entity_id=ret.number,
                replacement_order=order.number,
                replacement_code=spec.external_id,
            )
        return Replacement(ret.number, order.number, spec.external_id)

    return db.run(link, what="link a replacement order")


def _spec(s: Session, rma: str) -> tuple[OrderInput, int]:
    ret = s.exec(select(ReturnOrder).where(col(ReturnOrder.number) == rma)).first()
    if ret is None or ret.id is None:
        raise NotFound(f"no return {rma[:40]!r}")
    if ret.resolution != Resolution.EXCHANGE:
        raise ValidationError(f"{ret.number} is a refund: no replacement")
    if ret.status == ReturnStatus.CANCELLED:
        raise ValidationError(f"{ret.number} is cancelled")
    order = s.get(SalesOrder, ret.order_id)
    assert order is not None
    customer = s.get(Customer, order.customer_id)
    address = s.get(Address, order.ship_address_id)
    assert customer is not None and address is not None
    lines = tuple(
        LineInput(sku=str(sku), qty=int(qty), unit_price=Decimal("0.00"))
        for sku, qty in s.execute(_LINES, {"r": ret.id}).all()
    )
    spec = OrderInput(
        channel=order.channel,
        external_id=replacement_code(ret.number),
        currency=order.currency,
        customer_name=customer.name,
        customer_email=customer.email,
        customer_phone=customer.phone,
        customer_ref=customer.external_ref,
        ship_to=AddressInput(
            name=address.name,
            street=address.street,
            city=address.city,
            postcode=address.postcode,
            country=address.country,
            latitude=address.latitude,
            longitude=address.longitude,
        ),
        lines=lines,
        flags=(REPLACEMENT_FLAG,),
        carrier_service=None,
        source=ret.number,
    )
    return spec, ret.id


def authorise(
    db: Database,
    actor: Actor,
    *,
    order: str,
    lines: list[tuple[str, int]],
    reason: str,
    resolution: str,
    note: str = "",
) -> tuple[Opened, Replacement | None]:
    """Open a return (`rma.open_return`) and, for an exchange whose rule ships the replacement
    first (VIP), issue that replacement at once: what `returns open` and POST /v1/returns do."""
    done = open_return(
        db, actor, order=order, lines=lines, reason=reason, resolution=resolution, note=note
    )
    replacement = None
    if resolution == Resolution.EXCHANGE and replaces_first(db, done.rma):
        replacement = issue_replacement(db, actor, done.rma)
    return done, replacement
