"""Demand forecast on both backends: the history read from order lines and `demand_history`,
the statsmodels fit per demand shape, reorder points from lead time and service level, the
reorder rule raising at the forecast's point, stock-health warnings on e-mail, the backtest."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from sqlalchemy import insert
from sqlmodel import select

from tests import factories as f
from wms_terminal.cli import main
from wms_terminal.core.auth import SYSTEM, Actor
from wms_terminal.core.db import Database
from wms_terminal.core.errors import PermissionDenied
from wms_terminal.core.intake import import_orders
from wms_terminal.core.models import (
    AuditEntry,
    DemandForecast,
    DemandHistory,
    Notification,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
    User,
)
from wms_terminal.core.reorder import check_reorder_points
from wms_terminal.forecast.backtest import backtest
from wms_terminal.forecast.history import read_history
from wms_terminal.forecast.methods import classify, fit_many
from wms_terminal.forecast.policy import reorder_point, z_score
from wms_terminal.forecast.run import run_forecast
from wms_terminal.notices.sender import send_due
from wms_terminal.notices.smtp import parse_smtp_url

from ..notices.conftest import SmtpServerFixture

TODAY = date(2026, 11, 30)
DAYS = 56


@dataclass
class Shop:
    db: Database
    warehouse_id: int
    ids: dict[str, int]  # sku -> product id
    badge: list[str]


def _history(db: Database, wid: int, pid: int, daily: list[int]) -> None:
    start = TODAY - timedelta(days=len(daily))
    rows = [
        {"warehouse_id": wid, "product_id": pid, "day": start + timedelta(days=i), "qty": q}
        for i, q in enumerate(daily)
        if q
    ]
    with db.transaction() as s:
        s.execute(insert(DemandHistory), rows)


@pytest.fixture
def shop(db: Database) -> Shop:
    """SKU-00001 sells 10 a day, SKU-00002 a few units one day in four, SKU-00003 never; the
    supplier delivers in 9 days. Each has 30 units free and orders of 50 when reordered."""
    with db.transaction() as s:
        f.reference_data(s)
        wh = f.warehouse(s, "WH1", 52.0, 4.5)
        assert wh.id is not None
        supplier = Supplier(code="S1", name="Supplier One", lead_time_days=9)
        s.add(supplier)
        s.flush()
        loc = f.location(s, wh, 1, 1)
        ids = {}
        for n in (1, 2, 3):
            p = f.product(s, n, reorder_point=5, reorder_qty=50)
            p.supplier_id = supplier.id
            f.put(s, loc, p, 30)
            assert p.id is not None
            ids[p.sku] = p.id
        badge = f.cli_user(s, "mona", "manager")
        wid = wh.id
    rng = np.random.default_rng(5)
    _history(db, wid, ids["SKU-00001"], [10] * (DAYS - 2))
    lumpy = [int(q) for q in (rng.random(DAYS) < 0.25) * rng.integers(1, 5, DAYS)]
    _history(db, wid, ids["SKU-00002"], lumpy)
    return Shop(db, wid, ids, badge)


def _sold_at(db: Database, ext: str, sku: str, qty: int, at: datetime) -> None:
    order = f.order(ext, [(sku, qty)])
    from dataclasses import replace

    import_orders(db, [replace(order, ordered_at=at)], actor=SYSTEM)


def test_order_lines_count_on_the_day_they_were_ordered_and_cancelled_ones_do_not(shop: Shop):
    yesterday = datetime.combine(TODAY - timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    _sold_at(shop.db, "A-1", "SKU-00001", 7, yesterday + timedelta(hours=9))
    _sold_at(shop.db, "A-2", "SKU-00001", 4, yesterday + timedelta(hours=23, minutes=59))
    _sold_at(shop.db, "A-3", "SKU-00001", 99, datetime.combine(TODAY, datetime.min.time(), UTC))
    from wms_terminal.core.order_cancel import cancel_order

    _sold_at(shop.db, "A-4", "SKU-00003", 5, yesterday + timedelta(hours=1))
    cancel_order(shop.db, SYSTEM, number=_number(shop.db, "A-4"), reason="customer")
    with shop.db.reading() as s:
        h = read_history(s, end=TODAY, days=DAYS)
    units = dict(zip(h.keys, h.units, strict=True))
    one = units[(shop.warehouse_id, shop.ids["SKU-00001"])]
    assert h.start == TODAY - timedelta(days=DAYS)
    # the history's 10 a day, plus 7 + 4 ordered yesterday (today's 99: the day is not over)
    assert list(one[-3:]) == [10, 10, 21]
    assert units[(shop.warehouse_id, shop.ids["SKU-00003"])].sum() == 0


def _number(db: Database, ext: str) -> str:
    from wms_terminal.core.models import SalesOrder

    with db.reading() as s:
        return s.exec(select(SalesOrder.number).where(SalesOrder.external_id == ext)).one()


def test_each_shape_of_demand_gets_its_method_and_the_smooth_one_is_statsmodels_ses():
    from statsmodels.tsa.holtwinters import SimpleExpSmoothing

    rng = np.random.default_rng(1)
    smooth = rng.poisson(12, 56).astype(float)
    lumpy = ((rng.random(56) < 0.2) * 3).astype(float)
    fits = fit_many([smooth, lumpy, np.zeros(56)])
    assert [x.method for x in fits] == ["ses", "tsb", "none"]
    expected = (
        SimpleExpSmoothing(smooth, initialization_method="known", initial_level=smooth[:7].mean())
        .fit(smoothing_level=0.1, optimized=False)
        .forecast(1)[0]
    )
    assert fits[0].daily == pytest.approx(expected)
    assert 9 < fits[0].daily < 15 and 2 < fits[0].sigma < 6
    # TSB: chance of a demand day (about 0.2) x its size (3): about 0.6 units a day.
    assert 0.3 < fits[1].daily < 0.9
    assert fits[2].daily == 0


def test_a_product_that_stopped_selling_fades_unlike_its_average():
    y = np.array([2.0, 0, 0, 3, 0, 2, 0, 0, 4, 0] * 4 + [0.0] * 20)
    assert classify(y) == "tsb"
    (fit,) = fit_many([y])
    assert fit.daily < y.mean() / 2


def test_reorder_point_is_lead_time_demand_plus_safety_stock():
    z = z_score(0.95)
    assert z == pytest.approx(1.6449, abs=1e-4)
    # 10 a day for 9 days + 1.645 x 3 x sqrt(9) = 90 + 14.8 -> 105
    assert reorder_point(10.0, 3.0, 9, z) == 105
    assert reorder_point(0.0, 0.0, 9, z) == 0


def test_forecast_run_sets_reorder_points_raises_what_is_due_and_mails_the_warnings(shop: Shop):
    done = run_forecast(shop.db, SYSTEM, today=TODAY, service_level=0.95)
    with shop.db.reading() as s:
        fc = {r.product_id: r for r in s.exec(select(DemandForecast)).all()}
        pos = s.exec(
            select(PurchaseOrderLine.product_id, PurchaseOrderLine.qty, PurchaseOrder.reason).join(
                PurchaseOrder
            )
        ).all()
        audit = s.exec(
            select(AuditEntry).where(AuditEntry.action == "reorder_points_updated")
        ).one()
        notes = s.exec(select(Notification).where(Notification.kind == "stock_health")).all()
    one, two, three = (fc[shop.ids[k]] for k in ("SKU-00001", "SKU-00002", "SKU-00003"))
    assert one.method == "ses" and one.daily == pytest.approx(10, abs=1.5)
    assert one.lead_time_days == 9
    assert one.reorder_point == math.ceil(one.daily * 9 + 1.6449 * one.sigma * 3 - 1e-6)
    assert two.method == "tsb" and 0 < two.reorder_point < one.reorder_point
    assert three.method == "none" and three.reorder_point == 0
    # 30 free is under SKU-00001's new point (about 90): reordered now, at the forecast's point
    # (its own point, 5, would not have); SKU-00003 keeps its 30 units, unordered.
    assert [(p, q) for p, q, _ in pos] == [(shop.ids["SKU-00001"], 50)]
    assert f"reorder point {one.reorder_point} reached" in pos[0][2]
    assert [r.number for r in done.raised] and done.series == 3
    assert audit.detail["changed"] == 3 and audit.detail["service_level"] == 0.95
    # Stockout for SKU-00001 (3 days of cover, 9 days lead time); no demand for SKU-00003.
    (note,) = notes
    assert note.recipient_role == "manager"
    assert "1 stockout" in note.subject and "1 no demand" in note.subject
    assert "stockout: SKU-00001" in note.body and "no demand: SKU-00003" in note.body
    assert done.warnings == {"stockout": 1, "no demand": 1}


def test_the_reorder_rule_uses_the_forecast_point_of_that_warehouse(shop: Shop):
    pid = shop.ids["SKU-00003"]
    with shop.db.transaction() as s:
        s.add(
            DemandForecast(
                warehouse_id=shop.warehouse_id,
                product_id=pid,
                daily=5.0,
                sigma=1.0,
                method="ses",
                lead_time_days=9,
                service_level=0.95,
                reorder_point=40,
            )
        )
    # Own point 5 < 30 free, the forecast's 40 >= 30: reordered.
    raised = shop.db.run(
        lambda s: check_reorder_points(
            s, warehouse_id=shop.warehouse_id, product_ids=[pid], actor=SYSTEM
        )
    )
    assert [r.sku for r in raised] == ["SKU-00003"]


def test_only_purchasing_roles_run_the_forecast(shop: Shop):
    picker = Actor(user_id=None, username="pat", role="picker")
    with pytest.raises(PermissionDenied):
        run_forecast(shop.db, picker, today=TODAY)
    with shop.db.reading() as s:
        assert s.exec(select(DemandForecast)).all() == []


def test_backtest_beats_the_naive_forecast_on_noisy_demand():
    from wms_terminal.forecast.history import History

    rng = np.random.default_rng(3)
    units = np.vstack([rng.poisson(lam, 56) for lam in (20, 8, 3, 0.3, 0.2)]).astype(float)
    result = backtest(History(TODAY - timedelta(days=56), [(1, i) for i in range(5)], units))
    overall = result.scores[0]
    assert result.train_days == 42 and result.horizon == 14 and overall.series == 5
    assert overall.mase is not None and overall.naive_mase is not None
    assert overall.mase < overall.naive_mase
    assert overall.wape is not None and overall.naive_wape is not None
    assert overall.wape < overall.naive_wape


def test_forecast_commands(shop: Shop, db_url: str, wms_pin: str, capsys: Any):
    assert main(["forecast", "backtest", "--today", TODAY.isoformat(), "--json",
                 "--database", db_url]) == 0  # fmt: skip
    bt = json.loads(capsys.readouterr().out)
    assert bt["series"] == 3 and bt["scores"][0]["group"] == "all"
    assert {"mase", "naive_mase", "wape", "naive_wape"} <= set(bt["scores"][0])
    args = ["forecast", "run", "--today", TODAY.isoformat(), "--service-level", "0.9"]
    assert main([*args, *shop.badge, "--json", "--database", db_url]) == 0
    run = json.loads(capsys.readouterr().out)
    assert run["series"] == 3 and run["service_level"] == 0.9
    assert run["methods"] == {"ses": 1, "tsb": 1, "none": 1}
    assert main(["forecast", "health", "--kind", "stockout", "--json", "--database", db_url]) == 0
    (warn,) = json.loads(capsys.readouterr().out)
    assert warn["sku"] == "SKU-00001" and warn["free"] == 30 and warn["cover_days"] < 9
    # A warehouse that does not exist is said so, not "no warnings, run the forecast first".
    assert main(["forecast", "health", "--warehouse", "NOPE", "--database", db_url]) == 1
    assert "no warehouse 'NOPE'" in capsys.readouterr().err
    # A year-1 or year-9999 "today" is a typing error: refused, nothing forecast or mailed.
    assert main(["forecast", "backtest", "--today", "0001-01-01", "--database", db_url]) == 2
    assert "is outside 2000-01-01 to 2099-12-31" in capsys.readouterr().err
    assert main(["forecast", "run", "--today", "9999-12-31", *shop.badge,
                 "--database", db_url]) == 2  # fmt: skip
    assert "is outside 2000-01-01 to 2099-12-31" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["forecast", "run", "--service-level", "95", *shop.badge, "--database", db_url])
    assert "not a share between 0 and 1" in capsys.readouterr().err


def test_the_stock_warnings_reach_the_managers_by_e_mail(shop: Shop, smtp: SmtpServerFixture):
    with shop.db.transaction() as s:
        manager = s.exec(select(User).where(User.username == "mona")).one()
        manager.email = "mona@example.com"
        s.add(manager)
    run_forecast(shop.db, SYSTEM, today=TODAY)
    smtp.start()
    report = send_due(shop.db, parse_smtp_url(smtp.url), mail_from="wms@example.com")
    assert report.sent == 2  # the purchase order raised for SKU-00001, and the warnings
    (mail,) = [m for m in smtp.mailbox.messages if "Stock health" in str(m["Subject"])]
    assert mail["To"] == "mona@example.com"
    assert str(mail["Subject"]).strip() == (
        "[wms-terminal WH1] Stock health WH1: 1 stockout, 1 no demand"
    )
    text = mail.get_payload(decode=True).decode()
    assert "stockout: SKU-00001 Test product 1: 30 free" in text
    assert "Stock tab (F12)" in text
