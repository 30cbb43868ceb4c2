"""Cart holds on both backends: a hold keeps its units from orders until it ends; checkout turns
it into the order's reservation; an expired hold blocks nothing, sweeper or not; and a hold that
expires while its checkout arrives is never reserved twice (real threads racing)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import text

from tests import factories as f
from tests.picking.conftest import Floor
from wms_terminal.core.auth import SYSTEM
from wms_terminal.core.cart_holds import (
    Checkout,
    cart_view,
    checkout,
    hold_cart,
    release_cart,
    sweep,
)
from wms_terminal.core.errors import InsufficientStock, InvalidTransition, ValidationError
from wms_terminal.core.intake import import_orders
from wms_terminal.core.invariants import check
from wms_terminal.core.models import CartHold
from wms_terminal.core.models._base import UTC_DATETIME, utcnow
from wms_terminal.core.order_cancel import cancel_order


def _reserved(floor: Floor, number: str) -> int:
    with floor.db.reading() as s:
        return int(
            s.execute(
                text(
                    "SELECT COALESCE(SUM(ol.qty_reserved), 0) FROM order_line ol "
                    "JOIN sales_order so ON so.id = ol.order_id WHERE so.number = :n"
                ),
                {"n": number},
            ).scalar_one()
        )


def _order(floor: Floor, ext: str, n: int, qty: int) -> str:
    spec = f.order(ext, [(floor.sku(n), qty)])
    return import_orders(floor.db, [spec], actor=SYSTEM).order_numbers[0]


def _expire(floor: Floor, cart: str) -> None:
    """Move the hold's expiry into the past (as if its time ran out)."""
    with floor.db.transaction() as s:
        hold = s.execute(text("SELECT id FROM cart_hold WHERE cart = :c"), {"c": cart}).scalar_one()
        row = s.get(CartHold, hold)
        assert row is not None
        row.expires_at = utcnow() - timedelta(seconds=1)
        s.add(row)


def test_a_hold_keeps_its_units_until_checkout_makes_them_the_order_s(floor: Floor) -> None:
    boss = floor.actors["boss"]
    view = hold_cart(floor.db, boss, channel="web", cart="c-1", lines=[(floor.sku(5), 10)])
    assert (view.status, view.warehouse, view.lines) == ("active", "MAIN", ((floor.sku(5), 10),))
    # 50 on the shelf, 10 in the cart: an order for 45 gets 40.
    other = _order(floor, "O1", 5, 45)
    assert _reserved(floor, other) == 40
    with pytest.raises(InsufficientStock, match="0 of 1 free"):
        hold_cart(floor.db, boss, channel="web", cart="c-2", lines=[(floor.sku(5), 1)])
    done = checkout(
        floor.db, boss, channel="web", cart="c-1", order=f.order("C-1", [(floor.sku(5), 10)])
    )
    assert done.created and done.hold_honoured and done.status == "reserved"
    assert _reserved(floor, done.order) == 10
    assert cart_view(floor.db, channel="web", cart="c-1").order == done.order
    again = checkout(
        floor.db, boss, channel="web", cart="c-1", order=f.order("C-1", [(floor.sku(5), 10)])
    )
    assert (again.order, again.created) == (done.order, False)
    with pytest.raises(InvalidTransition, match="checked out"):
        hold_cart(floor.db, boss, channel="web", cart="c-1", lines=[(floor.sku(5), 1)])
    assert check(floor.db) == []


def test_bad_holds_are_refused_whole(floor: Floor) -> None:
    boss = floor.actors["boss"]
    with pytest.raises(ValidationError) as err:
        hold_cart(floor.db, boss, channel="fax", cart=" x", lines=[("", 0)], ttl_s=0)
    for part in ("channel must be", "cart must be", "no SKU", "qty must be", "ttl_s must be"):
        assert part in err.value.message
    with pytest.raises(ValidationError, match="unknown SKU 'NOPE'"):
        hold_cart(floor.db, boss, channel="web", cart="x", lines=[("NOPE", 1)])
    with pytest.raises(InsufficientStock):  # the second line cannot be held: nothing is
        hold_cart(
            floor.db, boss, channel="web", cart="x", lines=[(floor.sku(6), 5), (floor.sku(7), 51)]
        )
    with floor.db.reading() as s:
        assert s.execute(text("SELECT COALESCE(SUM(reserved), 0) FROM stock")).scalar_one() == 0
        assert s.execute(text("SELECT COUNT(*) FROM cart_hold")).scalar_one() == 0


def test_an_expired_hold_blocks_nothing_and_the_sweeper_serves_back_orders(floor: Floor) -> None:
    boss = floor.actors["boss"]
    hold_cart(floor.db, boss, channel="web", cart="gone", lines=[(floor.sku(6), 50)])
    waiting = _order(floor, "W1", 6, 5)
    assert _reserved(floor, waiting) == 0  # back-ordered: the cart holds all 50
    hold_cart(floor.db, boss, channel="web", cart="late", lines=[(floor.sku(7), 50)])
    _expire(floor, "gone")
    _expire(floor, "late")
    assert cart_view(floor.db, channel="web", cart="late").status == "expired"
    # Before any sweep: a new order takes the expired cart's units.
    fresh = _order(floor, "F1", 7, 50)
    assert _reserved(floor, fresh) == 50
    swept = sweep(floor.db, boss)
    assert (swept.carts, swept.refilled) == (1, 1)  # "gone"; "late" ended by the order
    assert _reserved(floor, waiting) == 5
    assert sweep(floor.db, boss).carts == 0
    assert check(floor.db) == []


def test_a_released_cart_frees_its_units(floor: Floor) -> None:
    boss = floor.actors["boss"]
    hold_cart(floor.db, boss, channel="web", cart="r", lines=[(floor.sku(8), 20)])
    hold_cart(floor.db, boss, channel="web", cart="r", lines=[(floor.sku(8), 30)])  # replaced
    with floor.db.reading() as s:
        assert s.execute(text("SELECT SUM(qty) FROM cart_hold_line")).scalar_one() == 30
    view = release_cart(floor.db, boss, channel="web", cart="r")
    assert (view.status, view.lines) == ("released", ())
    assert _reserved(floor, _order(floor, "R1", 8, 50)) == 50
    assert check(floor.db) == []


def _race(floor: Floor, rnd: int, offset: float) -> tuple[Checkout, str]:
    """Hold all 50 units of product 4 in a cart that expires in a second; at its expiry (plus
    `offset`) its checkout, a rival order for the same 50 units and the sweeper start at once."""
    boss = floor.actors["boss"]
    cart = f"race-{rnd}"
    hold_cart(floor.db, boss, channel="web", cart=cart, lines=[(floor.sku(4), 50)], ttl_s=1)
    with floor.db.reading() as s:
        stored = s.execute(
            text("SELECT expires_at FROM cart_hold WHERE cart = :c"), {"c": cart}
        ).scalar_one()
    expiry = UTC_DATETIME.process_result_value(stored, floor.db.engine.dialect)
    assert expiry is not None
    start = threading.Barrier(3)
    out: dict[str, object] = {}

    def at_expiry() -> None:
        start.wait()
        wait = (expiry - utcnow()).total_seconds() + offset
        if wait > 0:
            time.sleep(wait)

    def do_checkout() -> None:
        at_expiry()
        spec = f.order(f"CK-{rnd}", [(floor.sku(4), 50)])
        out["checkout"] = checkout(floor.db, boss, channel="web", cart=cart, order=spec)

    def rival() -> None:
        at_expiry()
        out["rival"] = _order(floor, f"RV-{rnd}", 4, 50)

    def sweeper() -> None:
        at_expiry()
        out["swept"] = sweep(floor.db, boss)

    threads = [threading.Thread(target=t) for t in (do_checkout, rival, sweeper)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    done = out["checkout"]
    assert isinstance(done, Checkout), out
    return done, str(out["rival"])


@pytest.mark.parametrize("offset", [-0.03, -0.01, 0.0, 0.01, 0.03])
def test_a_hold_expiring_while_its_checkout_arrives_never_double_reserves(
    floor: Floor, offset: float
) -> None:
    boss = floor.actors["boss"]
    for rnd in range(3):
        done, rival = _race(floor, rnd, offset)
        mine, theirs = _reserved(floor, done.order), _reserved(floor, rival)
        # Never both: the 50 units went to the checkout or to the rival (or were shared),
        # never 100; a hold honoured at checkout kept all 50 for it.
        assert mine + theirs == 50, (mine, theirs, done)
        if done.hold_honoured:
            assert mine == 50
        with floor.db.reading() as s:
            reserved, on_hand = s.execute(
                text("SELECT SUM(reserved), SUM(on_hand) FROM stock WHERE product_id = :p"),
                {"p": floor.products[4].id},
            ).one()
        assert (int(reserved), int(on_hand)) == (50, 50)
        assert check(floor.db) == []
        for number in (done.order, rival):
            cancel_order(floor.db, boss, number=number, reason="next round")


def test_stock_found_missing_under_a_cart_takes_the_cart_s_units_first(floor: Floor) -> None:
    from wms_terminal.picking.stock_change import adjust_stock

    boss = floor.actors["boss"]
    order = _order(floor, "M1", 8, 10)
    hold_cart(floor.db, boss, channel="web", cart="m", lines=[(floor.sku(8), 40)])
    done = adjust_stock(
        floor.db,
        boss,
        location=floor.face[8].code,
        sku=floor.sku(8),
        reason_code="lost",
        qty=45,
    )
    assert done.change.after == 45 and done.change.moved == []
    assert _reserved(floor, order) == 10  # the order kept its units; the cart gave way
    assert cart_view(floor.db, channel="web", cart="m").status == "released"
    assert check(floor.db) == []
