"""The one rule of which orders may go to the floor, and why the others wait.

An order is releasable when its stock status allows a wave (`OrderStatus.RELEASABLE`) and it
waits for nothing else: `sales_order.release_hold` is empty. The hold is apart from the status
on purpose: an order waiting for its payment keeps its reservation and its place among the
back-orders (the stock status goes on changing as stock comes and goes); only its release waits.

The order pool, wave planning and the release's own conditional UPDATE all use `RELEASABLE_SQL`
(so an order held between planning and release makes the release plan again), and
`wms-terminal check` reports an order on the floor whose hold is set ("unapproved_on_wave").

Holds and their exits (every one has a way out):

    payment           the channel waits for the provider (WMS_PAYMENT_CHANNELS): authorised ->
                      released; declined -> payment_declined; or the order is cancelled
    payment_declined  a new authorisation (the customer paid again: a retry) -> released; or
                      the order is cancelled
    credit            on account and over the customer's credit limit: a manager approves ->
                      released, or rejects -> the order is cancelled (hold credit_rejected)
"""

from __future__ import annotations

from wms_terminal.core.states import OrderStatus


class ReleaseHold:
    NONE = ""
    PAYMENT = "payment"
    PAYMENT_DECLINED = "payment_declined"
    CREDIT = "credit"
    CREDIT_REJECTED = "credit_rejected"  # on the cancelled order, for the record
    WAITING_PAYMENT = (PAYMENT, PAYMENT_DECLINED)
    ALL = (NONE, PAYMENT, PAYMENT_DECLINED, CREDIT, CREDIT_REJECTED)


# Allowed changes of the hold (`require_hold_change`).
HOLD_CHANGES: dict[str, frozenset[str]] = {
    ReleaseHold.NONE: frozenset({ReleaseHold.PAYMENT_DECLINED}),  # declined before release
    ReleaseHold.PAYMENT: frozenset({ReleaseHold.NONE, ReleaseHold.PAYMENT_DECLINED}),
    ReleaseHold.PAYMENT_DECLINED: frozenset({ReleaseHold.NONE}),
    ReleaseHold.CREDIT: frozenset({ReleaseHold.NONE, ReleaseHold.CREDIT_REJECTED}),
    ReleaseHold.CREDIT_REJECTED: frozenset(),
}

_STATUSES = ", ".join(f"'{s}'" for s in OrderStatus.RELEASABLE)


def releasable_sql(alias: str = "") -> str:
    """The rule as an SQL condition on sales_order (`alias` the table's alias in the query)."""
    p = f"{alias}." if alias else ""
    return f"{p}status IN ({_STATUSES}) AND {p}release_hold = ''"


RELEASABLE_SQL = releasable_sql()

# Statuses an order has once the floor has it (a hold set on one of these is a broken rule).
ON_THE_FLOOR = (
    OrderStatus.RELEASED,
    OrderStatus.PICKING,
    OrderStatus.PICKED,
    OrderStatus.PACKING,
    OrderStatus.PACKED,
    OrderStatus.SHIPPED,
)


def describe(hold: str) -> str:
    """What the order waits for, in words for the operator."""
    return {
        ReleaseHold.NONE: "nothing",
        ReleaseHold.PAYMENT: "payment authorisation",
        ReleaseHold.PAYMENT_DECLINED: "a new payment (the last one was declined)",
        ReleaseHold.CREDIT: "a manager's approval (over the credit limit)",
        ReleaseHold.CREDIT_REJECTED: "nothing: rejected over the credit limit",
    }.get(hold, hold)
