"""SHORT before the list has a tote: the units found go into a tote scanned first, never into
none (they used to be picked into no tote, and packing got a tote without them)."""

from __future__ import annotations

from wms_terminal.picking import messages as M
from wms_terminal.picking.flow import PickFlow

from .conftest import Floor
from .helpers import rows


def _flow(floor: Floor) -> PickFlow:
    return PickFlow(floor.db, floor.actors["pat"], warehouse_id=floor.warehouse_id)


def _short_asked(floor: Floor) -> PickFlow:
    """A list of one line of 3 units, at its location, CMD-SHORT scanned: the count asked."""
    floor.order([(1, 3)])
    floor.release()
    flow = _flow(floor)
    flow.start()
    assert flow.task is not None
    flow.scan(flow.task.location_barcode)
    flow.scan("CMD-SHORT")
    return flow


def test_units_found_on_a_short_go_into_a_tote_scanned_first(floor: Floor) -> None:
    flow = _short_asked(floor)
    view = flow.key_qty(3)  # not fewer than asked: refused, still asking
    assert (view.step, view.error) == ("short_qty", M.fmt(M.BAD_QTY, max=2))
    view = flow.key_qty(2)
    assert (view.step, view.prompt) == ("tote", M.fmt(M.PROMPT_TOTE_NEW, slot=1))
    assert rows(floor.db, "SELECT qty_picked FROM pick_task") == [(0,)]  # nothing yet
    view = flow.scan("T-MAIN-0005")
    assert not view.error and view.message.startswith("Short 1")
    picked = rows(
        floor.db,
        "SELECT pt.qty_picked, t.code, t.status FROM pick_task pt "
        "JOIN tote t ON t.id = pt.tote_id WHERE pt.qty_picked > 0",
    )
    assert [p[:2] for p in picked] == [(2, "T-MAIN-0005")]


def test_nothing_found_asks_no_tote_and_cancel_forgets_a_short(floor: Floor) -> None:
    flow = _short_asked(floor)
    assert flow.key_qty(1).step == "tote"
    view = flow.scan("CMD-CANCEL")  # back to the location; the short is not reported
    assert view.step == "location" and flow.short_found is None
    assert rows(floor.db, "SELECT status FROM pick_task") == [("open",)]
    flow.scan("CMD-SHORT")
    view = flow.key_qty(0)
    assert not view.error and view.message.startswith("Short 3"), view
    assert view.step != "tote"  # nothing found: no tote asked
