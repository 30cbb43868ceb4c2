"""The machine's base: a fresh copy of the prepared floor per example, helpers the rules share,
and what must hold after every step.

After every step `core.invariants.check` must find nothing (stock equals its ledger per product
and location, no negative stock, reserved <= on hand, picked <= ordered, no tote on two lists or
out of step with its list, no list, move task or count claimed twice, no blocked location
without a count ...); every scan already answered must still have the ledger lines it had (a
retry applies nothing twice); moves and reservations never change how many units of a product
the warehouse holds, stock changes only by receipts, picks and recorded adjustments or counts,
and the receipts are exactly what the machine received; no product has free pickable stock
while an order waits for it (arriving stock serves back-orders at once); a purchase order holds
its product's reorder key only while it still expects that product.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis.stateful import RuleBasedStateMachine, invariant
from sqlalchemy import text

from tests.picking.conftest import WH, Floor
from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.invariants import check
from wms_terminal.picking.claims import get_list
from wms_terminal.picking.views import PickListView, ScanResult, TaskView

PRODUCTS = 6
PICKERS = ("pat", "quinn")
TOTES = tuple(f"T-{WH}-{n:04d}" for n in range(1, 7))
# Ledger kinds that move units between places or promises: per product they add up to nothing.
NEUTRAL = ("transfer", "reservation", "unreserve")
# Kinds that change how much stock there is, each with its reason on the line.
ADJUSTING = ("adjustment", "count")


@dataclass(frozen=True)
class Prepared:
    """The prepared floor and how to get a fresh copy of it for one example."""

    fresh: Callable[[], Database]
    floor: Floor  # ids, codes and actors (its db handle is not used)
    keep_open: bool = False  # the same Database serves every example


class ShiftBase(RuleBasedStateMachine):
    """One shift on a fresh copy of the prepared floor (rules: `picking`, `floor`)."""

    prepared: Prepared

    steps = 0  # steps run, over all examples
    seen: Counter[str]  # what the rules did, over all examples (each subclass its own)

    def __init__(self) -> None:
        super().__init__()
        self.db = self.prepared.fresh()
        self.floor = dataclasses.replace(self.prepared.floor, db=self.db)
        self.n = 0
        # scan id -> how to send it again, its first answer, and its ledger lines then
        self.answered: dict[str, tuple[Callable[[str], ScanResult], ScanResult]] = {}
        self.lines_of: dict[str, int] = {}
        # receipt units per product id: the floor's opening stock, then what the machine received
        self.receipts: Counter[int] = Counter(dict(self._receipts()))

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.seen = Counter()

    def _saw(self, what: str) -> None:
        type(self).seen[what] += 1

    def teardown(self) -> None:
        if not self.prepared.keep_open:
            self.db.dispose()

    # -- helpers

    def _actor(self, who: str) -> Actor:
        return self.floor.actors[who]

    def _rows(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        with self.db.reading() as s:
            return [tuple(r) for r in s.execute(text(sql), params)]

    def _pick_one(self, sql: str, k: int, **params: Any) -> tuple[Any, ...] | None:
        """Row `k` (modulo their number) of the query's rows; None when there are none."""
        rows = self._rows(sql, **params)
        return rows[k % len(rows)] if rows else None

    def _held(self, who: str) -> PickListView | None:
        got = self._pick_one(
            "SELECT id FROM pick_list WHERE claimed_by = :u AND status = 'claimed' ORDER BY id",
            0,
            u=self._actor(who).user_id,
        )
        return None if got is None else get_list(self.db, int(got[0]))

    def _task(self, who: str, pick: int, foreign: bool) -> tuple[PickListView, TaskView] | None:
        """An open task of `who`'s list (or, `foreign`, of the other picker's list)."""
        owner = next(p for p in PICKERS if p != who) if foreign else who
        pl = self._held(owner)
        if pl is None or not pl.open_tasks:
            return None
        return pl, pl.open_tasks[pick % len(pl.open_tasks)]

    def _tote(self, pl: PickListView, task: TaskView, mode: str, idx: int) -> str | None:
        if mode == "auto" and task.slot in pl.totes:
            return None
        return TOTES[idx % len(TOTES)]

    def _n_of(self, product_id: int) -> int:
        return next(n for n, p in self.floor.products.items() if p.id == product_id)

    def _scan(self, send: Callable[[str], ScanResult]) -> ScanResult:
        self.n += 1
        scan_id = f"sm-{self.n}"
        result = send(scan_id)
        assert result.scan_id == scan_id and not result.replayed, result
        self.answered[scan_id] = (send, result)
        self.lines_of[scan_id] = int(
            self._rows("SELECT COUNT(*) FROM stock_ledger WHERE scan_id = :s", s=scan_id)[0][0]
        )
        if not result.accepted:
            assert self.lines_of[scan_id] == 0, f"refused scan wrote the ledger: {result}"
        return result

    def _receipts(self) -> list[tuple[int, int]]:
        return [
            (int(p), int(q))
            for p, q in self._rows(
                "SELECT product_id, SUM(on_hand_delta) FROM stock_ledger WHERE kind = 'receipt' "
                "GROUP BY product_id"
            )
        ]

    def _totals(self) -> dict[int, int]:
        """Units on hand per product, over every location."""
        return {
            int(p): int(q)
            for p, q in self._rows("SELECT product_id, SUM(on_hand) FROM stock GROUP BY product_id")
        }

    def _state(self) -> list[tuple[Any, ...]]:
        """What a refused action must leave as it was: the ledger, the stock, the claims and
        statuses of move tasks, counts, totes, lists and purchase orders."""
        return self._rows(_STATE_SQL)

    # -- after every step

    @invariant()
    def invariants_hold(self) -> None:
        type(self).steps += 1
        problems = check(self.db)
        assert problems == [], "\n".join(f"{p.kind}: {p.detail}" for p in problems)

    @invariant()
    def the_machine_s_own_checks_hold(self) -> None:
        """Read in one statement (one round trip per step): ledger lines per scan id, moves
        that made or lost stock, adjustments without a reason, receipts per product, purchase
        order lines whose reorder key is out of step with their order."""
        seen: dict[str, list[tuple[Any, ...]]] = {k: [] for k in _OWN_CHECKS}
        for tag, *row in self._rows(_OWN_SQL):
            seen[str(tag)].append(tuple(row))
        # Every scan already answered keeps the ledger lines it had: a retry applies nothing.
        now = {str(sid): int(n) for sid, n, *_ in seen["scan"]}
        assert set(now) <= set(self.lines_of), set(now) - set(self.lines_of)
        changed = {s: (n, now.get(s, 0)) for s, n in self.lines_of.items() if now.get(s, 0) != n}
        assert not changed, f"ledger lines of earlier scans changed: {changed}"
        assert seen["made"] == [], f"moves or reservations made or lost stock: {seen['made']}"
        assert seen["unexplained"] == [], f"stock adjusted without a reason: {seen['unexplained']}"
        receipts = {int(p): int(q) for p, q, *_ in seen["receipt"]}
        assert receipts == {p: q for p, q in self.receipts.items() if q}, (
            f"the receipts in the ledger {receipts} are not what was received {self.receipts}"
        )
        # Stock that became pickable went to the orders waiting for it, in the same transaction.
        assert seen["unserved"] == [], f"free stock while orders wait for it: {seen['unserved']}"
        assert seen["po"] == [], f"purchase order lines out of step with their order: {seen['po']}"


_NEUTRAL = ", ".join(f"'{k}'" for k in NEUTRAL)
_ADJUSTING = ", ".join(f"'{k}'" for k in ADJUSTING)
_OWN_CHECKS = {
    "scan": "SELECT scan_id AS a, COUNT(*) AS b, NULL AS c FROM stock_ledger "
    "WHERE scan_id IS NOT NULL GROUP BY scan_id",
    "made": "SELECT product_id AS a, kind AS b, SUM(on_hand_delta) AS c FROM stock_ledger "
    f"WHERE kind IN ({_NEUTRAL}) GROUP BY product_id, kind HAVING SUM(on_hand_delta) <> 0",
    "unexplained": "SELECT id AS a, kind AS b, on_hand_delta AS c FROM stock_ledger "
    f"WHERE kind IN ({_ADJUSTING}) AND on_hand_delta <> 0 "
    "AND (reason IS NULL OR TRIM(reason) = '')",
    "receipt": "SELECT product_id AS a, SUM(on_hand_delta) AS b, NULL AS c FROM stock_ledger "
    "WHERE kind = 'receipt' GROUP BY product_id",
    "unserved": "SELECT s.product_id AS a, SUM(s.on_hand - s.reserved) AS b, NULL AS c "
    "FROM stock s JOIN location l ON l.id = s.location_id "
    "WHERE l.kind IN ('pick_face', 'reserve') AND NOT l.blocked GROUP BY s.product_id "
    "HAVING SUM(s.on_hand - s.reserved) > 0 AND EXISTS (SELECT 1 FROM order_line ol "
    "JOIN sales_order so ON so.id = ol.order_id WHERE ol.product_id = s.product_id "
    "AND ol.qty_backordered > 0 AND so.status IN ('backordered', 'partially_reserved'))",
    "po": "SELECT po.number AS a, l.product_id AS b, l.open_key AS c FROM purchase_order_line l "
    "JOIN purchase_order po ON po.id = l.purchase_order_id "
    "WHERE (l.open_key IS NOT NULL AND (po.status NOT IN ('open', 'partially_received') "
    "OR l.qty_received >= l.qty)) OR (po.status = 'received' AND l.qty_received < l.qty)",
}
_OWN_SQL = " UNION ALL ".join(
    f"SELECT '{tag}', CAST(a AS TEXT), CAST(b AS TEXT), CAST(c AS TEXT) FROM ({sql}) AS q{n}"
    for n, (tag, sql) in enumerate(_OWN_CHECKS.items())
)

# What `_state` reads: (key, and three values) per ledger, stock, task, count, tote, list, order.
_STATE = (
    ("'ledger'", "COUNT(*)", "SUM(on_hand_delta)", "SUM(reserved_delta)", "stock_ledger"),
    ("'stock'", "COUNT(*)", "SUM(on_hand)", "SUM(reserved)", "stock"),
    ("'move ' || CAST(id AS TEXT)", "status", "claimed_by", "qty_moved", "replenishment_task"),
    ("'count ' || CAST(id AS TEXT)", "status", "claimed_by", "counted_qty", "count_task"),
    ("'tote ' || code", "status", "pick_list_id", "NULL", "tote"),
    ("'list ' || CAST(id AS TEXT)", "status", "claimed_by", "NULL", "pick_list"),
    ("'po ' || number", "status", "NULL", "NULL", "purchase_order"),
    ("'order ' || number", "status", "NULL", "NULL", "sales_order"),
)
_STATE_SQL = (
    " UNION ALL ".join(
        "SELECT " + ", ".join(f"CAST({c} AS TEXT)" for c in cols) + f" FROM {table}"
        for *cols, table in _STATE
    )
    + " ORDER BY 1"
)
