"""What must always hold in a live database, checked by read-only queries.

`check(db)` returns one `Problem` per broken rule (empty when the database is sound); the
operator's `wms-terminal check` prints them, the soak and the state-machine tests assert none.
Each rule is one query over the tables as they are, so it also catches what a crashed terminal,
a manual SQL fix or a bug in any service left behind. Kinds:

stock_ledger        a stock row's on-hand or reserved differs from the sum of its ledger lines
                    (per product and location; ledger lines with no stock row must sum to zero)
negative_stock      on-hand or reserved below zero
over_reserved       more reserved than on hand
reserved_unpickable units reserved in a location nobody picks from (receiving, damaged): they
                    are reserved only once put away
reservation_sum     the active reservations and live cart holds on a stock row do not add up to
                    its reserved units, or a reservation names another product or location than
                    its stock row
reservation_state   an active reservation of no units, or a spent one still holding units
over_picked         an order line or pick task with more picked than ordered (or below zero)
picked_tasks        an order line's picked units differ from what its pick tasks picked
picked_ledger       an order's picked units differ from what the ledger took off the shelf for it
                    (its pick lines less its put-back lines)
tote_on_two_lists   one tote used by two unfinished pick lists
tote_state          a tote in use or full without an unfinished pick list, a free tote still
                    naming a list, or a tote at packing or sorting while its list is picked
task_claimed_twice  a pick list, move task (replenishment, put-away) or count claimed by a
                    second user while the first still held it, or done by someone not holding
                    it (the audit log); a claimed list or count with no user / an open one with
                    a user; an open move task claimed with no user or by a user with no time
count_block         a location blocked with no count open on it (nobody would ever open it), or
                    a count open on a location that is not blocked (picks would run under it)
stuck_list          a claimed or open list with no open task (nobody can finish it), or a
                    finished list with an open task
replenishment_twice two open replenishment tasks for one pick face and product (put-aways, one
                    per receipt, may be several)
packed_units        an order line's packed (or shipped) units differ from what its closed (or
                    shipped) packages hold, or more verified into packages and shipped short
                    than were picked
package_state       a closed or shipped package without SSCC, tracking number or carrier
                    service; a shipped one outside a shipment; an open or held package of an
                    order not being packed, or two of one order; a closed one of an order
                    neither packing nor packed
unapproved_on_wave  an order on the floor (released or later, or with open pick tasks) while
                    it still waits for payment or a manager's approval (`core.release_rule`)
cart_hold_state     a cart hold that ended (checked out, expired, released) still holding units
scan_unrecorded     ledger lines written under a scan id with no stored accepted outcome (a scan
                    applied without its outcome, so a retry would apply it again)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import text

from wms_terminal.core.db import Database
from wms_terminal.core.invariant_rules import RULES, Row, Rule

# Each kind reports at most this many problems, then one line saying how many more there are.
MAX_PER_KIND = 50


@dataclass(frozen=True)
class Problem:
    kind: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


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
