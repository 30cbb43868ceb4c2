"""Allowed status transitions. Status changes only through `transition` (ORM objects) or after
`require_transition` (conditional UPDATEs that name the current status), never by assignment."""

from __future__ import annotations

from typing import Protocol

from wms_terminal.core.errors import InvalidTransition


class OrderStatus:
    NEW = "new"
    BACKORDERED = "backordered"
    PARTIALLY_RESERVED = "partially_reserved"
    RESERVED = "reserved"
    ON_HOLD = "on_hold"
    RELEASED = "released"
    PICKING = "picking"
    PICKED = "picked"
    PACKING = "packing"
    PACKED = "packed"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"
    RETURNED = "returned"
    # Orders a wave may take: everything is reserved, or what is reserved may ship now.
    RELEASABLE = (RESERVED, PARTIALLY_RESERVED)


class PickListStatus:
    OPEN = "open"
    CLAIMED = "claimed"
    DONE = "done"
    CANCELLED = "cancelled"


class PickTaskStatus:
    """A pick task is open until its units are picked or an exception closes it."""

    OPEN = "open"
    PICKED = "picked"
    SHORT = "short"
    DAMAGED = "damaged"
    EMPTY = "empty"
    CANCELLED = "cancelled"  # an open task of a cancelled list


class ToteStatus:
    """A tote's life: free -> in_use on a pick list -> full (the slot goes on in a new tote) ->
    at_packing, or at_sorting when its units need sorting first (several orders in it, or an
    order picked on several lists), once the list is done -> emptied (packed or sorted) -> free.
    A supervisor may release a tote in any state back to free (audited, with a reason)."""

    FREE = "free"
    IN_USE = "in_use"
    FULL = "full"
    AT_PACKING = "at_packing"
    AT_SORTING = "at_sorting"  # at consolidation: sorted into order totes before packing


class CountStatus:
    OPEN = "open"  # waiting for a counter
    CLAIMED = "claimed"  # a counter is on it
    RECOUNT = "recount"  # the first count differed beyond the threshold: a second is asked
    DONE = "done"
    CANCELLED = "cancelled"
    ACTIVE = (OPEN, CLAIMED, RECOUNT)


class PackageStatus:
    """open (units verified into it) -> closed (SSCC, carrier, labels queued) -> shipped (the
    carrier's manifest); open -> held (a unit missing, with a reason) -> open (resumed);
    closed -> open (reopened before hand-over: the SSCC stays); open, held -> cancelled (its
    lines dropped: the units are verified again)."""

    OPEN = "open"
    HELD = "held"
    CLOSED = "closed"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


_S = OrderStatus
ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    _S.NEW: frozenset(
        {_S.RESERVED, _S.PARTIALLY_RESERVED, _S.BACKORDERED, _S.ON_HOLD, _S.CANCELLED}
    ),
    _S.BACKORDERED: frozenset({_S.RESERVED, _S.PARTIALLY_RESERVED, _S.ON_HOLD, _S.CANCELLED}),
    _S.PARTIALLY_RESERVED: frozenset(
        {_S.RESERVED, _S.BACKORDERED, _S.RELEASED, _S.ON_HOLD, _S.CANCELLED}
    ),
    # Back-ordered whole when a count or an empty report takes every reserved unit away.
    _S.RESERVED: frozenset(
        {_S.RELEASED, _S.PARTIALLY_RESERVED, _S.BACKORDERED, _S.ON_HOLD, _S.CANCELLED}
    ),
    _S.ON_HOLD: frozenset(
        {_S.NEW, _S.RESERVED, _S.PARTIALLY_RESERVED, _S.BACKORDERED, _S.CANCELLED}
    ),
    # A released order goes back to reserved when its wave is cancelled (back-ordered when its
    # reservations were all re-allocated away meanwhile).
    _S.RELEASED: frozenset(
        {_S.PICKING, _S.RESERVED, _S.PARTIALLY_RESERVED, _S.BACKORDERED, _S.CANCELLED}
    ),
    # Picking or picked, back to waiting when its wave is cancelled before its lists are done:
    # the picked units are put back (`picking.put_back`) and back-ordered until put away.
    _S.PICKING: frozenset({_S.PICKED, _S.RESERVED, _S.PARTIALLY_RESERVED, _S.BACKORDERED}),
    # Cancelled when nothing of it is found at packing: its units ship later as a follow-up
    # back-order (`packing.remainder`).
    _S.PICKED: frozenset(
        {_S.PACKING, _S.PACKED, _S.PARTIALLY_RESERVED, _S.BACKORDERED, _S.CANCELLED}
    ),
    _S.PACKING: frozenset({_S.PACKED, _S.PICKED}),
    # Back to packing when one of its closed packages is reopened before hand-over.
    _S.PACKED: frozenset({_S.SHIPPED, _S.PACKING}),
    _S.SHIPPED: frozenset({_S.RETURNED}),
    _S.CANCELLED: frozenset(),
    _S.RETURNED: frozenset(),
}

PICK_LIST_TRANSITIONS: dict[str, frozenset[str]] = {
    # Done unclaimed: every task was moved off a blocked location and back-ordered.
    PickListStatus.OPEN: frozenset(
        {PickListStatus.CLAIMED, PickListStatus.DONE, PickListStatus.CANCELLED}
    ),
    PickListStatus.CLAIMED: frozenset(
        {PickListStatus.OPEN, PickListStatus.DONE, PickListStatus.CANCELLED}
    ),
    PickListStatus.DONE: frozenset(),
    PickListStatus.CANCELLED: frozenset(),
}

_T = PickTaskStatus
PICK_TASK_TRANSITIONS: dict[str, frozenset[str]] = {
    _T.OPEN: frozenset({_T.PICKED, _T.SHORT, _T.DAMAGED, _T.EMPTY, _T.CANCELLED}),
    # A task with picked units is cancelled when its wave is cancelled before its list is done
    # (its units put back).
    _T.PICKED: frozenset({_T.CANCELLED}),
    _T.SHORT: frozenset({_T.CANCELLED}),
    _T.DAMAGED: frozenset({_T.CANCELLED}),
    _T.EMPTY: frozenset({_T.CANCELLED}),
    _T.CANCELLED: frozenset(),
}

_TS = ToteStatus
# -> FREE from in_use/full: the list was cancelled, or nothing went into the tote, or a
# supervisor released it; from at_packing/at_sorting: emptied.
TOTE_TRANSITIONS: dict[str, frozenset[str]] = {
    _TS.FREE: frozenset({_TS.IN_USE}),
    _TS.IN_USE: frozenset({_TS.FULL, _TS.AT_PACKING, _TS.AT_SORTING, _TS.FREE}),
    _TS.FULL: frozenset({_TS.AT_PACKING, _TS.AT_SORTING, _TS.FREE}),
    _TS.AT_PACKING: frozenset({_TS.FREE}),
    _TS.AT_SORTING: frozenset({_TS.FREE}),
}

# A claimed count goes back to where it was claimed from when its counter lets it go.
COUNT_TRANSITIONS: dict[str, frozenset[str]] = {
    CountStatus.OPEN: frozenset({CountStatus.CLAIMED, CountStatus.DONE, CountStatus.CANCELLED}),
    CountStatus.CLAIMED: frozenset(
        {CountStatus.OPEN, CountStatus.RECOUNT, CountStatus.DONE, CountStatus.CANCELLED}
    ),
    CountStatus.RECOUNT: frozenset({CountStatus.CLAIMED, CountStatus.DONE, CountStatus.CANCELLED}),
    CountStatus.DONE: frozenset(),
    CountStatus.CANCELLED: frozenset(),
}

PACKAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    PackageStatus.OPEN: frozenset(
        {PackageStatus.CLOSED, PackageStatus.HELD, PackageStatus.CANCELLED}
    ),
    PackageStatus.HELD: frozenset({PackageStatus.OPEN, PackageStatus.CANCELLED}),
    PackageStatus.CLOSED: frozenset({PackageStatus.OPEN, PackageStatus.SHIPPED}),
    PackageStatus.SHIPPED: frozenset(),
    PackageStatus.CANCELLED: frozenset(),
}


class HasStatus(Protocol):
    status: str


def can_transition(table: dict[str, frozenset[str]], current: str, new: str) -> bool:
    return new in table.get(current, frozenset())


def require_transition(table: dict[str, frozenset[str]], current: str, new: str, what: str) -> None:
    """For status changes made by a conditional UPDATE (`... WHERE status = :current`): refuse
    a change the table does not allow before the statement runs."""
    if current != new and not can_transition(table, current, new):
        raise InvalidTransition(f"{what} cannot go from {current} to {new}")


def transition(entity: HasStatus, new: str, table: dict[str, frozenset[str]]) -> None:
    current = entity.status
    if current == new:
        return
    if not can_transition(table, current, new):
        name = type(entity).__name__
        raise InvalidTransition(f"{name} cannot go from {current} to {new}")
    entity.status = new


class PurchaseOrderStatus:
    OPEN = "open"
    PARTIALLY_RECEIVED = "partially_received"
    RECEIVED = "received"
    CANCELLED = "cancelled"
    # Still expecting goods: receivable, and its lines hold the product's open reorder key.
    LIVE = (OPEN, PARTIALLY_RECEIVED)


_PO = PurchaseOrderStatus
PO_TRANSITIONS: dict[str, frozenset[str]] = {
    _PO.OPEN: frozenset({_PO.PARTIALLY_RECEIVED, _PO.RECEIVED, _PO.CANCELLED}),
    # Cancelling a part-received order closes it: what came stays, the rest is no longer expected.
    _PO.PARTIALLY_RECEIVED: frozenset({_PO.RECEIVED, _PO.CANCELLED}),
    _PO.RECEIVED: frozenset(),
    _PO.CANCELLED: frozenset(),
}

# Move tasks (replenishment, put-away): claiming is a column (`claimed_by`), not a status, so
# an open task, claimed or not, keeps blocking a second task for the same face and product.
MOVE_TASK_TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"done", "cancelled"}),
    "done": frozenset(),
    "cancelled": frozenset(),
}


class QuoteStatus:
    """draft -> sent -> accepted (an order) | declined | expired (past its validity date, set
    by the first action that finds it so); a declined or expired quote is revised back to a
    draft with a new validity date; an accepted one is final (its order goes on)."""

    DRAFT = "draft"
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


_Q = QuoteStatus
QUOTE_TRANSITIONS: dict[str, frozenset[str]] = {
    _Q.DRAFT: frozenset({_Q.SENT, _Q.DECLINED, _Q.EXPIRED}),
    _Q.SENT: frozenset({_Q.ACCEPTED, _Q.DECLINED, _Q.EXPIRED, _Q.DRAFT}),
    _Q.ACCEPTED: frozenset(),
    _Q.DECLINED: frozenset({_Q.DRAFT}),
    _Q.EXPIRED: frozenset({_Q.DRAFT}),
}


class InvoiceStatus:
    """open -> paid when payments reach the total (`invoices pay`); paid is final."""

    OPEN = "open"
    PAID = "paid"


INVOICE_TRANSITIONS: dict[str, frozenset[str]] = {
    InvoiceStatus.OPEN: frozenset({InvoiceStatus.PAID}),
    InvoiceStatus.PAID: frozenset(),
}


class PaymentEventStatus:
    """The payment provider's outbox (`core.payment_events`): pending -> sent (paid) | failed
    (with the provider's reason); failed -> pending (retried). Sent is final."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


PAYMENT_EVENT_TRANSITIONS: dict[str, frozenset[str]] = {
    PaymentEventStatus.PENDING: frozenset({PaymentEventStatus.SENT, PaymentEventStatus.FAILED}),
    PaymentEventStatus.SENT: frozenset(),
    PaymentEventStatus.FAILED: frozenset({PaymentEventStatus.PENDING}),
}
