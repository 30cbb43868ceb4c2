"""One order handed in by a channel as it happens (the API's POST /v1/orders).

The order is a JSON object in the import format (docs/order-import.md) and goes through the same
code as `orders import`: the same checks, every problem at once (paths relative to the order:
`lines[1]`, `ship_to`), the same intake (warehouse choice, reservation, back-orders), and the
same idempotency: a channel's external id already present creates nothing and answers its order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.intake import check_references, import_orders
from wms_terminal.core.order_files import ImportFileError, Problem, read_json_document
from wms_terminal.core.order_status import find_by_channel

ORDER = "order"


@dataclass(frozen=True)
class Submitted:
    number: str
    status: str
    created: bool  # False: already present (same channel and external id)


def submit_order(db: Database, actor: Actor, doc: Any) -> Submitted:
    """Validate and take in one order; raise ImportFileError listing every problem."""
    require(actor, "import_orders")
    parsed = read_json_document({"orders": [doc]}, ORDER)
    if parsed.problems:
        problems = parsed.problems + check_references(db, parsed.orders)
        raise ImportFileError(ORDER, [_relative(p) for p in problems])
    (order,) = parsed.orders
    try:
        result = import_orders(
            db, parsed.orders, actor=actor, name=f"api {order.channel} {order.external_id}"[:64]
        )
    except ImportFileError as exc:
        raise ImportFileError(ORDER, [_relative(p) for p in exc.problems]) from None
    with db.reading() as s:
        found = find_by_channel(s, order.channel, order.external_id)
    if found is None:  # written, then gone: only a concurrent purge could do that
        raise RuntimeError(f"order {order.channel} {order.external_id} not found after intake")
    return Submitted(found[0], found[1], created=result.created > 0)


_PREFIX = re.compile(r"^orders(\[0\])?\.?")


def _relative(problem: Problem) -> Problem:
    """`orders[0].lines[1]` -> `lines[1]`; `orders[0]` -> `order`."""
    where = _PREFIX.sub("", problem.where) if problem.where.startswith("orders") else problem.where
    return Problem(where or ORDER, problem.reason)
