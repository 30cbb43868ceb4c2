"""The units of an order that do not ship with it become a back-order that ships later.

When an order leaves packing (packed, or nothing of it found), the units of each line that are
in none of its packages (back-ordered at picking, short at packing) and not already carried by
an earlier follow-up go into a follow-up order `<number>-B<k>`: the same customer, address,
flags, service and promise, `backorder_of_id` naming the order, its lines back-ordered. It
waits for stock like any back-order (`core.backorders.rereserve`, called here: free stock serves
it at once, most urgent first) and then goes the usual way: a wave, picking, packing, shipping.
The original order's lines give up their back-ordered units (the follow-up waits for them now).
Its money is the original's: the follow-up's totals are zero, its lines keep their prices.
"""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import text
from sqlmodel import Session, col, select

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor
from wms_terminal.core.backorders import rereserve
from wms_terminal.core.models import OrderLine, SalesOrder, SalesOrderFlag
from wms_terminal.core.states import OrderStatus

_REST = text(
    "SELECT ol.id, ol.qty - ol.qty_packed - COALESCE(("
    "SELECT SUM(f.qty) FROM order_line f JOIN sales_order fo ON fo.id = f.order_id "
    "WHERE fo.backorder_of_id = ol.order_id AND f.line_no = ol.line_no), 0) "
    "FROM order_line ol WHERE ol.order_id = :o ORDER BY ol.line_no"
)
_SUFFIX = re.compile(r"-B\d+$")


def back_order_rest(session: Session, actor: Actor, order_id: int) -> str | None:
    """Write the follow-up order for what of `order_id` ships in none of its packages (in the
    caller's transaction, the order row locked); its number, or None when nothing is left."""
    rest: list[tuple[int, int, Decimal, int]] = []
    for line_id, n in session.execute(_REST, {"o": order_id}).all():
        if int(n) > 0:
            line = session.get(OrderLine, int(line_id))
            assert line is not None
            rest.append((line.line_no, line.product_id, line.unit_price, int(n)))
    if not rest:
        return None
    order = session.get(SalesOrder, order_id)
    assert order is not None and order.id is not None
    k = 1 + int(
        session.execute(
            text("SELECT COUNT(*) FROM sales_order WHERE backorder_of_id = :o"), {"o": order_id}
        ).scalar_one()
    )
    number = f"{order.number}-B{k}"
    if len(number) > 20:  # the number column's width: the root order's number, shortened
        number = f"{_SUFFIX.sub('', order.number)[: 20 - len(str(k)) - 2]}-B{k}"
    follow = SalesOrder(
        number=number,
        channel=order.channel,
        external_id=f"{order.external_id}-B{k}"[-80:],
        warehouse_id=order.warehouse_id,
        customer_id=order.customer_id,
        ship_address_id=order.ship_address_id,
        currency=order.currency,
        status=OrderStatus.BACKORDERED,
        priority=order.priority,
        gift_message=order.gift_message,
        carrier_service_id=order.carrier_service_id,
        ship_by=order.ship_by,
        backorder_of_id=order.id,
        subtotal=Decimal("0.00"),
        total=Decimal("0.00"),
    )
    session.add(follow)
    session.flush()
    assert follow.id is not None
    for line_no, product_id, price, n in rest:
        session.add(
            OrderLine(
                order_id=follow.id,
                warehouse_id=order.warehouse_id,
                line_no=line_no,
                product_id=product_id,
                qty=n,
                unit_price=price,
                qty_backordered=n,
            )
        )
    flags = session.exec(
        select(col(SalesOrderFlag.flag_id)).where(col(SalesOrderFlag.order_id) == order_id)
    ).all()
    for flag_id in flags:
        session.add(SalesOrderFlag(order_id=follow.id, flag_id=flag_id))
    session.execute(
        text("UPDATE order_line SET qty_backordered = 0 WHERE order_id = :o"), {"o": order_id}
    )
    session.flush()
    record(
        session,
        action="backorder_follow_up",
        user_id=actor.user_id,
        terminal=actor.terminal,
        warehouse_id=order.warehouse_id,
        entity="sales_order",
        entity_id=number,
        backorder_of=order.number,
        units={str(no): n for no, _, _, n in rest},
    )
    if order.warehouse_id is not None:
        rereserve(
            session,
            warehouse_id=order.warehouse_id,
            product_ids=[pid for _, pid, _, _ in rest],
            actor=actor,
        )
    return number
