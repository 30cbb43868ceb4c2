"""The business event feed: what integrations hear of (an order shipped, delivered, refunded or
cancelled, a return received, a product's stock low).

`emit` is called by the one service that makes each change, in that change's transaction: the
event exists exactly when the change committed. It also queues one delivery per webhook that
wants the kind (`core.webhooks`), in the same transaction.

Event ids come from the `event` counter (`core.sequences`), whose row lock is held until the
transaction commits: a second transaction emitting an event waits for the first to commit before
it gets the next id. So ids become visible in order and without gaps, and a reader of the feed
can keep the last id it saw as its cursor (`read_feed(after=...)`) and never miss one. The price
is that event-emitting transactions commit one after the other from their `emit` on; each emits
late in its work, and events are rare next to scans.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from wms_terminal.core.db import Database
from wms_terminal.core.errors import ValidationError
from wms_terminal.core.models import BusinessEvent, Warehouse, Webhook, WebhookDelivery
from wms_terminal.core.sequences import next_number

ORDER_SHIPPED = "order.shipped"
ORDER_DELIVERED = "order.delivered"
ORDER_REFUNDED = "order.refunded"
ORDER_CANCELLED = "order.cancelled"
RETURN_RECEIVED = "return.received"
STOCK_LOW = "stock.low"
KINDS = (
    ORDER_SHIPPED,
    ORDER_DELIVERED,
    ORDER_REFUNDED,
    ORDER_CANCELLED,
    RETURN_RECEIVED,
    STOCK_LOW,
)
MAX_PAGE = 500
MAX_ID = 2**31 - 1  # an INTEGER column on PostgreSQL
COUNTER = "event"


def emit(session: Session, kind: str, *, warehouse_id: int | None, **data: Any) -> int:
    """Record event `kind` with `data` (JSON values) in the caller's transaction; its id."""
    if kind not in KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    event_id = next_number(session, COUNTER)
    session.add(BusinessEvent(id=event_id, kind=kind, warehouse_id=warehouse_id, payload=data))
    # FOR KEY SHARE (PostgreSQL): a webhook removed meanwhile waits for this commit, so the
    # delivery rows below never point at a webhook that is gone (which would fail the change).
    hooks = session.exec(
        select(col(Webhook.id), col(Webhook.kinds)).with_for_update(read=True, key_share=True)
    ).all()
    for hook_id, kinds in hooks:
        if wants(kinds, kind):
            assert hook_id is not None
            session.add(WebhookDelivery(webhook_id=hook_id, event_id=event_id))
    return event_id


def wants(kinds: str, kind: str) -> bool:
    """Whether a webhook subscribed to `kinds` (comma-separated; empty: all) gets `kind`."""
    wanted = [k.strip() for k in kinds.split(",") if k.strip()]
    return not wanted or kind in wanted


def parse_kinds(text: str) -> str:
    """A comma-separated list of kinds, checked; normalised ("" for all)."""
    wanted = sorted({k.strip() for k in text.split(",") if k.strip()})
    unknown = [k for k in wanted if k not in KINDS]
    if unknown:
        raise ValidationError(
            f"unknown event kind(s) {', '.join(repr(k[:40]) for k in unknown)}: "
            f"one of {', '.join(KINDS)}"
        )
    return ",".join(wanted)


@dataclass(frozen=True)
class EventView:
    id: int
    kind: str
    warehouse: str | None
    created_at: datetime
    data: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """The event as the feed lists it and a webhook receives it."""
        return {
            "id": self.id,
            "kind": self.kind,
            "created_at": self.created_at.isoformat(),
            "warehouse": self.warehouse,
            "data": self.data,
        }


def read_feed(
    db: Database, *, after: int = 0, limit: int = 100, kinds: str = ""
) -> list[EventView]:
    """Events with an id above `after`, oldest first, at most `limit` (<= MAX_PAGE); only
    `kinds` (comma-separated) when given. The last one's id is the next call's `after`."""
    if not 0 <= after <= MAX_ID:
        raise ValidationError("after is an event id (0 for the start)")
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError(f"limit is 1 to {MAX_PAGE}")
    wanted = [k for k in parse_kinds(kinds).split(",") if k]
    with db.reading() as session:
        stmt = (
            select(BusinessEvent, col(Warehouse.code))
            .outerjoin(Warehouse, col(Warehouse.id) == col(BusinessEvent.warehouse_id))
            .where(col(BusinessEvent.id) > after)
            .order_by(col(BusinessEvent.id))
            .limit(limit)
        )
        if wanted:
            stmt = stmt.where(col(BusinessEvent.kind).in_(wanted))
        return [view(e, code) for e, code in session.exec(stmt)]


def view(e: BusinessEvent, warehouse: str | None) -> EventView:
    return EventView(e.id, e.kind, warehouse, e.created_at, dict(e.payload))


def load(session: Session, event_id: int) -> EventView | None:
    got = session.exec(
        select(BusinessEvent, col(Warehouse.code))
        .outerjoin(Warehouse, col(Warehouse.id) == col(BusinessEvent.warehouse_id))
        .where(col(BusinessEvent.id) == event_id)
    ).first()
    return view(*got) if got else None
