"""`wave list|show|cancel` and `picklist list|show|release|reassign` on both backends: the cancel
paths walked (orders back to reserved with their reservations, lists cancelled, the orders
releasable again; picked units put back and put away, the order served again), a wave with a
finished list refused, pickers refused."""

from __future__ import annotations

import json

import pytest

from wms_terminal.cli import main
from wms_terminal.picking import service

from .conftest import Floor
from .helpers import rows, scalar


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _release(floor: Floor, db_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    code, out, err = _run(
        capsys, "wave", "release", "--database", db_url, "--badge", floor.badges["boss"], "--json"
    )
    assert code == 0, err
    return str(json.loads(out)["wave"])


def test_cancel_a_wave_nobody_picked_from(floor: Floor, db_url: str, wms_pin: str, capsys):
    first = floor.order([(1, 2), (3, 1)])
    second = floor.order([(4, 1)])
    reserved_before = rows(floor.db, "SELECT id, qty, status FROM reservation ORDER BY id")
    wave = _release(floor, db_url, capsys)
    db = ["--database", db_url]

    code, out, _ = _run(capsys, "wave", "list", *db, "--json")
    [row] = json.loads(out)
    assert (row["number"], row["status"], row["orders"], row["lists"]) == (
        wave,
        "released",
        2,
        {"open": 2},
    )
    code, out, _ = _run(capsys, "wave", "show", wave, *db, "--json")
    shown = json.loads(out)
    assert shown["order_numbers"] == sorted([first, second])
    lists = [p["id"] for p in shown["pick_lists"]]
    assert len(lists) == 2
    code, out, _ = _run(capsys, "wave", "show", wave, *db)
    assert first in out and "pick lists:" in out

    # A picker claims one list; a picker may not cancel.
    pat = floor.actors["pat"]
    claimed = service.claim_next(floor.db, pat, warehouse_id=floor.warehouse_id)
    assert claimed in lists
    code, _, err = _run(capsys, "wave", "cancel", wave, *db, "--badge", floor.badges["pat"])
    assert code == 6 and "may not release wave" in err
    code, _, err = _run(capsys, "wave", "cancel", wave, *db)
    assert code == 6 and "--badge" in err

    code, out, _ = _run(
        capsys, "wave", "cancel", wave, *db, "--badge", floor.badges["boss"], "--json"
    )
    assert code == 0
    assert json.loads(out) == {
        "number": wave,
        "orders": 2,
        "pick_lists": 2,
        "totes_freed": 0,
        "units_put_back": 0,
        "put_back_location": "",
        "putaway_task_ids": [],
        "totes_to_empty": [],
    }
    # Orders back to reserved, their reservations untouched, lists and tasks cancelled.
    assert scalar(floor.db, "SELECT COUNT(*) FROM sales_order WHERE status = 'reserved'") == 2
    assert rows(floor.db, "SELECT id, qty, status FROM reservation ORDER BY id") == reserved_before
    assert rows(floor.db, "SELECT DISTINCT status FROM pick_list") == [("cancelled",)]
    assert rows(floor.db, "SELECT DISTINCT status FROM pick_task") == [("cancelled",)]
    code, out, _ = _run(capsys, "picklist", "list", *db, "--wave", wave, "--json")
    assert {r["status"] for r in json.loads(out)} == {"cancelled"}
    assert service.claim_next(floor.db, pat, warehouse_id=floor.warehouse_id) is None
    # Cancelled once is final; the orders can go out in a new wave.
    code, _, err = _run(capsys, "wave", "cancel", wave, *db, "--badge", floor.badges["boss"])
    assert code == 1 and "is cancelled: nothing to cancel" in err
    again = _release(floor, db_url, capsys)
    assert again != wave
    assert scalar(floor.db, "SELECT COUNT(*) FROM sales_order WHERE status = 'released'") == 2
    with floor.db.reading() as s:
        from sqlmodel import select

        from wms_terminal.core.models import AuditEntry

        audit = s.exec(select(AuditEntry).where(AuditEntry.action == "wave_cancelled")).one()
    assert audit.user_id == floor.actors["boss"].user_id


def test_a_wave_with_picks_is_cancelled_and_its_picked_units_go_back_to_the_shelves(
    floor: Floor, db_url: str, wms_pin: str, capsys
):
    from wms_terminal.core.invariants import check
    from wms_terminal.core.move_tasks import claim_next, do_task
    from wms_terminal.picking.claims import get_list

    from .helpers import stock

    number = floor.order([(3, 2), (4, 1)])
    wave = _release(floor, db_url, capsys)
    pat = floor.actors["pat"]
    lid = service.claim_next(floor.db, pat, warehouse_id=floor.warehouse_id)
    assert lid is not None
    three = next(t for t in get_list(floor.db, lid).tasks if t.sku == floor.sku(3))
    r = service.confirm_pick(
        floor.db, pat, scan_id="s1", task_id=three.task_id, qty=2, tote="T-MAIN-0061"
    )
    assert r.accepted, r
    face3, pid3 = floor.face[3].id, floor.products[3].id
    assert stock(floor.db, face3, pid3) == (48, 0)

    code, out, err = _run(
        capsys, "wave", "cancel", wave, "--database", db_url, "--badge", floor.badges["boss"],
        "--reason", "wrong cut-off", "--json",
    )  # fmt: skip
    assert code == 0, err
    got = json.loads(out)
    dock = got["put_back_location"]
    assert (got["orders"], got["pick_lists"], got["totes_freed"]) == (1, 1, 1)
    assert (got["units_put_back"], got["totes_to_empty"]) == (2, ["T-MAIN-0061"])
    assert len(got["putaway_task_ids"]) == 1
    # The picked units are back in the books, waiting at the dock, and not reservable there;
    # the order gives them up and keeps its other reservation, and takes two free units on the
    # shelf at once (not waiting for the put-away).
    (dock_id,) = rows(floor.db, "SELECT id FROM location WHERE code = :c", c=dock)[0]
    assert stock(floor.db, dock_id, pid3) == (2, 0)
    assert stock(floor.db, face3, pid3) == (48, 2)
    assert scalar(floor.db, "SELECT status FROM sales_order") == "reserved"
    assert rows(floor.db, "SELECT DISTINCT status, qty_picked FROM pick_task") == [("cancelled", 0)]
    assert scalar(floor.db, "SELECT status FROM tote WHERE code = 'T-MAIN-0061'") == "free"
    assert scalar(floor.db, "SELECT status FROM wave") == "cancelled"
    assert check(floor.db) == []
    audit = rows(
        floor.db, "SELECT reason FROM stock_ledger WHERE kind = 'put_back' AND location_id = :l",
        l=dock_id,
    )  # fmt: skip
    assert audit == [(f"put back: wave {wave} cancelled",)]

    # The put-away takes them back to the shelf: free stock, no order waits for it.
    task = claim_next(floor.db, pat, warehouse_id=floor.warehouse_id, kind="putaway")
    assert task is not None and task.id == got["putaway_task_ids"][0]
    done = do_task(
        floor.db, pat, task_id=task.id, from_location=task.from_barcode or "",
        item=floor.gtin(3), qty=2, to_location=task.to_barcode,
    )  # fmt: skip
    assert done.backorders_filled == ()
    assert scalar(floor.db, "SELECT status FROM sales_order WHERE number = :n", n=number) == (
        "reserved"
    )
    assert stock(floor.db, dock_id, pid3) == (0, 0) and stock(floor.db, face3, pid3) == (50, 2)
    assert check(floor.db) == []
    again = _release(floor, db_url, capsys)  # and it can go out in a new wave
    assert again != wave


def test_a_wave_with_a_finished_list_is_not_cancelled(
    floor: Floor, db_url: str, wms_pin: str, capsys
):
    floor.order([(1, 2)])
    wave = _release(floor, db_url, capsys)
    pat = floor.actors["pat"]
    lid = service.claim_next(floor.db, pat, warehouse_id=floor.warehouse_id)
    assert lid is not None
    task = scalar(floor.db, "SELECT id FROM pick_task WHERE pick_list_id = :l", l=lid)
    service.confirm_pick(floor.db, pat, scan_id="s1", task_id=task, qty=2, tote="T-MAIN-0062")
    code, _, err = _run(
        capsys, "wave", "cancel", wave, "--database", db_url, "--badge", floor.badges["boss"]
    )
    assert code == 1 and f"pick list(s) {lid} are done" in err
    assert scalar(floor.db, "SELECT status FROM wave") == "released"
    assert scalar(floor.db, "SELECT status FROM pick_list") == "done"


def test_picklist_show_release_and_reassign(floor: Floor, db_url: str, wms_pin: str, capsys):
    floor.order([(1, 1), (2, 1)])
    _release(floor, db_url, capsys)
    db = ["--database", db_url]
    pat, quinn = floor.actors["pat"], floor.actors["quinn"]
    lid = service.claim_next(floor.db, pat, warehouse_id=floor.warehouse_id)
    code, out, _ = _run(capsys, "picklist", "show", str(lid), *db, "--json")
    shown = json.loads(out)
    assert shown["status"] == "claimed" and shown["claimed_by"] == "pat"
    assert [t["sku"] for t in shown["tasks"]] and all(t["status"] == "open" for t in shown["tasks"])
    # quinn may not give back pat's list; a supervisor reassigns it to quinn.
    code, _, err = _run(
        capsys, "picklist", "release", str(lid), *db, "--badge", floor.badges["quinn"]
    )
    assert code == 6 and "only its picker or a supervisor" in err
    code, _, err = _run(
        capsys,
        "picklist",
        "reassign",
        str(lid),
        "--to",
        "quinn",
        *db,
        "--badge",
        floor.badges["pat"],
    )
    assert code == 6
    code, out, _ = _run(
        capsys,
        "picklist",
        "reassign",
        str(lid),
        "--to",
        "quinn",
        "--json",
        *db,
        "--badge",
        floor.badges["boss"],
    )
    assert code == 0 and json.loads(out)["claimed_by"] == "quinn"
    assert service.claim_next(floor.db, quinn, warehouse_id=floor.warehouse_id) == lid
    # quinn gives it back: open again, claimed by the next picker.
    code, out, _ = _run(
        capsys, "picklist", "release", str(lid), *db, "--badge", floor.badges["quinn"]
    )
    assert code == 0 and "given back" in out
    assert scalar(floor.db, "SELECT status FROM pick_list WHERE id = :l", l=lid) == "open"
    code, _, err = _run(capsys, "picklist", "show", "999", *db)
    assert code == 1 and "no pick list 999" in err
