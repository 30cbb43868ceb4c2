"""The desk's commands for the payment gate and credit limits: `orders payment|approve|reject|
held` and `customers credit-limit`, signed in by badge + WMS_PIN, on both backends."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from tests import factories as f
from tests.picking.conftest import Floor
from wms_terminal.cli import main
from wms_terminal.core.auth import SYSTEM
from wms_terminal.core.intake import import_orders


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict | list | str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    if code != 0:
        return code, err
    return code, json.loads(out) if "--json" in argv else out


def _hold(floor: Floor, number: str) -> tuple[str, str]:
    with floor.db.reading() as s:
        row = s.execute(
            text("SELECT status, release_hold FROM sales_order WHERE number = :n"), {"n": number}
        ).one()
    return str(row[0]), str(row[1])


def test_payment_and_approval_from_the_command_line(
    floor: Floor,
    db_url: str,
    wms_pin: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("WMS_PAYMENT_CHANNELS", "web")
    with floor.db.transaction() as s:
        boss = f.cli_user(s, "mgr", "manager")
    paid = import_orders(floor.db, [f.order("W1", [(floor.sku(4), 2)])], actor=SYSTEM)
    number = paid.order_numbers[0]
    assert paid.held == {number: "payment"}
    code, rows = _run(capsys, "orders", "held", "--json", "--database", db_url)
    assert code == 0 and [(r["order"], r["hold"]) for r in rows] == [(number, "payment")]  # type: ignore[index,union-attr]
    pay = ["orders", "payment", number, "authorised", "--database", db_url, *boss]
    code, err = _run(capsys, *pay, "--amount", "1O", "--reference", "r1")
    assert code != 0 and "--amount must be a number" in str(err)
    code, err = _run(capsys, *pay, "--amount", "1e30", "--reference", "r1")
    assert code == 2 and "amount must be 0 to 99999999999999.99, not 1E+30" in str(err)
    code, err = _run(capsys, *pay, "--amount", "19.99", "--reference", "r1")
    assert code != 0 and "less than the order's total 20.00 EUR" in str(err)
    assert _hold(floor, number) == ("reserved", "payment")
    code, done = _run(capsys, *pay, "--amount", "20.00", "--reference", "r1", "--json")
    assert code == 0 and done["hold"] == "" and not done["repeated"]  # type: ignore[index,call-overload]
    code, done = _run(capsys, *pay, "--amount", "20.00", "--reference", "r1")
    assert code == 0 and "already recorded" in str(done)
    # No badge: refused with the reason (exit 6), nothing recorded.
    code, err = _run(
        capsys,
        "orders",
        "payment",
        number,
        "declined",
        "--database",
        db_url,
        "--amount",
        "0",
        "--reference",
        "r2",
    )
    assert code == 6 and "--badge" in str(err)

    # Credit: the customer goes on account; the next order waits for the manager.
    code, out = _run(
        capsys,
        "customers",
        "credit-limit",
        "w1@example.com",
        "--limit",
        "30",
        "--database",
        db_url,
        *boss,
        "--json",
    )
    assert code == 0 and out == {  # type: ignore[comparison-overlap]
        "customer": "w1@example.com",
        "credit_limit_eur": "30",
        "exposure_eur": "20.00",
    }
    spec = f.order("W2", [(floor.sku(4), 2)], email="w1@example.com")
    over = import_orders(floor.db, [spec], actor=SYSTEM).order_numbers[0]
    assert _hold(floor, over) == ("reserved", "credit")
    with floor.db.transaction() as s:
        picker = f.cli_user(s, "pip", "picker")
    code, err = _run(capsys, "orders", "approve", over, "--database", db_url, *picker)
    assert code == 6 and "may not approve credit" in str(err)
    code, out = _run(capsys, "orders", "approve", over, "--database", db_url, *boss)
    assert code == 0 and "approved" in str(out)
    assert _hold(floor, over) == ("reserved", "")
    spec = f.order("W3", [(floor.sku(4), 5)], email="w1@example.com")
    third = import_orders(floor.db, [spec], actor=SYSTEM).order_numbers[0]
    code, out = _run(
        capsys,
        "orders",
        "reject",
        third,
        "--reason",
        "unpaid invoices",
        "--database",
        db_url,
        *boss,
        "--json",
    )
    assert code == 0 and out == {  # type: ignore[comparison-overlap]
        "order": third,
        "approved": False,
        "status": "cancelled",
        "units_released": 5,
    }
    code, out = _run(capsys, "orders", "held", "--database", db_url)
    assert code == 0 and "no order waits" in str(out)


def test_carts_list_and_sweep_from_the_command_line(
    floor: Floor, db_url: str, wms_pin: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from wms_terminal.core.cart_holds import hold_cart
    from wms_terminal.core.models import CartHold
    from wms_terminal.core.models._base import utcnow

    boss = floor.actors["boss"]
    hold_cart(floor.db, boss, channel="web", cart="cli-1", lines=[(floor.sku(6), 50)])
    waiting = import_orders(floor.db, [f.order("B1", [(floor.sku(6), 3)])], actor=SYSTEM)
    code, rows = _run(capsys, "carts", "list", "--json", "--database", db_url)
    assert code == 0 and [(r["cart"], r["status"], r["lines"]) for r in rows] == [  # type: ignore[index,union-attr]
        ("cli-1", "active", [{"sku": floor.sku(6), "qty": 50}])
    ]
    with floor.db.transaction() as s:
        s.execute(update(CartHold).values(expires_at=utcnow() - timedelta(seconds=5)))
    code, _err = _run(capsys, "carts", "sweep", "--once", "--database", db_url)
    assert code == 6  # who sweeps: refused without a badge
    code, out = _run(
        capsys, "carts", "sweep", "--once", "--database", db_url, "--badge", floor.badges["boss"]
    )
    assert code == 0 and "1 expired cart hold(s) ended, 1 back-order(s) served" in str(out)
    assert _hold(floor, waiting.order_numbers[0]) == ("reserved", "")
    code, out = _run(capsys, "carts", "list", "--database", db_url)
    assert code == 0 and "no cart holds stock" in str(out)


def test_stock_levels_show_what_carts_hold(
    floor: Floor, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from wms_terminal.core.cart_holds import hold_cart

    hold_cart(floor.db, floor.actors["boss"], channel="web", cart="s-1", lines=[(floor.sku(7), 12)])
    code, rows = _run(
        capsys, "stock", "levels", "--sku", floor.sku(7), "--json", "--database", db_url
    )
    assert code == 0 and rows == [  # type: ignore[comparison-overlap]
        {
            "sku": floor.sku(7),
            "warehouse": "MAIN",
            "on_hand": 50,
            "available": 38,
            "held_in_carts": 12,
        }
    ]
    code, out = _run(capsys, "stock", "levels", "--sku", floor.sku(7), "--database", db_url)
    assert code == 0 and "in carts" in str(out) and " 38       12" in str(out)
