"""`wms-terminal po ...`, `tasks ...` and `orders cancel` as an operator runs them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import select

from tests import factories as f
from tests.core.stockyard import Yard, build, ledger_matches_stock
from wms_terminal.cli import main
from wms_terminal.core.auth import SYSTEM
from wms_terminal.core.db import Database
from wms_terminal.core.intake import import_orders
from wms_terminal.core.models import SalesOrder
from wms_terminal.core.reorder import check_reorder_points


@pytest.fixture
def yard(db: Database, wms_pin: str) -> Yard:
    return build(db)


@pytest.fixture
def badges(yard: Yard) -> dict[str, list[str]]:
    with yard.db.transaction() as s:
        return {
            "boss": f.cli_user(s, "boss", "supervisor"),
            "pam": f.cli_user(s, "pam", "picker"),
            "kim": f.cli_user(s, "kim", "packer"),
        }


def _run(capsys: Any, db_url: str, *args: str) -> tuple[int, Any, str]:
    code = main([*args, "--database", db_url])
    out, err = capsys.readouterr()
    try:
        data = json.loads(out) if out.strip() else None
    except json.JSONDecodeError:
        data = out
    return code, data, err


def test_purchase_order_from_list_to_received_on_the_command_line(
    yard: Yard, badges: dict[str, list[str]], db_url: str, capsys: Any
):
    (po,) = yard.db.run(
        lambda s: check_reorder_points(
            s, warehouse_id=yard.wh, product_ids=[yard.product[3]], actor=SYSTEM
        )
    )
    code, listed, _ = _run(capsys, db_url, "po", "list", "--status", "live", "--json")
    assert code == 0 and [p["number"] for p in listed] == [po.number]

    # Without a badge nothing is received.
    code, _, err = _run(capsys, db_url, "po", "receive", po.number, "--all", "--json")
    assert code == 6 and "--badge" in err
    # A packer may not receive.
    code, _, err = _run(capsys, db_url, "po", "receive", po.number, "--all", *badges["kim"])
    assert code == 6 and "may not receive" in err
    # Wrong item: a message, exit 2, nothing received.
    code, _, err = _run(
        capsys, db_url, "po", "receive", po.number, "--item", yard.gtin(1), "--qty", "2",
        *badges["pam"],
    )  # fmt: skip
    assert code == 2 and "SKU-00001 is not on" in err and "Traceback" not in err
    code, shown, _ = _run(capsys, db_url, "po", "show", po.number, "--json")
    assert shown["status"] == "open" and shown["lines"][0]["qty_received"] == 0

    code, got, _ = _run(
        capsys, db_url, "po", "receive", po.number, "--item", yard.gtin(3), "--qty", "4",
        "--json", *badges["pam"],
    )  # fmt: skip
    assert code == 0 and got["purchase_order"]["status"] == "partially_received"
    assert got["location"] == "01-01-0L" and len(got["putaway_tasks"]) >= 1
    code, got, _ = _run(
        capsys, db_url, "po", "receive", po.number, "--all", "--json", *badges["pam"]
    )
    assert code == 0 and got["purchase_order"]["status"] == "received"
    assert got["received"] == [{"sku": "SKU-00003", "qty": 6}]
    code, text, _ = _run(capsys, db_url, "po", "show", po.number)
    assert code == 0 and "received" in text and "SKU-00003" in text

    # Put-away from the command line: claim, then do with the scans.
    code, task, _ = _run(
        capsys, db_url, "tasks", "claim", "--kind", "putaway", "--json", *badges["pam"]
    )
    assert code == 0 and task["kind"] == "putaway" and task["claimed_by"] == "pam"
    code, _, err = _run(
        capsys, db_url, "tasks", "do", str(task["id"]), "--from", "L-MAIN-01-01-0L",
        "--item", yard.gtin(2), "--qty", str(task["qty"]), "--to", yard.face[3].barcode,
        *badges["pam"],
    )  # fmt: skip
    assert code == 2 and "wrong item" in err
    code, done, _ = _run(
        capsys, db_url, "tasks", "do", str(task["id"]), "--from", "L-MAIN-01-01-0L",
        "--item", yard.gtin(3), "--qty", str(task["qty"]), "--to", task["to_location"],
        "--json", *badges["pam"],
    )  # fmt: skip
    assert code == 0 and done["task"]["status"] == "done"
    code, rows, _ = _run(capsys, db_url, "tasks", "list", "--status", "all", "--json")
    assert {r["id"]: r["status"] for r in rows}[task["id"]] == "done"
    ledger_matches_stock(yard.db)


def test_cancel_a_purchase_order_and_a_task(
    yard: Yard, badges: dict[str, list[str]], db_url: str, capsys: Any
):
    (po,) = yard.db.run(
        lambda s: check_reorder_points(
            s, warehouse_id=yard.wh, product_ids=[yard.product[3]], actor=SYSTEM
        )
    )
    code, _, err = _run(capsys, db_url, "po", "cancel", po.number, "--reason", "x", *badges["pam"])
    assert code == 6 and "may not manage purchasing" in err
    code, got, _ = _run(
        capsys, db_url, "po", "cancel", po.number, "--reason", "gone", "--json", *badges["boss"]
    )
    assert code == 0 and got["status"] == "cancelled"

    from wms_terminal.core.task_sources import replenish_if_low

    yard.db.run(
        lambda s: replenish_if_low(s, location_id=yard.face[1].id, product_id=yard.product[1])
    )
    code, claimed, _ = _run(capsys, db_url, "tasks", "claim", "--json", *badges["pam"])
    assert code == 0 and claimed["kind"] == "replenish"
    code, rel, _ = _run(
        capsys, db_url, "tasks", "release", str(claimed["id"]), "--json", *badges["pam"]
    )
    assert code == 0 and rel["claimed_by"] is None
    code, can, _ = _run(
        capsys, db_url, "tasks", "cancel", str(claimed["id"]), "--reason", "no pallet", "--json",
        *badges["boss"],
    )  # fmt: skip
    assert code == 0 and can["status"] == "cancelled"
    code, out, _ = _run(capsys, db_url, "tasks", "claim", *badges["pam"])
    assert code == 1 and "no open task" in out


def test_orders_cancel_gives_stock_to_back_orders(
    yard: Yard, badges: dict[str, list[str]], db_url: str, capsys: Any
):
    import_orders(
        yard.db,
        [f.order("HOLD", [(yard.sku(3), 1)]), f.order("WAIT", [(yard.sku(3), 1)])],
        actor=SYSTEM,
    )
    with yard.db.reading() as s:
        num = {o.external_id: o.number for o in s.exec(select(SalesOrder))}
    code, _, err = _run(capsys, db_url, "orders", "cancel", num["HOLD"], "--reason", "x")
    assert code == 6
    code, got, _ = _run(
        capsys, db_url, "orders", "cancel", num["HOLD"], "--reason", "customer", "--json",
        *badges["boss"],
    )  # fmt: skip
    assert code == 0 and got["backorders_filled"] == [num["WAIT"]]
    assert got["units_released"] == 1
    code, _, err = _run(
        capsys, db_url, "orders", "cancel", "SO-9999999", "--reason", "x", *badges["boss"]
    )
    assert code == 1 and "no order SO-9999999" in err
    ledger_matches_stock(yard.db)
