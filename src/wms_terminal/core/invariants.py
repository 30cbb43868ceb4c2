"""What must always hold in a live database, checked by read-only queries.

`check(db)` returns one `Problem` per broken rule (empty when the database is sound); the
operator's `wms-terminal check` prints them, the soak and the state-machine tests assert none.
Each rule is one query over the tables as they are, so it also catches what a crashed terminal,
a manual SQL fix or a bug in any service left behind. Kinds:

stock_ledger        a stock row's on-hand or reserved differs from the sum of its ledger lines
                    (per product and location; ledger lines with no stock row must sum to zero)
negative_stock      on-hand or reserved below zero
over_reserved       more reserved than on hand
reservation_sum     the active reservations on a stock row do not add up to its reserved units,
                    or a reservation names another product or location than its stock row
reservation_state   an active reservation of no units, or a spent one still holding units
over_picked         an order line or pick task with more picked than ordered (or below zero)
picked_tasks        an order line's picked units differ from what its pick tasks picked
picked_ledger       an order's picked units differ from what the ledger took off the shelf for it
tote_on_two_lists   one tote used by two unfinished pick lists
task_claimed_twice  a pick list claimed by a second picker while the first still held it, or
                    a claimed list with no picker / an open list with one
stuck_list          a claimed or open list with no open task (nobody can finish it), or a
                    finished list with an open task
replenishment_twice two open replenishment tasks for one pick face and product
scan_unrecorded     ledger lines written under a scan id with no stored accepted outcome (a scan
                    applied without its outcome, so a retry would apply it again)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import text

from wms_terminal.core.db import Database

# Each kind reports at most this many problems, then one line saying how many more there are.
MAX_PER_KIND = 50


@dataclass(frozen=True)
class Problem:
    kind: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


Row = tuple[Any, ...]


@dataclass(frozen=True)
class Rule:
    """One query for one kind. Its rows are problems: `says(c1, c2, ...)` describes one; or
    `scan(rows)` reads all rows at once (a rule that follows a history, like the claims in the
    audit log). `order` sorts a rule's rows; `cols` are what the rows carry, `rest` the
    FROM ... clause."""

    kind: str
    cols: tuple[str, ...]
    rest: str
    says: Callable[..., str] | None = None
    scan: Callable[[list[Row]], Iterator[str]] | None = None
    order: str = "0"


def _at(loc_code: Any, sku: Any) -> str:
    return f"{sku or '?'} at {loc_code or '?'}"


def _names(loc: str, prod: str) -> tuple[str, str]:
    return (
        f"(SELECT l.code FROM location l WHERE l.id = {loc})",
        f"(SELECT p.sku FROM product p WHERE p.id = {prod})",
    )


_LEDGER = (
    "SELECT location_id, product_id, SUM(on_hand_delta) AS oh, SUM(reserved_delta) AS rs "
    "FROM stock_ledger GROUP BY location_id, product_id"
)
_ACTIVE_LIST = "('open', 'claimed')"
_TOTE_USES = (
    "SELECT pt.tote_id AS tote_id, pt.pick_list_id AS list_id FROM pick_task pt "
    f"JOIN pick_list pl ON pl.id = pt.pick_list_id WHERE pl.status IN {_ACTIVE_LIST} "
    "AND pt.tote_id IS NOT NULL "
    "UNION SELECT t.id, t.pick_list_id FROM tote t "
    f"JOIN pick_list pl ON pl.id = t.pick_list_id WHERE pl.status IN {_ACTIVE_LIST} "
    "AND t.status <> 'free'"
)


def _claims(rows: list[Row]) -> Iterator[str]:
    """Walk the audit log of pick lists: a claim while another picker holds the list."""
    holder: dict[Any, Any] = {}
    for list_id, action, user, detail in rows:
        if action == "pick_list_claimed":
            held = holder.get(list_id)
            if held is not None and held != user:
                yield f"pick list {list_id} claimed by user {user} while user {held} held it"
            holder[list_id] = user
        elif action == "pick_list_reassigned":  # a supervisor handed it to someone
            to = json.loads(detail or "{}").get("to_user")
            holder[list_id] = None if to is None else str(to)
        else:  # given back, cancelled: nobody holds it now
            holder[list_id] = None


def _totes(rows: list[Row]) -> Iterator[str]:
    lists: dict[str, list[str]] = {}
    for code, list_id in rows:
        lists.setdefault(str(code), []).append(str(list_id))
    for code, ids in lists.items():
        yield f"tote {code} is on pick lists {', '.join(ids)}"


def _stuck(list_id: Any, status: Any, open_tasks: Any) -> str:
    if status in ("open", "claimed"):
        return f"pick list {list_id} is {status} with no open task: nobody can finish it"
    return f"pick list {list_id} is {status} with {open_tasks} open task(s)"


def _scan_state(scan_id: Any, lines: Any, accepted: Any) -> str:
    state = "a refusal" if accepted is not None and int(accepted) == 0 else "no outcome"
    return f"scan {scan_id}: {lines} ledger line(s), stored as {state}"


RULES: tuple[Rule, ...] = (
    Rule(
        "stock_ledger",
        (
            "s.on_hand",
            "s.reserved",
            "COALESCE(g.oh, 0)",
            "COALESCE(g.rs, 0)",
            *_names("s.location_id", "s.product_id"),
        ),
        f"FROM stock s LEFT JOIN ({_LEDGER}) g "
        "ON g.location_id = s.location_id AND g.product_id = s.product_id "
        "WHERE s.on_hand <> COALESCE(g.oh, 0) OR s.reserved <> COALESCE(g.rs, 0)",
        lambda oh, rs, l_oh, l_rs, loc, sku: (
            f"{_at(loc, sku)}: stock {oh} on hand / {rs} reserved, "
            f"ledger {l_oh} on hand / {l_rs} reserved"
        ),
    ),
    Rule(
        "stock_ledger",
        ("g.oh", "g.rs", *_names("g.location_id", "g.product_id")),
        f"FROM ({_LEDGER}) g WHERE (g.oh <> 0 OR g.rs <> 0) AND NOT EXISTS (SELECT 1 FROM "
        "stock s WHERE s.location_id = g.location_id AND s.product_id = g.product_id)",
        lambda oh, rs, loc, sku: (
            f"{_at(loc, sku)}: no stock row, ledger {oh} on hand / {rs} reserved"
        ),
    ),
    Rule(
        "negative_stock",
        ("on_hand", "reserved", *_names("location_id", "product_id")),
        "FROM stock WHERE on_hand < 0 OR reserved < 0",
        lambda oh, rs, loc, sku: f"{_at(loc, sku)}: {oh} on hand, {rs} reserved",
    ),
    Rule(
        "over_reserved",
        ("on_hand", "reserved", *_names("location_id", "product_id")),
        "FROM stock WHERE reserved > on_hand",
        lambda oh, rs, loc, sku: f"{_at(loc, sku)}: {rs} reserved but {oh} on hand",
    ),
    Rule(
        "reservation_sum",
        ("s.reserved", "COALESCE(r.q, 0)", *_names("s.location_id", "s.product_id")),
        "FROM stock s LEFT JOIN (SELECT stock_id, SUM(qty) AS q FROM reservation "
        "WHERE status = 'active' GROUP BY stock_id) r ON r.stock_id = s.id "
        "WHERE s.reserved <> COALESCE(r.q, 0)",
        lambda rs, held, loc, sku: (
            f"{_at(loc, sku)}: stock says {rs} reserved, active reservations hold {held}"
        ),
    ),
    Rule(
        "reservation_sum",
        ("r.id", "r.order_id", *_names("r.location_id", "r.product_id")),
        "FROM reservation r LEFT JOIN stock s ON s.id = r.stock_id WHERE s.id IS NULL "
        "OR s.location_id <> r.location_id OR s.product_id <> r.product_id",
        lambda rid, order, loc, sku: (
            f"reservation {rid} of order id {order} ({_at(loc, sku)}) is not on that stock row"
        ),
    ),
    Rule(
        "reservation_state",
        ("id", "status", "qty"),
        "FROM reservation "
        "WHERE (status = 'active' AND qty <= 0) OR (status <> 'active' AND qty <> 0)",
        lambda rid, status, qty: f"reservation {rid} is {status} with {qty} units",
    ),
    Rule(
        "over_picked",
        ("so.number", "ol.line_no", "ol.qty", "ol.qty_picked"),
        "FROM order_line ol JOIN sales_order so ON so.id = ol.order_id "
        "WHERE ol.qty_picked > ol.qty OR ol.qty_picked < 0",
        lambda number, line, qty, picked: (
            f"order {number} line {line}: {picked} picked of {qty} ordered"
        ),
    ),
    Rule(
        "over_picked",
        ("id", "qty", "qty_picked"),
        "FROM pick_task WHERE qty_picked > qty OR qty_picked < 0",
        lambda tid, qty, picked: f"pick task {tid}: {picked} picked of {qty}",
    ),
    Rule(
        "picked_tasks",
        ("so.number", "ol.line_no", "ol.qty_picked", "COALESCE(t.q, 0)"),
        "FROM order_line ol JOIN sales_order so ON so.id = ol.order_id "
        "LEFT JOIN (SELECT order_line_id, SUM(qty_picked) AS q FROM pick_task "
        "GROUP BY order_line_id) t ON t.order_line_id = ol.id "
        "WHERE ol.qty_picked <> COALESCE(t.q, 0)",
        lambda number, line, picked, by_tasks: (
            f"order {number} line {line}: {picked} picked, its pick tasks picked {by_tasks}"
        ),
    ),
    Rule(
        "picked_ledger",
        ("so.number", "p.q", "COALESCE(-m.q, 0)"),
        "FROM sales_order so "
        "JOIN (SELECT order_id, SUM(qty_picked) AS q FROM order_line GROUP BY order_id) p "
        "ON p.order_id = so.id "
        "LEFT JOIN (SELECT order_id, SUM(on_hand_delta) AS q FROM stock_ledger "
        "WHERE kind = 'pick' AND order_id IS NOT NULL GROUP BY order_id) m "
        "ON m.order_id = so.id WHERE p.q <> COALESCE(-m.q, 0)",
        lambda number, picked, taken: (
            f"order {number}: {picked} picked, the ledger took {taken} off the shelves for it"
        ),
    ),
    Rule(
        "tote_on_two_lists",
        ("t.code", "u.list_id"),
        f"FROM ({_TOTE_USES}) u JOIN tote t ON t.id = u.tote_id "
        f"WHERE u.tote_id IN (SELECT x.tote_id FROM ({_TOTE_USES}) x GROUP BY x.tote_id "
        "HAVING COUNT(DISTINCT x.list_id) > 1)",
        scan=_totes,
        order="u.list_id",
    ),
    Rule(
        "task_claimed_twice",
        ("entity_id", "action", "user_id", "detail"),
        "FROM audit_log WHERE entity = 'pick_list'",
        scan=_claims,
        order="id",
    ),
    Rule(
        "task_claimed_twice",
        ("id", "status", "claimed_by"),
        "FROM pick_list WHERE (status = 'claimed' AND claimed_by IS NULL) "
        "OR (status = 'open' AND claimed_by IS NOT NULL)",
        lambda list_id, status, by: f"pick list {list_id} is {status} with claimed_by {by}",
    ),
    Rule(
        "stuck_list",
        ("pl.id", "pl.status", "COALESCE(t.n, 0)"),
        "FROM pick_list pl "
        "LEFT JOIN (SELECT pick_list_id, COUNT(*) AS n FROM pick_task WHERE status = 'open' "
        "GROUP BY pick_list_id) t ON t.pick_list_id = pl.id "
        f"WHERE (pl.status IN {_ACTIVE_LIST} AND COALESCE(t.n, 0) = 0) "
        f"OR (pl.status NOT IN {_ACTIVE_LIST} AND COALESCE(t.n, 0) > 0)",
        _stuck,
    ),
    Rule(
        "replenishment_twice",
        ("COUNT(*)", *_names("to_location_id", "product_id")),
        "FROM replenishment_task WHERE status = 'open' GROUP BY to_location_id, product_id "
        "HAVING COUNT(*) > 1",
        lambda n, loc, sku: f"{_at(loc, sku)}: {n} open replenishment tasks",
    ),
    Rule(
        "scan_unrecorded",
        ("m.scan_id", "COUNT(*)", "MAX(CASE WHEN sr.accepted THEN 1 ELSE 0 END)"),
        "FROM stock_ledger m LEFT JOIN scan_record sr ON sr.scan_id = m.scan_id "
        "WHERE m.scan_id IS NOT NULL AND (sr.scan_id IS NULL OR NOT sr.accepted) "
        "GROUP BY m.scan_id",
        _scan_state,
    ),
)

# The kinds `check` reports, in its order.
KINDS: tuple[str, ...] = tuple(dict.fromkeys(r.kind for r in RULES))


def _statement(rules: Sequence[Rule]) -> str:
    """Every rule in one statement (one round trip): rule number, order key, then the rule's
    values as text (NULL-padded to the widest rule)."""
    width = max(len(r.cols) for r in rules)
    parts = []
    for i, rule in enumerate(rules):
        cells = [f"CAST({c} AS TEXT)" for c in rule.cols]
        cells += ["CAST(NULL AS TEXT)"] * (width - len(cells))
        parts.append(f"SELECT {i} AS r, {rule.order} AS o, {', '.join(cells)} {rule.rest}")
    return " UNION ALL ".join(parts) + " ORDER BY 1, 2"


_SQL = text(_statement(RULES))


def _details(rows: list[Row]) -> Iterator[tuple[str, str]]:
    by_rule: dict[int, list[Row]] = {}
    for row in rows:
        by_rule.setdefault(int(row[0]), []).append(row)
    for i, rule in enumerate(RULES):
        found = [tuple(r[2 : 2 + len(rule.cols)]) for r in by_rule.get(i, [])]
        if rule.scan is not None:
            yield from ((rule.kind, d) for d in rule.scan(found))
        elif rule.says is not None:
            yield from ((rule.kind, rule.says(*r)) for r in found)


def check(db: Database) -> list[Problem]:
    """Every broken invariant, read by one statement (one snapshot) in a read-only
    transaction."""
    with db.reading() as session:
        rows = [tuple(r) for r in session.execute(_SQL).all()]
    problems: list[Problem] = []
    count: dict[str, int] = {}
    for kind, detail in _details(rows):
        count[kind] = count.get(kind, 0) + 1
        if count[kind] <= MAX_PER_KIND:
            problems.append(Problem(kind, detail))
    for kind, n in count.items():
        if n > MAX_PER_KIND:
            problems.append(Problem(kind, f"... and {n - MAX_PER_KIND} more"))
    order = {k: i for i, k in enumerate(KINDS)}
    problems.sort(key=lambda p: order[p.kind])  # stable: each kind's details keep their order
    return problems
