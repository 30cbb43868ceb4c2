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

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from wms_terminal.core.db import Database

# Each kind reports at most this many problems, then one line saying how many more there are.
MAX_PER_KIND = 50


@dataclass(frozen=True)
class Problem:
    kind: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


Row = Sequence[Any]


def _rows(session: Session, sql: str) -> list[Row]:
    return [tuple(r) for r in session.execute(text(sql)).all()]


_WHERE = (
    "(SELECT l.code FROM location l WHERE l.id = {loc}) AS loc_code, "
    "(SELECT p.sku FROM product p WHERE p.id = {prod}) AS sku"
)


def _at(loc_code: Any, sku: Any) -> str:
    return f"{sku or '?'} at {loc_code or '?'}"


def _stock_ledger(session: Session) -> Iterable[str]:
    sums = (
        "SELECT location_id, product_id, SUM(on_hand_delta) AS oh, SUM(reserved_delta) AS rs "
        "FROM stock_ledger GROUP BY location_id, product_id"
    )
    for oh, rs, l_oh, l_rs, loc, sku in _rows(
        session,
        f"SELECT s.on_hand, s.reserved, COALESCE(g.oh, 0), COALESCE(g.rs, 0), "
        f"{_WHERE.format(loc='s.location_id', prod='s.product_id')} "
        f"FROM stock s LEFT JOIN ({sums}) g "
        "ON g.location_id = s.location_id AND g.product_id = s.product_id "
        "WHERE s.on_hand <> COALESCE(g.oh, 0) OR s.reserved <> COALESCE(g.rs, 0)",
    ):
        yield (
            f"{_at(loc, sku)}: stock {oh} on hand / {rs} reserved, "
            f"ledger {l_oh} on hand / {l_rs} reserved"
        )
    for l_oh, l_rs, loc, sku in _rows(
        session,
        f"SELECT g.oh, g.rs, {_WHERE.format(loc='g.location_id', prod='g.product_id')} "
        f"FROM ({sums}) g WHERE (g.oh <> 0 OR g.rs <> 0) AND NOT EXISTS (SELECT 1 FROM stock s "
        "WHERE s.location_id = g.location_id AND s.product_id = g.product_id)",
    ):
        yield f"{_at(loc, sku)}: no stock row, ledger {l_oh} on hand / {l_rs} reserved"


def _negative_stock(session: Session) -> Iterable[str]:
    for oh, rs, loc, sku in _rows(
        session,
        f"SELECT on_hand, reserved, {_WHERE.format(loc='location_id', prod='product_id')} "
        "FROM stock WHERE on_hand < 0 OR reserved < 0",
    ):
        yield f"{_at(loc, sku)}: {oh} on hand, {rs} reserved"


def _over_reserved(session: Session) -> Iterable[str]:
    for oh, rs, loc, sku in _rows(
        session,
        f"SELECT on_hand, reserved, {_WHERE.format(loc='location_id', prod='product_id')} "
        "FROM stock WHERE reserved > on_hand",
    ):
        yield f"{_at(loc, sku)}: {rs} reserved but {oh} on hand"


def _reservation_sum(session: Session) -> Iterable[str]:
    for rs, held, loc, sku in _rows(
        session,
        f"SELECT s.reserved, COALESCE(r.q, 0), "
        f"{_WHERE.format(loc='s.location_id', prod='s.product_id')} FROM stock s "
        "LEFT JOIN (SELECT stock_id, SUM(qty) AS q FROM reservation WHERE status = 'active' "
        "GROUP BY stock_id) r ON r.stock_id = s.id WHERE s.reserved <> COALESCE(r.q, 0)",
    ):
        yield f"{_at(loc, sku)}: stock says {rs} reserved, active reservations hold {held}"
    for rid, order, loc, sku in _rows(
        session,
        "SELECT r.id, r.order_id, "
        f"{_WHERE.format(loc='r.location_id', prod='r.product_id')} FROM reservation r "
        "LEFT JOIN stock s ON s.id = r.stock_id WHERE s.id IS NULL "
        "OR s.location_id <> r.location_id OR s.product_id <> r.product_id",
    ):
        yield f"reservation {rid} of order id {order} ({_at(loc, sku)}) is not on that stock row"


def _reservation_state(session: Session) -> Iterable[str]:
    for rid, status, qty in _rows(
        session,
        "SELECT id, status, qty FROM reservation "
        "WHERE (status = 'active' AND qty <= 0) OR (status <> 'active' AND qty <> 0)",
    ):
        yield f"reservation {rid} is {status} with {qty} units"


def _over_picked(session: Session) -> Iterable[str]:
    for number, line_no, qty, picked in _rows(
        session,
        "SELECT so.number, ol.line_no, ol.qty, ol.qty_picked FROM order_line ol "
        "JOIN sales_order so ON so.id = ol.order_id "
        "WHERE ol.qty_picked > ol.qty OR ol.qty_picked < 0",
    ):
        yield f"order {number} line {line_no}: {picked} picked of {qty} ordered"
    for tid, qty, picked in _rows(
        session,
        "SELECT id, qty, qty_picked FROM pick_task WHERE qty_picked > qty OR qty_picked < 0",
    ):
        yield f"pick task {tid}: {picked} picked of {qty}"


def _picked_tasks(session: Session) -> Iterable[str]:
    for number, line_no, picked, by_tasks in _rows(
        session,
        "SELECT so.number, ol.line_no, ol.qty_picked, COALESCE(t.q, 0) FROM order_line ol "
        "JOIN sales_order so ON so.id = ol.order_id "
        "LEFT JOIN (SELECT order_line_id, SUM(qty_picked) AS q FROM pick_task "
        "GROUP BY order_line_id) t ON t.order_line_id = ol.id "
        "WHERE ol.qty_picked <> COALESCE(t.q, 0)",
    ):
        yield f"order {number} line {line_no}: {picked} picked, its pick tasks picked {by_tasks}"


def _picked_ledger(session: Session) -> Iterable[str]:
    for number, picked, taken in _rows(
        session,
        "SELECT so.number, p.q, COALESCE(-m.q, 0) FROM sales_order so "
        "JOIN (SELECT order_id, SUM(qty_picked) AS q FROM order_line GROUP BY order_id) p "
        "ON p.order_id = so.id "
        "LEFT JOIN (SELECT order_id, SUM(on_hand_delta) AS q FROM stock_ledger "
        "WHERE kind = 'pick' AND order_id IS NOT NULL GROUP BY order_id) m "
        "ON m.order_id = so.id WHERE p.q <> COALESCE(-m.q, 0)",
    ):
        yield f"order {number}: {picked} picked, the ledger took {taken} off the shelves for it"


_ACTIVE_LIST = "('open', 'claimed')"


def _tote_on_two_lists(session: Session) -> Iterable[str]:
    uses = (
        "SELECT pt.tote_id AS tote_id, pt.pick_list_id AS list_id FROM pick_task pt "
        f"JOIN pick_list pl ON pl.id = pt.pick_list_id WHERE pl.status IN {_ACTIVE_LIST} "
        "AND pt.tote_id IS NOT NULL "
        "UNION SELECT t.id, t.pick_list_id FROM tote t "
        f"JOIN pick_list pl ON pl.id = t.pick_list_id WHERE pl.status IN {_ACTIVE_LIST} "
        "AND t.status <> 'free'"
    )
    found: dict[str, list[int]] = {}
    for code, list_id in _rows(
        session,
        f"SELECT t.code, u.list_id FROM ({uses}) u JOIN tote t ON t.id = u.tote_id "
        "WHERE u.tote_id IN (SELECT x.tote_id FROM "
        f"({uses}) x GROUP BY x.tote_id HAVING COUNT(DISTINCT x.list_id) > 1) "
        "ORDER BY t.code, u.list_id",
    ):
        found.setdefault(str(code), []).append(int(list_id))
    for code, lists in found.items():
        yield f"tote {code} is on pick lists {', '.join(map(str, lists))}"


def _task_claimed_twice(session: Session) -> Iterable[str]:
    holder: dict[str, Any] = {}
    for list_id, action, user in _rows(
        session,
        "SELECT entity_id, action, user_id FROM audit_log WHERE entity = 'pick_list' ORDER BY id",
    ):
        if action == "pick_list_claimed":
            held = holder.get(list_id)
            if held is not None and held != user:
                yield f"pick list {list_id} claimed by user {user} while user {held} held it"
            holder[list_id] = user
        else:  # given back, cancelled, reassigned: nobody holds it now
            holder[list_id] = None
    for list_id, status, by in _rows(
        session,
        "SELECT id, status, claimed_by FROM pick_list WHERE (status = 'claimed' AND "
        "claimed_by IS NULL) OR (status = 'open' AND claimed_by IS NOT NULL)",
    ):
        yield f"pick list {list_id} is {status} with claimed_by {by}"


def _stuck_list(session: Session) -> Iterable[str]:
    for list_id, status, open_tasks in _rows(
        session,
        "SELECT pl.id, pl.status, COALESCE(t.n, 0) FROM pick_list pl "
        "LEFT JOIN (SELECT pick_list_id, COUNT(*) AS n FROM pick_task WHERE status = 'open' "
        "GROUP BY pick_list_id) t ON t.pick_list_id = pl.id "
        f"WHERE (pl.status IN {_ACTIVE_LIST} AND COALESCE(t.n, 0) = 0) "
        f"OR (pl.status NOT IN {_ACTIVE_LIST} AND COALESCE(t.n, 0) > 0)",
    ):
        if status in ("open", "claimed"):
            yield f"pick list {list_id} is {status} with no open task: nobody can finish it"
        else:
            yield f"pick list {list_id} is {status} with {open_tasks} open task(s)"


def _replenishment_twice(session: Session) -> Iterable[str]:
    for n, loc, sku in _rows(
        session,
        f"SELECT COUNT(*), {_WHERE.format(loc='to_location_id', prod='product_id')} "
        "FROM replenishment_task WHERE status = 'open' GROUP BY to_location_id, product_id "
        "HAVING COUNT(*) > 1",
    ):
        yield f"{_at(loc, sku)}: {n} open replenishment tasks"


def _scan_unrecorded(session: Session) -> Iterable[str]:
    for scan_id, lines, accepted in _rows(
        session,
        "SELECT m.scan_id, COUNT(*), MAX(CASE WHEN sr.accepted THEN 1 ELSE 0 END) "
        "FROM stock_ledger m LEFT JOIN scan_record sr ON sr.scan_id = m.scan_id "
        "WHERE m.scan_id IS NOT NULL AND (sr.scan_id IS NULL OR NOT sr.accepted) "
        "GROUP BY m.scan_id ORDER BY m.scan_id",
    ):
        state = "a refusal" if accepted is not None and int(accepted) == 0 else "no outcome"
        yield f"scan {scan_id}: {lines} ledger line(s), stored as {state}"


CHECKS: dict[str, Callable[[Session], Iterable[str]]] = {
    "stock_ledger": _stock_ledger,
    "negative_stock": _negative_stock,
    "over_reserved": _over_reserved,
    "reservation_sum": _reservation_sum,
    "reservation_state": _reservation_state,
    "over_picked": _over_picked,
    "picked_tasks": _picked_tasks,
    "picked_ledger": _picked_ledger,
    "tote_on_two_lists": _tote_on_two_lists,
    "task_claimed_twice": _task_claimed_twice,
    "stuck_list": _stuck_list,
    "replenishment_twice": _replenishment_twice,
    "scan_unrecorded": _scan_unrecorded,
}


def check(db: Database) -> list[Problem]:
    """Every broken invariant, read in one read-only transaction (one snapshot on PostgreSQL
    under REPEATABLE READ; SQLite's deferred read transaction is one snapshot too)."""
    problems: list[Problem] = []
    with db.reading() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        for kind, fn in CHECKS.items():
            found = 0
            for detail in fn(session):
                found += 1
                if found <= MAX_PER_KIND:
                    problems.append(Problem(kind, detail))
            if found > MAX_PER_KIND:
                problems.append(Problem(kind, f"... and {found - MAX_PER_KIND} more"))
    return problems
