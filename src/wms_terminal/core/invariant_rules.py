"""The rules `core.invariants.check` runs: one SQL query per rule, and how its rows read.

A rule's rows are problems. `says(c1, c2, ...)` describes one row; `scan(rows)` reads all of a
rule's rows at once (a rule that follows a history, like the claims in the audit log). The kinds
and what each means are listed in `core.invariants`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

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
# Per order line: units in closed or shipped packages, in every package not cancelled, shipped.
_PACKED = (
    "SELECT pl.order_line_id, "
    "SUM(CASE WHEN pk.status IN ('closed', 'shipped') THEN pl.qty ELSE 0 END) AS closed, "
    "SUM(pl.qty) AS verified, "
    "SUM(CASE WHEN pk.status = 'shipped' THEN pl.qty ELSE 0 END) AS shipped "
    "FROM package_line pl JOIN package pk ON pk.id = pl.package_id "
    "WHERE pk.status <> 'cancelled' GROUP BY pl.order_line_id"
)
_TOTE_USES = (
    "SELECT pt.tote_id AS tote_id, pt.pick_list_id AS list_id FROM pick_task pt "
    f"JOIN pick_list pl ON pl.id = pt.pick_list_id WHERE pl.status IN {_ACTIVE_LIST} "
    "AND pt.tote_id IS NOT NULL "
    "UNION SELECT t.id, t.pick_list_id FROM tote t "
    f"JOIN pick_list pl ON pl.id = t.pick_list_id WHERE pl.status IN {_ACTIVE_LIST} "
    "AND t.status <> 'free'"
)

# Units held per stock row: orders' active reservations, and the lines of carts still holding.
_HELD = (
    "SELECT x.stock_id, SUM(x.q) AS q FROM (SELECT stock_id, qty AS q FROM reservation "
    "WHERE status = 'active' UNION ALL SELECT hl.stock_id, hl.qty FROM cart_hold_line hl "
    "JOIN cart_hold h ON h.id = hl.hold_id WHERE h.status = 'active') x GROUP BY x.stock_id"
)
_FLOOR = "('released', 'picking', 'picked', 'packing', 'packed', 'shipped')"


# What the audit log's claim entries are called, per entity: (name, claimed, done).
_CLAIMABLE = {
    "pick_list": ("pick list", "pick_list_claimed", ""),
    "move_task": ("move task", "move_task_claimed", "move_task_done"),
    "count_task": ("count", "count_claimed", "count_done"),
}


def _claims(rows: list[Row]) -> Iterator[str]:
    """Walk the audit log of pick lists, move tasks and counts: a claim while another user holds
    it, or the work done by a user who does not hold it."""
    holder: dict[tuple[Any, Any], Any] = {}
    for entity, entity_id, action, user, detail in rows:
        name, claimed, done = _CLAIMABLE[str(entity)]
        key = (entity, entity_id)
        held = holder.get(key)
        if action == claimed:
            if held is not None and held != user:
                yield f"{name} {entity_id} claimed by user {user} while user {held} held it"
            holder[key] = user
        elif action == done and done:
            if held != user:
                who = f"user {held}" if held is not None else "nobody"
                yield f"{name} {entity_id} done by user {user} while {who} held it"
            holder[key] = None
        elif action == "pick_list_reassigned":  # a supervisor handed it to someone
            to = json.loads(detail or "{}").get("to_user")
            holder[key] = None if to is None else str(to)
        elif action not in ("count_raised",):  # given back, cancelled, counted once: nobody
            holder[key] = None


def _totes(rows: list[Row]) -> Iterator[str]:
    lists: dict[str, list[str]] = {}
    for code, list_id in rows:
        lists.setdefault(str(code), []).append(str(list_id))
    for code, ids in lists.items():
        yield f"tote {code} is on pick lists {', '.join(ids)}"


def _tote_state(code: Any, status: Any, list_id: Any, list_status: Any) -> str:
    if status == "free":
        return f"tote {code} is free but still names pick list {list_id}"
    if list_id is None:
        return f"tote {code} is {status} on no pick list"
    return f"tote {code} is {status} while its pick list {list_id} is {list_status}"


def _block(code: Any, reason: Any, counts: Any) -> str:
    if counts and int(counts):
        return f"location {code} has {counts} open count(s) but is not blocked"
    return f"location {code} is blocked ({reason or 'no reason'}) with no count open on it"


def _stuck(list_id: Any, status: Any, open_tasks: Any) -> str:
    if status in ("open", "claimed"):
        return f"pick list {list_id} is {status} with no open task: nobody can finish it"
    return f"pick list {list_id} is {status} with {open_tasks} open task(s)"


def _scan_state(scan_id: Any, lines: Any, accepted: Any) -> str:
    if accepted is None:
        return f"scan {scan_id}: {lines} ledger line(s) with no stored outcome"
    return f"scan {scan_id}: {lines} ledger line(s), its outcome stored as a refusal"


def _claim_state(table: str, name: str, waiting: str) -> Rule:
    """Claimed with no user, or waiting (`waiting`: statuses) with one."""
    return Rule(
        "task_claimed_twice",
        ("id", "status", "claimed_by"),
        f"FROM {table} WHERE (status = 'claimed' AND claimed_by IS NULL) "
        f"OR (status IN {waiting} AND claimed_by IS NOT NULL)",
        lambda i, status, by: f"{name} {i} is {status} with claimed_by {by}",
    )


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
        "reserved_unpickable",
        ("s.reserved", "l.kind", *_names("s.location_id", "s.product_id")),
        "FROM stock s JOIN location l ON l.id = s.location_id "
        "WHERE s.reserved > 0 AND l.kind NOT IN ('pick_face', 'reserve')",
        lambda rs, kind, loc, sku: f"{_at(loc, sku)}: {rs} reserved in a {kind} location",
    ),
    Rule(
        "reservation_sum",
        ("s.reserved", "COALESCE(r.q, 0)", *_names("s.location_id", "s.product_id")),
        # Orders' active reservations and live carts' hold lines (`core.cart_holds`).
        f"FROM stock s LEFT JOIN ({_HELD}) r ON r.stock_id = s.id "
        "WHERE s.reserved <> COALESCE(r.q, 0)",
        lambda rs, held, loc, sku: (
            f"{_at(loc, sku)}: stock says {rs} reserved, active reservations and cart holds "
            f"hold {held}"
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
        "WHERE kind IN ('pick', 'put_back') AND order_id IS NOT NULL GROUP BY order_id) m "
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
        "tote_state",
        ("t.code", "t.status", "t.pick_list_id", "pl.status"),
        "FROM tote t LEFT JOIN pick_list pl ON pl.id = t.pick_list_id "
        "WHERE (t.status = 'free' AND t.pick_list_id IS NOT NULL) "
        "OR (t.status IN ('in_use', 'full') "
        f"AND (pl.id IS NULL OR pl.status NOT IN {_ACTIVE_LIST})) "
        f"OR (t.status IN ('at_packing', 'at_sorting') AND pl.status IN {_ACTIVE_LIST})",
        _tote_state,
        order="t.id",
    ),
    Rule(
        "task_claimed_twice",
        ("entity", "entity_id", "action", "user_id", "detail"),
        "FROM audit_log WHERE entity IN ('pick_list', 'move_task', 'count_task')",
        scan=_claims,
        order="id",
    ),
    _claim_state("pick_list", "pick list", "('open')"),
    _claim_state("count_task", "count", "('open', 'recount')"),
    Rule(
        "task_claimed_twice",
        ("id", "claimed_by", "claimed_at"),
        "FROM replenishment_task WHERE status = 'open' AND "
        "((claimed_by IS NULL AND claimed_at IS NOT NULL) "
        "OR (claimed_by IS NOT NULL AND claimed_at IS NULL))",
        lambda tid, by, at: (
            f"move task {tid} is claimed with no user (at {at})"
            if by is None
            else f"move task {tid} is claimed by user {by} with no claim time"
        ),
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
        # Put-aways are not counted: each receipt raises its own for the units it brought.
        "FROM replenishment_task WHERE status = 'open' AND kind = 'replenish' "
        "GROUP BY to_location_id, product_id HAVING COUNT(*) > 1",
        lambda n, loc, sku: f"{_at(loc, sku)}: {n} open replenishment tasks",
    ),
    Rule(
        "count_block",
        ("l.code", "l.blocked_reason", "COALESCE(c.n, 0)"),
        "FROM location l LEFT JOIN (SELECT location_id, COUNT(*) AS n FROM count_task "
        "WHERE status IN ('open', 'claimed', 'recount') GROUP BY location_id) c "
        "ON c.location_id = l.id "
        "WHERE (l.blocked AND COALESCE(c.n, 0) = 0) OR (NOT l.blocked AND COALESCE(c.n, 0) > 0)",
        _block,
        order="l.id",
    ),
    Rule(
        "scan_unrecorded",
        (
            "m.scan_id",
            "COUNT(*)",
            # NULL when no outcome is stored under the id, 0 when a refusal is.
            "MAX(CASE WHEN sr.scan_id IS NULL THEN NULL WHEN sr.accepted THEN 1 ELSE 0 END)",
        ),
        "FROM stock_ledger m LEFT JOIN scan_record sr ON sr.scan_id = m.scan_id "
        "WHERE m.scan_id IS NOT NULL AND (sr.scan_id IS NULL OR NOT sr.accepted) "
        "GROUP BY m.scan_id",
        _scan_state,
    ),
    Rule(
        "packed_units",
        (
            "so.number",
            "p.sku",
            "ol.qty_picked",
            "ol.qty_packed",
            "ol.qty_pack_short",
            "ol.qty_shipped",
            "COALESCE(k.closed, 0)",
            "COALESCE(k.verified, 0)",
            "COALESCE(k.shipped, 0)",
        ),
        f"FROM order_line ol JOIN sales_order so ON so.id = ol.order_id "
        f"JOIN product p ON p.id = ol.product_id LEFT JOIN ({_PACKED}) k "
        "ON k.order_line_id = ol.id WHERE ol.qty_packed <> COALESCE(k.closed, 0) "
        "OR ol.qty_shipped <> COALESCE(k.shipped, 0) "
        "OR COALESCE(k.verified, 0) + ol.qty_pack_short > ol.qty_picked",
        lambda order, sku, picked, packed, short, shipped, closed, verified, in_shipped: (
            f"{order} {sku}: picked {picked}, packed {packed} (closed packages hold {closed}), "
            f"verified {verified} + short {short}, shipped {shipped} (shipped packages hold "
            f"{in_shipped})"
        ),
        order="ol.id",
    ),
    Rule(
        "package_state",
        (
            "so.number",
            "pk.seq",
            "pk.status",
            "pk.sscc",
            "pk.tracking_number",
            "pk.shipment_id",
        ),
        "FROM package pk JOIN sales_order so ON so.id = pk.order_id "
        "WHERE (pk.status IN ('closed', 'shipped') AND (pk.sscc IS NULL "
        "OR pk.tracking_number = '' OR pk.carrier_service_id IS NULL)) "
        "OR (pk.status = 'shipped' AND pk.shipment_id IS NULL) "
        "OR (pk.status IN ('open', 'held') AND (so.status NOT IN ('picked', 'packing') "
        "OR EXISTS (SELECT 1 FROM package o WHERE o.order_id = pk.order_id "
        "AND o.id <> pk.id AND o.status IN ('open', 'held')))) "
        "OR (pk.status = 'closed' AND so.status NOT IN ('packing', 'packed'))",
        lambda order, seq, status, sscc, tracking, shipment: (
            f"{order} package {seq} is {status} (SSCC {sscc or '-'}, tracking "
            f"{tracking or '-'}, shipment {shipment or '-'}) while its order is not where it "
            "should be, or another package of the order is open too"
        ),
        order="pk.id",
    ),
    Rule(
        "returned_units",
        (
            "ro.number",
            "p.sku",
            "rl.qty",
            "rl.received",
            "COALESCE(u.n, 0)",
            "ol.qty_shipped",
            "COALESCE(t.n, 0)",
        ),
        "FROM return_line rl JOIN return_order ro ON ro.id = rl.return_id "
        "JOIN order_line ol ON ol.id = rl.order_line_id JOIN product p ON p.id = ol.product_id "
        "LEFT JOIN (SELECT return_line_id, COUNT(*) AS n FROM return_unit "
        "GROUP BY return_line_id) u ON u.return_line_id = rl.id "
        "LEFT JOIN (SELECT rl2.order_line_id, SUM(rl2.qty) AS n FROM return_line rl2 "
        "JOIN return_order ro2 ON ro2.id = rl2.return_id WHERE ro2.status <> 'cancelled' "
        "GROUP BY rl2.order_line_id) t ON t.order_line_id = rl.order_line_id "
        "WHERE rl.received <> COALESCE(u.n, 0) OR rl.received > rl.qty "
        "OR COALESCE(t.n, 0) > ol.qty_shipped",
        lambda rma, sku, qty, received, units, shipped, returned: (
            f"{rma} {sku}: {qty} on the return, {received} received ({units} unit(s) recorded); "
            f"{returned} on returns of {shipped} shipped"
        ),
        order="rl.id",
    ),
    Rule(
        "unapproved_on_wave",
        ("so.number", "so.status", "so.release_hold"),
        "FROM sales_order so WHERE so.release_hold <> '' AND "
        f"(so.status IN {_FLOOR} OR EXISTS (SELECT 1 FROM pick_task pt "
        "WHERE pt.order_id = so.id AND pt.status = 'open'))",
        lambda number, status, hold: (
            f"order {number} is {status} on the floor while it waits for {hold.replace('_', ' ')}"
        ),
        order="so.id",
    ),
    Rule(
        "cart_hold_state",
        ("h.channel", "h.cart", "h.status", "COUNT(hl.id)"),
        "FROM cart_hold h JOIN cart_hold_line hl ON hl.hold_id = h.id "
        "WHERE h.status <> 'active' GROUP BY h.id, h.channel, h.cart, h.status",
        lambda channel, cart, status, lines: (
            f"cart {channel}/{cart} is {status.replace('_', ' ')} but still holds {lines} line(s)"
        ),
        order="h.id",
    ),
)
