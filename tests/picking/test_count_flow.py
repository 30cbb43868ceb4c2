"""The count flow driven by scans as a terminal would, and `wms-terminal count` / `stock adjust`."""

from __future__ import annotations

import json

import pytest

from tests.factories import CLI_PIN
from wms_terminal.cli import main
from wms_terminal.core.codes import Command
from wms_terminal.picking.count_flow import CountFlow

from .conftest import Floor
from .helpers import count_task, scalar, stock


def _flow(floor: Floor, who: str) -> CountFlow:
    return CountFlow(
        floor.db, floor.actors[who], warehouse_id=floor.warehouse_id, recount_threshold=5
    )


def test_count_flow_scans_location_item_and_quantity_blind(floor: Floor):
    count_task(floor, 4)
    flow = _flow(floor, "pat")
    view = flow.start()
    assert view.step == "location" and view.location == "04-04-1L"
    assert view.prompt == "Count at 04-04-1L: scan it"
    # The counter never sees the system's quantity.
    assert "50" not in " ".join(str(v) for v in view.__dict__.values())
    wrong = flow.scan(floor.face[5].barcode)
    assert wrong.step == "location" and wrong.error.startswith("Wrong location")
    assert flow.scan(floor.face[4].barcode).step == "item"
    assert flow.scan(floor.gtin(5)).error.startswith("Wrong item")
    view = flow.scan(floor.gtin(4))
    assert view.step == "qty" and view.prompt == "Key units of SKU-00004 on shelf"
    assert flow.scan(floor.gtin(4)).error == "Key the quantity, not a scan"
    view = flow.key_qty(48)
    assert view.step == "idle" and view.message.startswith("Stock -2: adjusted"), view
    assert "04-04-1L open for picking again" in view.message
    assert stock(floor.db, floor.face[4].id, floor.products[4].id) == (48, 0)
    assert flow.command(Command.DONE).message == "No count waiting. Try later"


def test_second_count_goes_to_another_counter_and_empty_counts_zero(floor: Floor):
    cid = count_task(floor, 6)
    pat = _flow(floor, "pat")
    pat.start()
    pat.scan(floor.face[6].barcode)
    view = pat.command(Command.EMPTY)
    assert view.message == "Noted: a second count is asked" and view.step == "idle"
    assert pat.start().message == "No count waiting. Try later"
    quinn = _flow(floor, "quinn")
    view = quinn.start()
    assert view.count_id == cid and view.second
    quinn.scan(floor.face[6].barcode)
    view = quinn.command(Command.EMPTY)
    assert view.message.startswith("Stock -50: adjusted"), view
    assert stock(floor.db, floor.face[6].id, floor.products[6].id) == (0, 0)


def test_cancel_gives_the_count_back(floor: Floor):
    cid = count_task(floor, 5)
    pat = _flow(floor, "pat")
    assert pat.start().count_id == cid
    assert pat.command(Command.CANCEL).message == "Count given back"
    assert scalar(floor.db, "SELECT status FROM count_task") == "open"
    assert _flow(floor, "quinn").start().count_id == cid


def _badge(floor: Floor, who: str) -> str:
    return floor.badges[who]


def test_count_and_stock_commands(floor: Floor, db_url: str, capsys, monkeypatch):
    cid = count_task(floor, 4)
    assert main(["count", "list", "--database", db_url, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["counts"]
    assert [(c["count_id"], c["status"], c["location_code"]) for c in listed] == [
        (cid, "open", "04-04-1L")
    ]
    assert main(["count", "show", str(cid), "--database", db_url]) == 0
    assert "04-04-1L" in capsys.readouterr().out
    # Changing data needs a badge and its PIN.
    assert main(["count", "do", str(cid), "--qty", "49", "--database", db_url]) == 6
    assert "--badge" in capsys.readouterr().err
    monkeypatch.setenv("WMS_PIN", CLI_PIN)
    pat = _badge(floor, "pat")
    code = main(
        ["count", "do", str(cid), "--qty", "49", "--badge", pat, "--database", db_url, "--json"]
    )
    res = capsys.readouterr()
    assert code == 0, res.err
    out = json.loads(res.out)
    assert out["accepted"] and out["data"]["diff"] == -1, out
    assert stock(floor.db, floor.face[4].id, floor.products[4].id) == (49, 0)
    # A picker may not adjust stock; a supervisor may, with a reason code.
    adjust = [
        "stock",
        "adjust",
        "--location",
        "04-04-1L",
        "--sku",
        floor.sku(4),
        "--set",
        "45",
        "--reason",
        "lost",
        "--database",
        db_url,
    ]
    assert main([*adjust, "--badge", pat]) == 6
    assert "may not adjust stock" in capsys.readouterr().err
    assert main([*adjust, "--badge", _badge(floor, "boss"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["after"] == 45
    assert stock(floor.db, floor.face[4].id, floor.products[4].id) == (45, 0)
    # Cancel: supervisor only, with a reason.
    cid2 = count_task(floor, 5)
    assert (
        main(["count", "cancel", str(cid2), "--reason", "x", "--badge", pat, "--database", db_url])
        == 6
    )
    capsys.readouterr()
    assert (
        main(
            [
                "count",
                "cancel",
                str(cid2),
                "--reason",
                "raised twice",
                "--badge",
                _badge(floor, "boss"),
                "--database",
                db_url,
            ]
        )
        == 0
    )
    assert "cancelled" in capsys.readouterr().out
    assert main(["count", "show", "999", "--database", db_url]) == 1
    assert "no count task 999" in capsys.readouterr().err


@pytest.mark.parametrize("bad", [["--set", "-1"], ["--by", "x"]])
def test_stock_adjust_bad_numbers_are_clean_errors(floor: Floor, db_url: str, capsys, bad):
    argv = ["stock", "adjust", "--location", "04-04-1L", "--sku", floor.sku(4), *bad]
    try:
        code = main([*argv, "--reason", "lost", "--database", db_url])
    except SystemExit as exit_:  # argparse refuses what is not a number
        code = int(exit_.code or 0)
    assert code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_command_barcodes_read_the_same_in_the_count_and_pick_flows(floor: Floor):
    """One prologue for both flows: a command label is a command at any step (Caps Lock read
    too), one that is none of ours is refused by name, and neither reaches the step."""
    from wms_terminal.picking import messages as M
    from wms_terminal.picking.flow import PickFlow

    count_task(floor, 4)
    counter = _flow(floor, "pat")
    counter.start()
    assert counter.scan("CMD-NOPE").error == M.UNKNOWN_COMMAND
    assert counter.scan("cmd-help").message == "EMPTY (nothing there) CANCEL DONE"
    assert counter.view().step == "location"  # neither scan moved the count on
    picker = PickFlow(floor.db, floor.actors["pat"], warehouse_id=floor.warehouse_id)
    assert picker.scan("CMD-NOPE").error == M.UNKNOWN_COMMAND
    assert picker.scan("cmd-help").message == M.HELP
    assert counter.scan("CMD-CANCEL").message == M.COUNT_RELEASED
    assert counter.view().step == "idle"
