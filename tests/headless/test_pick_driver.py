"""`wms-terminal pick --headless`: whole pick lists by lines on stdin, JSON lines on stdout, on
both backends; sign-in, every exception by command barcode, junk input, EOF and resuming."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories as f
from tests.picking.conftest import Floor, build_floor
from tests.picking.helpers import rows, scalar
from wms_terminal.core.db import Database
from wms_terminal.core.invariants import check
from wms_terminal.core.models import UserRole
from wms_terminal.headless.picker import Options
from wms_terminal.picking import messages as M

from .robot import InThread, Process, Robot


@pytest.fixture
def floor(db: Database) -> Floor:
    return build_floor(db)


def _on_hand(db: Database) -> dict[int, int]:
    got = rows(db, "SELECT product_id, SUM(on_hand) FROM stock GROUP BY product_id")
    return {int(p): int(q) for p, q in got}


def _in_thread(floor: Floor, who: str = "pat", *, tote_base: int = 0, **kw: Any) -> Robot:
    opts = Options(terminal=f"hl-{who}", badge=floor.badges[who], pin=f.CLI_PIN, **kw)
    return Robot(InThread(floor.db, opts), tote_base=tote_base)


def test_a_picker_works_whole_lists_through_the_subprocess(floor: Floor, db_url: str) -> None:
    floor.order([(1, 2), (3, 1), (6, 1)])
    floor.order([(5, 3), (2, 1)])
    floor.release()
    before = _on_hand(floor.db)
    robot = Robot(Process(db_url, floor.badges["pat"], f.CLI_PIN), tote_base=100)
    first = robot.until_prompt()
    assert robot.events[0] == {"event": "ok", "message": "Signed in: pat (picker)\nList 1: 3 picks"}
    assert (first["expect"], first["line"], first["lines"]) == ("location", 1, 3)
    # Junk as a wedge or a serial line may send it: each line one error, the JSON intact.
    for junk in (b"\x00\x1b[2J\x07", b"\xff\xfe\xc3", b"", b"\x1b]0;pwned\x07", b"]C1\x1d\x1d"):
        event = robot.send(junk)
        assert robot.events[-2]["event"] == "error", (junk, robot.events[-2])
        assert event == first
    done = robot.work()
    assert done == {"event": "done", "message": M.PROMPT_NO_WORK}
    io = robot.io
    assert io.close() == 0 and isinstance(io, Process) and io.stderr == ""

    # Every line picked once, from the location the prompt named, with the product it named.
    tasks = rows(floor.db, "SELECT status, qty, qty_picked, product_id FROM pick_task")
    assert len(tasks) == 5 and all(t[0] == "picked" and t[1] == t[2] for t in tasks)
    after = _on_hand(floor.db)
    assert {p: before[p] - after[p] for p in before if before[p] != after[p]} == {
        1: 2,
        2: 1,
        3: 1,
        5: 3,
        6: 1,
    }
    assert check(floor.db) == []
    prompts = [e for e in robot.events if e["event"] == "prompt"]
    codes = {loc.code: loc.barcode for loc in floor.face.values()}
    gtins = {p.sku: floor.gtin(n) for n, p in floor.products.items()}
    for p in prompts:
        if p["expect"] == "location":
            assert p["barcode"] == codes[p["location"]]
        if p["expect"] in ("product", "quantity"):
            assert p["barcode"] == gtins[p["sku"]]
    # Progress: line n of N and the metres left shrink along each list's route.
    for lid in robot.lists():
        at = {p["line"]: p for p in prompts if p.get("list") == lid and p["expect"] == "location"}
        assert list(at) == list(range(1, at[1]["lines"] + 1))
        metres = [p["metres_left"] for p in at.values()]
        assert metres == sorted(metres, reverse=True) and metres[-1] > 0


def test_signing_in_on_stdin(floor: Floor) -> None:
    robot = Robot(InThread(floor.db, Options(terminal="hl")))
    assert robot.until_prompt()["expect"] == "badge"
    assert robot.send("SKU-00001")["expect"] == "badge"
    assert robot.events[-2] == {"event": "error", "message": "That is not a badge: scan your badge"}
    robot.send("B-ZZZZZZZZ")
    assert robot.events[-2]["message"] == "Unknown badge B-ZZZZZZZZ: ask a supervisor"
    event = robot.send(floor.badges["pat"].lower())
    assert (event["expect"], robot.events[-2]["event"]) == ("pin", "ok")
    event = robot.send("0000")
    assert robot.events[-2] == {"event": "error", "message": "wrong PIN: 4 tries left"}
    assert (event["expect"], event["tries_left"]) == ("pin", 4)
    event = robot.send(floor.badges["quinn"])  # another badge at the PIN prompt: quinn now
    assert event["expect"] == "pin" and "tries_left" not in event
    done = robot.send(f.CLI_PIN)
    assert robot.events[-2]["message"] == "Signed in: quinn (picker)\n" + M.PROMPT_NO_WORK
    assert done["event"] == "done"
    assert robot.io.close() == 0


def test_a_user_with_several_roles_chooses_one_and_a_packer_may_not_pick(floor: Floor) -> None:
    with floor.db.transaction() as s:
        uid = floor.actors["boss"].user_id
        assert uid is not None
        s.add(UserRole(user_id=uid, role="packer"))
    robot = _in_thread(floor, "boss")
    event = robot.until_prompt()
    assert (event["expect"], event["roles"]) == ("role", ["supervisor", "packer"])
    event = robot.send("2")
    assert robot.events[-2] == {"event": "error", "message": "boss (packer) may not pick"}
    assert event["expect"] == "badge"
    robot.send(floor.badges["boss"])
    robot.send(f.CLI_PIN)
    assert robot.send("supervisor")["event"] == "done"
    assert robot.events[-2]["message"].startswith("Signed in: boss (supervisor)")
    assert robot.io.close() == 0


def test_every_exception_by_command_barcode(floor: Floor) -> None:
    floor.order([(1, 3), (3, 2), (5, 2), (6, 1), (7, 2), (4, 1)])
    floor.release()
    robot = _in_thread(floor, tote_base=200)
    event = robot.until_prompt()
    first = event["sku"]
    event = robot.send("CMD-HELP")
    assert robot.events[-2] == {"event": "ok", "message": M.HELP} and event["sku"] == first
    event = robot.send("CMD-SKIP")
    assert robot.events[-2]["message"] == M.SKIPPED and event["sku"] != first
    # Short: at the location, the count found is keyed; a count task is made.
    robot.send(event["barcode"])
    event = robot.send("CMD-SHORT")
    assert (event["expect"], event["barcode"], event["max"]) == (
        "short_quantity",
        None,
        event["qty"] - 1,
    )
    short_sku = event["sku"]
    event = robot.send("0")
    assert robot.events[-2]["message"].startswith("Short "), robot.events[-2]
    assert "count task made" in robot.events[-2]["message"] and event["sku"] != short_sku
    # Damaged: one unit written off, the rest still to pick.
    robot.send(event["barcode"])
    event = robot.send("CMD-DAMAGED")
    assert event["expect"] == "damaged_quantity" and event["max"] == event["qty"]
    event = robot.send("1")
    assert robot.events[-2]["message"].startswith("1 damaged: put in ")
    # A whole pick (the tote now in use), then FULLTOTE: the next pick asks a new tote.
    mark = len(robot.events)
    while not any(r["message"].startswith("Picked") for r in robot.results(mark)):
        event = robot.send(answer_or_tote(robot, event))
    tote = event["tote"]
    assert tote.startswith("T-MAIN-02") and event["expect"] == "location"
    robot.send(event["barcode"])
    event = robot.send("CMD-FULLTOTE")
    assert robot.events[-2]["message"] == M.fmt(M.TOTE_CLOSED, tote=tote), robot.events[-2]
    event = robot.send(event["barcode"])
    event = robot.send(str(event["qty"])) if event["expect"] == "quantity" else event
    assert (event["expect"], event["tote"], event.get("tote_new")) == ("tote", None, True)
    # EMPTY at the next location: blocked, a count made.
    while event["expect"] != "location":
        event = robot.send(answer_or_tote(robot, event))
    event = robot.send("CMD-EMPTY")
    assert robot.events[-2]["message"].startswith("Empty: location blocked, count made")
    # Give the list back, take a list again (the same one, the only one), sign out.
    lid = event["list"]
    event = robot.send("CMD-GIVEBACK")
    assert robot.events[-2]["message"] == M.fmt(M.GIVEN_BACK, list=lid)
    assert (event["expect"], event["barcode"]) == ("list", "CMD-PICK")
    assert scalar(floor.db, "SELECT claimed_by FROM pick_list WHERE id = :l", l=lid) is None
    event = robot.send("CMD-PICK")
    assert event["expect"] == "location" and event["list"] == lid
    event = robot.send("CMD-LOGOUT")
    assert robot.events[-2]["message"] == "Signed out" and event["expect"] == "badge"
    assert robot.io.close() == 0
    assert check(floor.db) == []


def answer_or_tote(robot: Robot, event: dict[str, Any]) -> str:
    if event["expect"] == "quantity":
        return str(event["qty"])
    return event["barcode"] or robot.new_tote()  # type: ignore[no-any-return]


def test_eof_ends_cleanly_and_a_new_session_goes_on_where_the_list_stood(
    floor: Floor, db_url: str
) -> None:
    floor.order([(1, 1), (3, 1), (6, 1)])
    floor.release()
    robot = Robot(Process(db_url, floor.badges["pat"], f.CLI_PIN), tote_base=300)
    event = robot.until_prompt()
    robot.send(event["barcode"])
    robot.send(robot.events[-1]["barcode"])
    event = robot.send(robot.new_tote())
    assert (event["line"], robot.events[-2]["event"]) == (2, "ok")
    io = robot.io
    assert io.close() == 0 and isinstance(io, Process) and io.stderr == ""
    again = Robot(Process(db_url, floor.badges["pat"], f.CLI_PIN))
    resumed = again.until_prompt()
    assert {k: resumed[k] for k in ("list", "line", "expect", "location", "tote")} == {
        k: event[k] for k in ("list", "line", "expect", "location", "tote")
    }
    assert again.work()["event"] == "done"
    assert again.io.close() == 0


def test_a_zone_picker_gets_lists_of_that_zone_and_enter_takes_the_next(floor: Floor) -> None:
    floor.order([(1, 1), (3, 1)])  # zone A: aisles 1-2; zone B: aisles 3-4
    floor.order([(2, 1), (4, 1)])
    floor.release("zone")
    robot = _in_thread(floor, zone="B", warehouse="MAIN", tote_base=400)
    event = robot.until_prompt()
    lid = event["list"]
    event = robot.send("CMD-GIVEBACK")
    assert (event["expect"], event["barcode"]) == ("list", "CMD-PICK")
    event = robot.send("")  # Enter at the list prompt: a list again
    assert event["expect"] == "location" and event["list"] == lid
    assert robot.work()["event"] == "done"
    aisles = {int(e["location"][:2]) for e in robot.events if e.get("expect") == "location"}
    assert aisles == {3, 4}
    assert robot.io.close() == 0
    other = _in_thread(floor, zone="Z")
    assert other.until_prompt()["expect"] == "badge"
    assert other.events[0] == {"event": "error", "message": "no zone Z in that warehouse"}
    assert other.io.close() == 0


def test_a_picker_of_no_warehouse_is_asked_which_when_there_are_several(floor: Floor) -> None:
    with floor.db.transaction() as s:
        f.warehouse(s, "EAST", 52.0, 5.0)
    floor.order([(1, 1)])
    floor.release()
    robot = _in_thread(floor)
    event = robot.until_prompt()
    assert (event["expect"], event["choices"]) == ("warehouse", ["EAST", "MAIN"])
    assert "Which warehouse?" in robot.events[-2]["message"]
    event = robot.send("WEST")  # names none: asked again
    assert robot.events[-2] == {"event": "error", "message": "no warehouse WEST"}
    assert event["expect"] == "warehouse"
    event = robot.send("main")  # keyed in lower case
    assert event["expect"] == "location" and event["location"].startswith("01")
    assert robot.send("CMD-LOGOUT")["expect"] == "badge"
    assert robot.io.close() == 0
