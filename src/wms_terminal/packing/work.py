"""The work waiting at a packing station: orders that can be packed now (picked, or being
packed with no other station's package open), with a tote of theirs that reached packing.

Not in the queue: an order on hold (a unit missing: it waits until the unit turns up or the
order is shorted: scanning its number still opens it), an order another station has claimed,
and an order another packer set aside with a box open on their bench (theirs to finish). A
supervisor sees the last three on the desk's Packing tab (`packing.stations`) and frees a claim
or a set-aside box (`packing.claim.free`): the order comes back into every station's queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text
from sqlmodel import Session

from wms_terminal.packing.claim import LEASE

_WAITING = text(
    "SELECT so.id, so.number, "
    "(SELECT MIN(t.code) FROM pick_task pt JOIN tote t ON t.id = pt.tote_id "
    " AND t.pick_list_id = pt.pick_list_id WHERE pt.order_id = so.id AND pt.qty_picked > 0 "
    " AND t.status IN ('at_packing', 'at_sorting')) "
    "FROM sales_order so WHERE so.warehouse_id = :w AND so.status IN ('picked', 'packing') "
    "AND NOT EXISTS (SELECT 1 FROM package p WHERE p.order_id = so.id AND (p.status = 'held' "
    "OR (p.status = 'open' AND p.packed_by <> :u))) "
    "AND (so.pack_claim_user_id IS NULL OR so.pack_claimed_at < :stale "
    "OR (so.pack_claim_user_id = :u AND so.pack_claim_terminal = :t)) "
    "ORDER BY so.number LIMIT :n"
)


@dataclass(frozen=True)
class Waiting:
    order_id: int
    number: str
    tote: str | None  # a tote of the order at packing, to scan (else its number)

    @property
    def barcode(self) -> str:
        return self.tote or self.number


def waiting(
    session: Session, warehouse_id: int, user_id: int, *, terminal: str = "", limit: int = 10
) -> list[Waiting]:
    """Orders of the warehouse this packer can pack now, by number (a package another station
    has open, or an order another station has claimed, is that station's work)."""
    params = {"w": warehouse_id, "u": user_id, "t": terminal, "n": limit, "stale": _stale()}
    rows = session.execute(_WAITING, params).all()
    return [Waiting(int(o), str(n), None if t is None else str(t)) for o, n, t in rows]


def _stale() -> datetime:
    return datetime.now(UTC) - LEASE
