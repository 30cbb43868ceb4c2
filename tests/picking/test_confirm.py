"""A confirmation writes exactly what a pick means (task, reservation, stock, ledger line with
the scan id, order line, order and list progress, scan record) in one transaction, with a fixed
small number of statements, and `shelf_pick.pick` refuses what it cannot take."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from wms_terminal.core import shelf_pick
from wms_terminal.core.db import Database
from wms_terminal.core.errors import InsufficientStock, NotFound, ValidationError
from wms_terminal.picking import service
from wms_terminal.picking.claims import get_list

from .conftest import Floor
from .helpers import rows, scalar, snapshot


def test_a_confirm_moves_everything_a_pick_means(floor: Floor) -> None:
    floor.order([(3, 2), (5, 1)])
    floor.release()
    pat = floor.actors["pat"]
    lid = service.claim_next(floor.db, pat, warehouse_id=floor.warehouse_id)
    assert lid is not None
    first, second = get_list(floor.db, lid).tasks
    r = service.confirm_pick(
        floor.db, pat, scan_id="c1", task_id=first.task_id, qty=first.qty, tote="T-MAIN-0007"
    )
    assert r.accepted and r.data["order_status"] == "picking" and not r.data["list_done"], r
    r2 = service.confirm_pick(floor.db, pat, scan_id="c2", task_id=second.task_id, qty=second.qty)
    assert r2.accepted and r2.data["order_status"] == "picked" and r2.data["list_done"], r2
    assert "replenishment" not in r2.data
    assert rows(floor.db, "SELECT status, qty_picked, tote_id IS NOT NULL FROM pick_task") == [
        ("picked", first.qty, True),
        ("picked", second.qty, True),
    ]
    assert rows(floor.db, "SELECT qty, status FROM reservation ORDER BY id") == [
        (0, "picked"),
        (0, "picked"),
    ]
    for n, q in ((3, 2), (5, 1)):
        assert rows(
            floor.db,
            "SELECT on_hand, reserved FROM stock WHERE location_id = :l AND product_id = :p",
            l=floor.face[n].id,
            p=floor.products[n].id,
        ) == [(50 - q, 0)]
    assert rows(
        floor.db,
        "SELECT scan_id, on_hand_delta, reserved_delta, user_id, terminal FROM stock_ledger "
        "WHERE kind = 'pick' ORDER BY id",
    ) == [
        ("c1", -first.qty, -first.qty, pat.user_id, pat.terminal),
        ("c2", -second.qty, -second.qty, pat.user_id, pat.terminal),
    ]
    assert rows(floor.db, "SELECT qty_picked FROM order_line ORDER BY id") == [(2,), (1,)]
    assert scalar(floor.db, "SELECT status FROM sales_order") == "picked"
    assert scalar(floor.db, "SELECT status FROM pick_list") == "done"
    assert scalar(floor.db, "SELECT finished_at IS NOT NULL FROM pick_list")
    assert rows(floor.db, "SELECT scan_id, accepted FROM scan_record ORDER BY scan_id") == [
        ("c1", True),
        ("c2", True),
    ]
    # A replay answers from the record and changes nothing.
    before = snapshot(floor.db)
    again = service.confirm_pick(
        floor.db, pat, scan_id="c2", task_id=second.task_id, qty=second.qty
    )
    assert again.replayed and again.accepted and again.data == r2.data
    assert snapshot(floor.db) == before


def test_a_confirm_in_the_middle_of_a_list_is_a_few_statements(floor: Floor) -> None:
    floor.order([(3, 1), (4, 1), (5, 1)])
    floor.release()
    pat = floor.actors["pat"]
    lid = service.claim_next(floor.db, pat, warehouse_id=floor.warehouse_id)
    assert lid is not None
    tasks = get_list(floor.db, lid).tasks
    service.confirm_pick(
        floor.db, pat, scan_id="s1", task_id=tasks[0].task_id, qty=1, tote="T-MAIN-0008"
    )
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement.split()[0].upper())

    event.listen(floor.db.engine, "before_cursor_execute", count)
    try:
        with _round_trips(floor.db) as trips:
            r = service.confirm_pick(floor.db, pat, scan_id="s2", task_id=tasks[1].task_id, qty=1)
    finally:
        event.remove(floor.db.engine, "before_cursor_execute", count)
    assert r.accepted, r
    # Sent together: the scan id lookup and the task read; then order, task, reservation,
    # stock, ledger, order line, the list row locked and the open-task counts (the task is
    # done); then the scan record.
    reads = ["SELECT", "SELECT"]
    writes = ["UPDATE", "UPDATE", "UPDATE", "UPDATE", "INSERT", "UPDATE", "SELECT", "SELECT"]
    if floor.db.dialect == "sqlite":  # in process: the same statements one by one
        expected = [*reads, *writes, "INSERT"]
        assert [x for x in seen if x not in ("BEGIN", "COMMIT")] == expected, seen
    else:
        assert seen == ["INSERT"], seen
        # BEGIN, the two reads, the eight writes, scan record, COMMIT (the pool's liveness
        # check at checkout not counted)
        assert trips == [5], trips


@contextmanager
def _round_trips(db: Database) -> Iterator[list[int]]:
    """PostgreSQL: the round trips of the work in this block, read from libpq's protocol trace
    of each connection checked out meanwhile (a reply ends with ReadyForQuery)."""
    out: list[int] = []
    if db.dialect != "postgresql":
        yield out
        return
    import psycopg

    traced: list[tuple[Any, Any]] = []
    with ExitStack() as files:

        def start(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
            f = files.enter_context(tempfile.TemporaryFile())
            pgconn = dbapi_conn.pgconn
            pgconn.trace(f.fileno())
            pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)
            traced.append((pgconn, f))

        event.listen(db.engine, "checkout", start)
        try:
            yield out
        finally:
            event.remove(db.engine, "checkout", start)
            for pgconn, f in traced:
                pgconn.untrace()
                f.seek(0)
                replies = f.read().decode().splitlines()
                out.append(sum("ReadyForQuery" in line for line in replies))


def test_inventory_pick_refuses_what_it_cannot_take(floor: Floor) -> None:
    floor.order([(6, 2)])
    floor.release()
    pat = floor.actors["pat"]
    rid = scalar(floor.db, "SELECT id FROM reservation")
    before = snapshot(floor.db)
    for qty, err in ((3, ValidationError), (0, ValidationError)):
        with pytest.raises(err), floor.db.transaction() as s:
            shelf_pick.pick(s, reservation_id=rid, qty=qty, actor=pat)
    with pytest.raises(NotFound), floor.db.transaction() as s:
        shelf_pick.pick(s, reservation_id=rid + 999, qty=1, actor=pat)
    # Stock gone from the shelf behind the reservation's back: refused, rolled back whole.
    with pytest.raises(InsufficientStock), floor.db.transaction() as s:
        from sqlalchemy import text

        s.execute(
            text(
                "UPDATE stock SET on_hand = 1, reserved = 1 WHERE id = "
                "(SELECT stock_id FROM reservation WHERE id = :r)"
            ),
            {"r": rid},
        )
        shelf_pick.pick(s, reservation_id=rid, qty=2, actor=pat)
    assert snapshot(floor.db) == before
    with floor.db.transaction() as s:
        got = shelf_pick.pick(s, reservation_id=rid, qty=2, actor=pat, scan_id="x")
    assert got.on_hand == 48 and got.location_id == floor.face[6].id
    assert rows(floor.db, "SELECT qty, status FROM reservation") == [(0, "picked")]
