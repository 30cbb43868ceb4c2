"""The manager's queue of orders over a credit limit (`core.credit`), as the desk's Inbox tab
drives it: read the queue, approve or reject the selected order, each answer one short sentence.
A plain object: the screen only shows its rows and passes the keys on (tested without a screen
and with Textual's Pilot)."""

from __future__ import annotations

from wms_terminal.core.auth import Actor
from wms_terminal.core.credit import Approval, approve_order, reject_order, waiting_approval
from wms_terminal.core.db import Database


class ApprovalQueue:
    def __init__(self, db: Database, actor: Actor) -> None:
        self.db = db
        self.actor = actor
        self.rows: list[Approval] = []

    def load(self) -> list[Approval]:
        self.rows = waiting_approval(self.db)
        return self.rows

    def approve(self, number: str, note: str = "") -> str:
        done = approve_order(self.db, self.actor, number=number, note=note)
        return f"{done.number} approved: it may go on a wave"

    def reject(self, number: str, reason: str) -> str:
        done = reject_order(self.db, self.actor, number=number, reason=reason)
        freed = done.cancelled.units_released if done.cancelled else 0
        return f"{done.number} rejected and cancelled: {freed} unit(s) back to stock"

    @staticmethod
    def line(a: Approval) -> tuple[str, ...]:
        """A row for the screen: number, customer, total, EUR, open exposure, limit."""
        return (
            a.number,
            a.customer,
            f"{a.total} {a.currency}",
            f"{a.total_eur}",
            f"{a.exposure_eur}",
            f"{a.limit_eur}",
        )
