"""Nothing unapproved reaches a wave: the payment gate, payment answers, credit limits and the
manager's approval, on both backends (`core.release_rule`)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import text

from tests import factories as f
from tests.picking.conftest import WH, Floor
from wms_terminal.core.auth import SYSTEM, Actor, create_user
from wms_terminal.core.credit import approve_order, reject_order, set_credit_limit, waiting_approval
from wms_terminal.core.errors import InvalidTransition, PermissionDenied, ValidationError
from wms_terminal.core.intake import import_orders
from wms_terminal.core.invariants import check
from wms_terminal.core.order_cancel import cancel_order
from wms_terminal.core.payments import PaymentConflict, record_payment
from wms_terminal.picking.wave_batching import DEFAULT_CART
from wms_terminal.picking.wave_plan import plan_selection
from wms_terminal.picking.wave_pool import pool_options
from wms_terminal.picking.wave_release import WaveConflict, _write_in_parts
from wms_terminal.picking.wave_selection import WaveFilter


def _state(floor: Floor, number: str) -> tuple[str, str]:
    with floor.db.reading() as s:
        row = s.execute(
            text("SELECT status, release_hold FROM sales_order WHERE number = :n"), {"n": number}
        ).one()
    return str(row[0]), str(row[1])


def _import(floor: Floor, ext: str, qty: int, *, channel: str = "web", email: str = "") -> str:
    spec = f.order(ext, [(floor.sku(3), qty)], channel=channel, email=email)
    return import_orders(floor.db, [spec], actor=SYSTEM).order_numbers[0]


def _wave_numbers(floor: Floor) -> set[str]:
    with floor.db.reading() as s:
        return {
            str(n)
            for (n,) in s.execute(
                text(
                    "SELECT DISTINCT so.number FROM pick_task pt "
                    "JOIN sales_order so ON so.id = pt.order_id"
                )
            )
        }


def _manager(floor: Floor) -> Actor:
    with floor.db.transaction() as s:
        u = create_user(s, username="mia", name="Mia", role="manager", pin=f.CLI_PIN)
        assert u.id is not None
        return Actor(u.id, "mia", "manager", terminal="T-mia")


def test_a_gated_channel_waits_for_payment_until_authorised(
    floor: Floor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WMS_PAYMENT_CHANNELS", "web")
    waiting = _import(floor, "P1", 2)
    free = _import(floor, "P2", 1, channel="marketplace")
    assert _state(floor, waiting) == ("reserved", "payment")
    assert _state(floor, free) == ("reserved", "")
    assert pool_options(floor.db).releasable_orders == 1
    floor.release()
    assert _wave_numbers(floor) == {free}
    boss = floor.actors["boss"]
    # Less than the total (2 x 10.00) is refused and changes nothing.
    with pytest.raises(ValidationError, match="less than the order's total"):
        record_payment(
            floor.db,
            boss,
            number=waiting,
            outcome="authorised",
            amount=Decimal("5"),
            reference="A1",
        )
    assert _state(floor, waiting) == ("reserved", "payment")
    done = record_payment(
        floor.db,
        boss,
        number=waiting,
        outcome="authorised",
        amount=Decimal("20.00"),
        reference="A1",
    )
    assert (done.hold, done.repeated) == ("", False)
    again = record_payment(
        floor.db,
        boss,
        number=waiting,
        outcome="authorised",
        amount=Decimal("20.00"),
        reference="A1",
    )
    assert again.repeated
    with pytest.raises(PaymentConflict, match="was recorded as authorised"):
        record_payment(
            floor.db, boss, number=waiting, outcome="declined", amount=Decimal("20"), reference="A1"
        )
    with floor.db.reading() as s:
        assert s.execute(text("SELECT COUNT(*) FROM payment_authorisation")).scalar_one() == 1
    floor.release()
    assert waiting in _wave_numbers(floor)
    assert check(floor.db) == []


def test_declined_waits_then_a_retry_releases_or_a_cancel_frees_the_stock(
    floor: Floor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WMS_PAYMENT_CHANNELS", "web,phone")
    boss = floor.actors["boss"]
    retried = _import(floor, "D1", 1)
    never = _import(floor, "D2", 4)
    for number in (retried, never):
        r = record_payment(
            floor.db, boss, number=number, outcome="declined", amount=Decimal("0"), reference="X"
        )
        assert r.hold == "payment_declined"
    with pytest.raises(ValidationError, match="No orders match"):
        floor.release()  # nothing may go
    ok = record_payment(
        floor.db, boss, number=retried, outcome="authorised", amount=Decimal("10"), reference="Y"
    )
    assert ok.hold == ""
    floor.release()
    assert _wave_numbers(floor) == {retried}
    # A declined order never paid: cancelled, its 4 units free again.
    gone = cancel_order(floor.db, boss, number=never, reason="payment declined")
    assert gone.units_released == 4
    assert _state(floor, never)[0] == "cancelled"
    with pytest.raises(InvalidTransition, match="cancelled"):
        record_payment(
            floor.db, boss, number=never, outcome="authorised", amount=Decimal("40"), reference="Z"
        )
    # Declined after release: the floor has it; the answer is refused, nothing recorded.
    with pytest.raises(InvalidTransition, match="on the floor"):
        record_payment(
            floor.db, boss, number=retried, outcome="declined", amount=Decimal("0"), reference="W"
        )
    assert check(floor.db) == []


def test_an_order_held_between_planning_and_release_stops_the_release(
    floor: Floor, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = _import(floor, "H1", 1)
    boss = floor.actors["boss"]
    with floor.db.reading() as s:
        sel, plan = plan_selection(
            s, WaveFilter(warehouse=WH), "per-order", "s-shape", DEFAULT_CART, ()
        )
    assert plan.order_numbers == (number,)
    record_payment(
        floor.db, boss, number=number, outcome="declined", amount=Decimal("0"), reference="late"
    )
    with pytest.raises(WaveConflict):
        _write_in_parts(floor.db, boss, sel, plan)
    assert _wave_numbers(floor) == set()
    assert _state(floor, number) == ("reserved", "payment_declined")


def test_an_order_over_the_credit_limit_waits_for_a_manager(floor: Floor) -> None:
    mia = _manager(floor)
    boss = floor.actors["boss"]
    first = _import(floor, "C1", 2, email="buyer@acme.example")  # 20.00 EUR
    with pytest.raises(PermissionDenied):
        set_credit_limit(floor.db, boss, customer="buyer@acme.example", limit=Decimal("25"))
    limit = set_credit_limit(floor.db, mia, customer="buyer@acme.example", limit=Decimal("25"))
    assert limit.exposure_eur == Decimal("20.00")
    over = _import(floor, "C3", 1, email="buyer@acme.example")  # 20 + 10 > 25
    rejected = _import(floor, "C4", 3, email="buyer@acme.example")
    assert _state(floor, first) == ("reserved", "")
    assert _state(floor, over) == ("reserved", "credit")
    assert _state(floor, rejected) == ("reserved", "credit")
    inbox = waiting_approval(floor.db)
    assert [(a.number, a.exposure_eur, a.limit_eur) for a in inbox] == [
        (over, Decimal("20.00"), Decimal("25")),
        (rejected, Decimal("20.00"), Decimal("25")),
    ]
    floor.release()
    assert _wave_numbers(floor) == {first}
    # Payment does not lift a credit hold; a supervisor may not approve.
    with pytest.raises(PermissionDenied):
        approve_order(floor.db, boss, number=over)
    approve_order(floor.db, mia, number=over, note="paid by bank transfer")
    assert _state(floor, over) == ("reserved", "")
    with pytest.raises(InvalidTransition, match="does not wait"):
        approve_order(floor.db, mia, number=over)
    decision = reject_order(floor.db, mia, number=rejected, reason="over limit")
    assert decision.cancelled is not None and decision.cancelled.units_released == 3
    assert _state(floor, rejected) == ("cancelled", "credit_rejected")
    floor.release()
    assert _wave_numbers(floor) == {first, over}
    with floor.db.reading() as s:
        actions = [
            a
            for (a,) in s.execute(
                text("SELECT action FROM audit_log WHERE action LIKE 'order_credit%' ORDER BY id")
            )
        ]
    assert actions == ["order_credit_approved", "order_credit_rejected"]
    assert check(floor.db) == []


def test_check_reports_an_unapproved_order_on_a_wave(floor: Floor) -> None:
    number = _import(floor, "U1", 1)
    floor.release()
    with floor.db.transaction() as s:
        s.execute(
            text("UPDATE sales_order SET release_hold = 'credit' WHERE number = :n"), {"n": number}
        )
    problems = [p for p in check(floor.db) if p.kind == "unapproved_on_wave"]
    assert len(problems) == 1 and number in problems[0].detail


def test_an_unknown_channel_in_the_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from wms_terminal.config import payment_channels
    from wms_terminal.core.errors import ConfigurationError

    monkeypatch.setenv("WMS_PAYMENT_CHANNELS", "web, marketplace")
    assert payment_channels() == {"web", "marketplace"}
    monkeypatch.setenv("WMS_PAYMENT_CHANNELS", "web,fax")
    with pytest.raises(ConfigurationError, match="WMS_PAYMENT_CHANNELS must be like"):
        payment_channels()
