"""`wms-terminal totes list|show|empty|release` end to end on each backend."""

from __future__ import annotations

import json

import pytest

from tests.factories import cli_user
from wms_terminal.cli import main
from wms_terminal.picking import service
from wms_terminal.picking.claims import get_list

from .conftest import Floor
from .helpers import scalar


def _one_list_picked(floor: Floor, tote: str) -> int:
    floor.order([(1, 1), (3, 1)])
    floor.release()
    pat = floor.actors["pat"]
    lid = service.claim_next(floor.db, pat, warehouse_id=floor.warehouse_id)
    assert lid is not None
    for n, task in enumerate(get_list(floor.db, lid).open_tasks):
        r = service.confirm_pick(
            floor.db,
            pat,
            scan_id=f"c{n}",
            task_id=task.task_id,
            qty=task.remaining,
            tote=tote if n == 0 else None,
        )
        assert r.accepted, r
    return lid


def test_list_show_and_empty_as_a_packer(
    floor: Floor, db_url: str, capsys, monkeypatch, wms_pin: str
):
    with floor.db.transaction() as s:
        badge = cli_user(s, "penny", "packer")
    lid = _one_list_picked(floor, "T-MAIN-0041")
    assert main(["totes", "list", "--database", db_url, "--json"]) == 0
    (tote,) = json.loads(capsys.readouterr().out)["totes"]
    assert tote["code"] == "T-MAIN-0041" and tote["status"] == "at_packing"
    assert tote["pick_list_id"] == lid and tote["units"] == 2
    assert main(["totes", "list", "--database", db_url, "--status", "free"]) == 0
    assert "no totes" in capsys.readouterr().out

    # Emptying changes state: no badge, no change.
    monkeypatch.delenv("WMS_PIN", raising=False)
    assert main(["totes", "empty", "T-MAIN-0041", "--database", db_url]) == 6
    assert "--badge" in capsys.readouterr().err
    monkeypatch.setenv("WMS_PIN", wms_pin)
    args = ["totes", "empty", "T-MAIN-0041", "--database", db_url, *badge, "--json"]
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "free"
    assert main(args) == 1
    assert "already empty" in capsys.readouterr().err

    assert main(["totes", "show", "t-main-0041", "--database", db_url, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["status"] == "free" and shown["history"][0]["action"] == "tote_emptied"
    assert shown["history"][0]["user"] == "penny"
    assert main(["totes", "show", "T-MAIN-9999", "--database", db_url]) == 1
    assert "no tote T-MAIN-9999" in capsys.readouterr().err
    assert main(["totes", "show", "L-MAIN-01-01-1L", "--database", db_url]) == 2
    assert "tote" in capsys.readouterr().err


@pytest.mark.parametrize("who, code", [("pat", 6), ("boss", 0)])
def test_release_needs_a_supervisor_and_a_reason(
    floor: Floor, db_url: str, capsys, wms_pin: str, who: str, code: int
):
    _one_list_picked(floor, "T-MAIN-0042")
    args = ["totes", "release", "T-MAIN-0042", "--database", db_url, "--badge", floor.badges[who]]
    assert main([*args, "--reason", " "]) == (6 if who == "pat" else 2)
    capsys.readouterr()
    assert main([*args, "--reason", "lost at packing", "--json"]) == code
    out, err = capsys.readouterr()
    if code:
        assert "may not release tote" in err
        assert scalar(floor.db, "SELECT status FROM tote") == "at_packing"
    else:
        assert json.loads(out)["status"] == "free"
        assert scalar(floor.db, "SELECT status FROM tote") == "free"
        detail = scalar(floor.db, "SELECT detail FROM audit_log WHERE action = 'tote_released'")
        detail = json.loads(detail) if isinstance(detail, str) else detail
        assert detail["reason"] == "lost at packing" and detail["was"] == "at_packing"


def test_release_of_a_tote_on_a_list_being_picked_names_where_its_units_went(
    floor: Floor, db_url: str, capsys, wms_pin: str
):
    floor.order([(1, 1), (3, 1)])
    floor.release()
    pat = floor.actors["pat"]
    lid = service.claim_next(floor.db, pat, warehouse_id=floor.warehouse_id)
    assert lid is not None
    task = get_list(floor.db, lid).open_tasks[0]
    r = service.confirm_pick(
        floor.db, pat, scan_id="c0", task_id=task.task_id, qty=1, tote="T-MAIN-0042"
    )
    assert r.accepted, r
    args = ["totes", "release", "T-MAIN-0042", "--database", db_url, "--badge"]
    args += [floor.badges["boss"], "--reason", "cracked"]
    assert main(args) == 1
    assert "--into" in capsys.readouterr().err
    assert scalar(floor.db, "SELECT status FROM tote WHERE code = 'T-MAIN-0042'") == "in_use"
    assert main([*args, "--into", "t-main-0043"]) == 0
    assert "its units are in T-MAIN-0043" in capsys.readouterr().out
    got = scalar(floor.db, "SELECT status FROM tote WHERE code = 'T-MAIN-0043'")
    assert got == "in_use"
