"""`check` and `wms-terminal check`: a sound database passes, each kind of damage is named.

The damage is made with direct SQL, as a crashed tool or a hand-made fix would leave it; where a
table constraint would refuse it, the constraint is lifted for the one statement (SQLite:
`ignore_check_constraints`; PostgreSQL: dropped and put back after the test).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import text

from tests.core.conftest import Worked, one
from wms_terminal.cli import main
from wms_terminal.core import invariants
from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.invariants import KINDS, check
from wms_terminal.demo import build_demo
from wms_terminal.picking import exceptions as exc
from wms_terminal.picking import service, wave_admin
from wms_terminal.picking.claims import get_list
from wms_terminal.picking.wave_release import release_wave
from wms_terminal.picking.wave_selection import WaveFilter


def _kinds(db: Database) -> set[str]:
    return {p.kind for p in check(db)}


def test_a_worked_floor_is_clean(worked: Worked) -> None:
    assert check(worked.db) == []


_ONE_STOCK = "(SELECT MIN(id) FROM stock WHERE reserved > 0)"
_ACTIVE_RES = "(SELECT MIN(id) FROM reservation WHERE status = 'active')"
_OPEN_TASK = "(SELECT MIN(id) FROM pick_task WHERE status = 'open')"


def _ledger_row(w: Worked, *, on_hand: int, location: str, scan: str = "NULL") -> str:
    return (
        "INSERT INTO stock_ledger (warehouse_id, product_id, location_id, kind, on_hand_delta, "
        "reserved_delta, terminal, scan_id, reason, created_at) VALUES "
        f"({w.floor.warehouse_id}, {w.floor.products[5].id}, {location}, 'adjustment', "
        f"{on_hand}, 0, 'test', {scan}, 'damage', CURRENT_TIMESTAMP)"
    )


def _claim_row(w: Worked, who: str, list_id: int) -> str:
    """An audit entry saying `who` claimed the list (as a lost race would leave it)."""
    return (
        "INSERT INTO audit_log (at, user_id, terminal, action, entity, entity_id, "
        f"reason_code, detail) VALUES (CURRENT_TIMESTAMP, {w.floor.actors[who].user_id}, "
        f"'T-{who}', 'pick_list_claimed', 'pick_list', '{list_id}', '', '{{}}')"
    )


# kind -> (statements for a Worked floor, constraints lifted: (table, name...))
DAMAGE: dict[str, tuple[Callable[[Worked], list[str]], tuple[str, ...]]] = {
    "stock_ledger": (
        lambda w: [f"UPDATE stock SET on_hand = on_hand + 1 WHERE id = {_ONE_STOCK}"],
        (),
    ),
    "negative_stock": (
        lambda w: [f"UPDATE stock SET on_hand = -2, reserved = 0 WHERE id = {_ONE_STOCK}"],
        ("stock", "stock_on_hand_nonnegative", "stock_reserved_within"),
    ),
    "over_reserved": (
        lambda w: [f"UPDATE stock SET reserved = on_hand + 1 WHERE id = {_ONE_STOCK}"],
        ("stock", "stock_reserved_within"),
    ),
    "reserved_unpickable": (
        lambda w: [
            "UPDATE location SET kind = 'receiving' WHERE id = "
            f"(SELECT location_id FROM reservation WHERE id = {_ACTIVE_RES})"
        ],
        (),
    ),
    "reservation_sum": (
        lambda w: [f"UPDATE reservation SET qty = qty + 1 WHERE id = {_ACTIVE_RES}"],
        (),
    ),
    "reservation_state": (
        lambda w: [f"UPDATE reservation SET status = 'released' WHERE id = {_ACTIVE_RES}"],
        (),
    ),
    "over_picked": (
        lambda w: [
            "UPDATE order_line SET qty_picked = qty + 1 WHERE id = "
            "(SELECT MIN(order_line_id) FROM pick_task)"
        ],
        ("order_line", "order_line_progress"),
    ),
    "picked_tasks": (
        lambda w: [
            "UPDATE order_line SET qty_picked = qty_picked + 1 WHERE id = "
            "(SELECT order_line_id FROM pick_task WHERE qty_picked + 1 < qty "
            "ORDER BY id LIMIT 1)"
        ],
        (),
    ),
    "picked_ledger": (
        lambda w: [
            f"UPDATE order_line SET qty_picked = qty_picked + 1 WHERE id = "
            f"(SELECT order_line_id FROM pick_task WHERE id = {_OPEN_TASK})",
            f"UPDATE pick_task SET qty_picked = qty_picked + 1 WHERE id = {_OPEN_TASK}",
        ],
        (),
    ),
    "tote_on_two_lists": (
        lambda w: [
            f"UPDATE pick_task SET tote_id = {w.tote_a} WHERE id = "
            f"(SELECT MIN(id) FROM pick_task WHERE pick_list_id = {w.list_b})"
        ],
        (),
    ),
    "tote_state": (lambda w: [f"UPDATE tote SET pick_list_id = NULL WHERE id = {w.tote_a}"], ()),
    "task_claimed_twice": (lambda w: [_claim_row(w, "quinn", w.list_a)], ()),
    "stuck_list": (
        lambda w: [
            f"UPDATE pick_task SET status = 'short' WHERE pick_list_id = {w.list_b}",
        ],
        (),
    ),
    "replenishment_twice": (
        lambda w: (
            [
                "INSERT INTO replenishment_task (warehouse_id, product_id, to_location_id, qty, "
                f"status, created_at) VALUES ({w.floor.warehouse_id}, {w.floor.products[1].id}, "
                f"{w.floor.face[1].id}, 10, 'open', CURRENT_TIMESTAMP)"
            ]
            * 2
        ),
        (),
    ),
    "count_block": (
        lambda w: [
            "UPDATE location SET blocked = TRUE, blocked_reason = 'count' "
            f"WHERE id = {w.floor.face[2].id}"
        ],
        (),
    ),
    "packed_units": (
        lambda w: [
            "UPDATE order_line SET qty_packed = 1 WHERE id = (SELECT MIN(id) FROM order_line)"
        ],
        ("order_line", "order_line_progress"),
    ),
    "package_state": (
        lambda w: [
            "INSERT INTO package (warehouse_id, order_id, weight_g, status, created_at, seq, "
            "expected_weight_g, hold_reason, tracking_number, shipping_cost, currency) VALUES "
            f"({w.floor.warehouse_id}, (SELECT MIN(id) FROM sales_order), 0, 'closed', "
            "CURRENT_TIMESTAMP, 1, 0, '', '', 0, 'EUR')"
        ],
        (),
    ),
    "returned_units": (
        lambda w: [
            "INSERT INTO return_order (warehouse_id, number, order_id, reason, status, "
            "created_at, reason_code, resolution) VALUES "
            f"({w.floor.warehouse_id}, 'RMA-9999999', (SELECT MIN(id) FROM sales_order), '', "
            "'open', CURRENT_TIMESTAMP, 'other', 'refund')",
            # One unit received that no recorded unit stands for.
            "INSERT INTO return_line (return_id, order_line_id, qty, condition, received) "
            "VALUES ((SELECT id FROM return_order WHERE number = 'RMA-9999999'), "
            "(SELECT MIN(id) FROM order_line), 1, 'resellable', 1)",
        ],
        (),
    ),
    "scan_unrecorded": (
        lambda w: [_ledger_row(w, on_hand=0, location=str(w.floor.face[5].id), scan="'ghost'")],
        (),
    ),
    # A released order that still waits for its payment.
    "unapproved_on_wave": (
        lambda w: [
            "UPDATE sales_order SET release_hold = 'payment' "
            "WHERE id = (SELECT MIN(order_id) FROM pick_task)"
        ],
        (),
    ),
    # An expired cart that still names a stock row's units.
    "cart_hold_state": (
        lambda w: [
            "INSERT INTO cart_hold (channel, cart, warehouse_id, status, expires_at, created_at) "
            f"VALUES ('web', 'c-1', {w.floor.warehouse_id}, 'expired', CURRENT_TIMESTAMP, "
            "CURRENT_TIMESTAMP)",
            "INSERT INTO cart_hold_line (hold_id, warehouse_id, stock_id, product_id, "
            f"location_id, qty) SELECT (SELECT MIN(id) FROM cart_hold), {w.floor.warehouse_id}, "
            f"id, product_id, location_id, 1 FROM stock WHERE id = {_ONE_STOCK}",
        ],
        (),
    ),
}


def test_every_kind_has_a_damage_test() -> None:
    assert set(DAMAGE) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_damage_is_reported_by_kind(worked: Worked, damage: Callable[..., None], kind: str) -> None:
    statements, lift = DAMAGE[kind]
    damage(*statements(worked), lift=lift)
    problems = check(worked.db)
    assert kind in {p.kind for p in problems}, problems
    assert all(p.detail for p in problems)


def test_ledger_lines_without_a_stock_row_are_reported(
    worked: Worked, damage: Callable[..., None]
) -> None:
    w = worked
    damage(_ledger_row(w, on_hand=3, location=str(w.floor.reserve[2].id)))
    # product 5 was never in that reserve location: its ledger says 3 units, no stock row.
    details = [p.detail for p in check(w.db) if p.kind == "stock_ledger"]
    assert len(details) == 1 and "no stock row" in details[0], details


def test_a_list_claimed_twice_in_the_audit_names_both_pickers(
    worked: Worked, damage: Callable[..., None]
) -> None:
    statements, _ = DAMAGE["task_claimed_twice"]
    damage(*statements(worked))
    (problem,) = check(worked.db)
    quinn, pat = worked.floor.actors["quinn"].user_id, worked.floor.actors["pat"].user_id
    assert problem.detail == (
        f"pick list {worked.list_a} claimed by user {quinn} while user {pat} held it"
    )


def test_a_list_given_back_and_claimed_again_is_fine(worked: Worked) -> None:
    w = worked
    service.release_list(w.db, w.floor.actors["pat"], w.list_a)
    # pat's pick stays on the list; the next claim takes it over
    got = service.claim_next(w.db, w.floor.actors["boss"], warehouse_id=w.floor.warehouse_id)
    assert got == w.list_a
    assert check(w.db) == []


def test_cli_check_json_clean_then_damaged(
    worked: Worked, damage: Callable[..., None], db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--database", db_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"ok": True, "problems": []}
    damage(*DAMAGE["stock_ledger"][0](worked))
    assert main(["check", "--database", db_url, "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False
    assert [p["kind"] for p in out["problems"]] == ["stock_ledger"]
    assert set(out["problems"][0]) == {"kind", "detail"}
    assert main(["check", "--database", db_url]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("stock_ledger: SKU-")
    assert "1 problem(s) found" in captured.err


def test_many_problems_of_one_kind_are_capped_with_a_count(
    worked: Worked, damage: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    damage("UPDATE stock SET on_hand = on_hand + 1")
    stock_rows = one(worked.db, "SELECT COUNT(*) FROM stock")
    assert len(check(worked.db)) == stock_rows > 4
    monkeypatch.setattr(invariants, "MAX_PER_KIND", 3)
    problems = check(worked.db)
    assert [p.kind for p in problems] == ["stock_ledger"] * 4
    assert problems[-1].detail == f"... and {stock_rows - 3} more"


def test_demo_worked_through_the_services_is_clean(
    db: Database, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    build_demo(db, orders=40, seed=3, today=date(2025, 3, 3))
    with db.reading() as s:
        wid, boss, picker = s.execute(
            text(
                "SELECT (SELECT id FROM warehouse ORDER BY id LIMIT 1), "
                "(SELECT id FROM app_user WHERE role = 'supervisor' LIMIT 1), "
                "(SELECT id FROM app_user WHERE role = 'picker' LIMIT 1)"
            )
        ).one()
        code = s.execute(text("SELECT code FROM warehouse WHERE id = :w"), {"w": wid}).scalar()
    sup = Actor(boss, "supervisor", "supervisor", terminal="T1")
    pick = Actor(picker, "picker", "picker", terminal="T2")
    release_wave(db, sup, WaveFilter(warehouse=str(code)), strategy="per-order")
    lid = service.claim_next(db, pick, warehouse_id=wid)
    assert lid is not None
    n = 0
    while (task := (pl := get_list(db, lid)).next_task) is not None and n < 6:
        n += 1
        tote = None if task.slot in pl.totes else f"T-{code}-0{n:03d}"
        if n == 3:
            r = exc.report_short(db, pick, scan_id=f"d-{n}", task_id=task.task_id, found=0)
        else:
            r = service.confirm_pick(
                db, pick, scan_id=f"d-{n}", task_id=task.task_id, qty=task.remaining, tote=tote
            )
        assert r.accepted, r
    assert main(["check", "--database", db_url, "--json"]) == 0, capsys.readouterr()
    assert json.loads(capsys.readouterr().out)["ok"] is True


def test_a_list_reassigned_given_back_and_claimed_again_is_fine(worked: Worked) -> None:
    w = worked
    wave_admin.reassign_list(w.db, w.floor.actors["boss"], w.list_a, "quinn")
    service.release_list(w.db, w.floor.actors["quinn"], w.list_a)
    got = service.claim_next(
        w.db, w.floor.actors["pat"], warehouse_id=w.floor.warehouse_id, resume=False
    )
    assert got == w.list_a
    assert check(w.db) == []


def test_a_claim_of_a_list_reassigned_to_someone_else_is_reported(
    worked: Worked, damage: Callable[..., None]
) -> None:
    w = worked
    wave_admin.reassign_list(w.db, w.floor.actors["boss"], w.list_a, "quinn")
    damage(_claim_row(w, "pat", w.list_a))  # pat claims it too, says the audit log
    (problem,) = check(w.db)
    quinn, pat = w.floor.actors["quinn"].user_id, w.floor.actors["pat"].user_id
    assert (
        problem.detail == f"pick list {w.list_a} claimed by user {pat} while user {quinn} held it"
    )


def test_a_scan_s_ledger_lines_say_whether_an_outcome_or_a_refusal_is_stored(
    worked: Worked, damage: Callable[..., None]
) -> None:
    w = worked
    face = str(w.floor.face[5].id)
    damage(
        _ledger_row(w, on_hand=0, location=face, scan="'ghost'"),
        _ledger_row(w, on_hand=0, location=face, scan="'refused-1'"),
        "INSERT INTO scan_record (scan_id, terminal, action, raw, accepted, outcome, created_at) "
        "VALUES ('refused-1', 'T', 'pick', '', FALSE, '{}', CURRENT_TIMESTAMP)",
    )
    assert sorted(p.detail for p in check(w.db) if p.kind == "scan_unrecorded") == [
        "scan ghost: 1 ledger line(s) with no stored outcome",
        "scan refused-1: 1 ledger line(s), its outcome stored as a refusal",
    ]
