"""Scanning a pick list's printed sheet (PL-<id>) claims that list: free, taken, closed, another
warehouse's, or while another list is in hand."""

from __future__ import annotations

from sqlalchemy import text

from wms_terminal.core.codes import pick_list_code, pick_list_id
from wms_terminal.picking import messages as M
from wms_terminal.picking.flow import PickFlow, Step

from .conftest import Floor
from .helpers import scalar


def _flow(floor: Floor, who: str) -> PickFlow:
    return PickFlow(floor.db, floor.actors[who], warehouse_id=floor.warehouse_id)


def test_the_sheet_code_reads_in_any_case_and_nothing_else_is_one() -> None:
    assert pick_list_code(42) == "PL-42" and pick_list_id("pl-42 ") == 42
    assert pick_list_id("PL-0") is None and pick_list_id("PL-4x") is None
    assert pick_list_id("L-MAIN-01-01-1L") is None


def test_a_scanned_sheet_claims_that_list_not_the_most_urgent(floor: Floor) -> None:
    floor.order([(1, 1)])
    floor.order([(3, 1)])
    wave = floor.release()
    first, second = sorted(wave.pick_list_ids)
    pat, quinn = _flow(floor, "pat"), _flow(floor, "quinn")
    view = pat.scan(pick_list_code(second).lower())
    assert view.pick_list_id == second and view.step == Step.LOCATION.value, view
    assert view.message == M.fmt(M.OK_CLAIMED, list=second, tasks=1)
    owner = scalar(floor.db, "SELECT claimed_by FROM pick_list WHERE id = :l", l=second)
    assert owner == floor.actors["pat"].user_id
    # Taken: another picker is refused and nothing changes.
    refused = quinn.scan(pick_list_code(second))
    assert refused.error == M.fmt(M.LIST_TAKEN, list=second) and quinn.step is Step.IDLE
    # In hand: another sheet waits until this list is finished or given back.
    assert pat.scan(pick_list_code(first)).error == M.fmt(M.FINISH_LIST_FIRST, list=second)
    assert pat.pick_list is not None and pat.pick_list.pick_list_id == second
    # Scanning your own list's sheet again at the start: carry on with it.
    again = _flow(floor, "pat").scan(pick_list_code(second))
    assert again.pick_list_id == second and not again.error
    assert _flow(floor, "quinn").scan("PL-999999").error == M.fmt(M.NO_SUCH_LIST, list=999999)


def test_a_finished_list_sheet_is_refused(floor: Floor) -> None:
    floor.order([(1, 1)])
    (lid,) = floor.release().pick_list_ids
    with floor.db.transaction() as s:
        s.execute(text("UPDATE pick_list SET status = 'cancelled' WHERE id = :l"), {"l": lid})
    assert _flow(floor, "pat").scan(pick_list_code(lid)).error == M.fmt(M.LIST_NOT_OPEN, list=lid)


def test_signing_in_again_shows_the_list_the_next_claim_carries_on_with(floor: Floor) -> None:
    """The screen's check for a held list and the claim's resume are one rule: the oldest claim
    in this warehouse (two held at once after a supervisor's reassignment, say)."""
    from datetime import datetime

    from wms_terminal.picking import service
    from wms_terminal.picking.picker_session import held_list

    floor.order([(1, 1)])
    floor.order([(3, 1)])
    first, second = sorted(floor.release().pick_list_ids)
    pat = floor.actors["pat"]
    assert held_list(floor.db, pat, floor.warehouse_id) is None
    with floor.db.transaction() as s:
        for lid, at in ((second, datetime(2026, 1, 1, 8)), (first, datetime(2026, 1, 1, 9))):
            s.execute(
                text(
                    "UPDATE pick_list SET status = 'claimed', claimed_by = :u, claimed_at = :t "
                    "WHERE id = :l"
                ),
                {"u": pat.user_id, "t": at, "l": lid},
            )
    assert held_list(floor.db, pat, floor.warehouse_id) == second
    assert service.claim_next(floor.db, pat, warehouse_id=floor.warehouse_id) == second
    assert _flow(floor, "pat").start().pick_list_id == second
    assert held_list(floor.db, pat, floor.warehouse_id + 1000) is None
