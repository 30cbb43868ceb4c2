"""POST /v1/orders, GET /v1/orders/{number}, cancel, over real HTTP on both backends."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import func
from sqlmodel import col, select

from tests.api.conftest import order_doc
from wms_terminal.core.db import Database
from wms_terminal.core.models import AuditEntry, Customer, SalesOrder, Stock, User


def _reserved(db: Database) -> int:
    with db.reading() as s:
        return int(s.exec(select(func.coalesce(func.sum(Stock.reserved), 0))).one())


def _orders(db: Database) -> int:
    with db.reading() as s:
        return int(s.exec(select(func.count()).select_from(SalesOrder)).one())


def test_an_order_is_created_once_and_reserved(api: httpx.Client, stocked: Database) -> None:
    first = api.post("/v1/orders", json=order_doc("WEB-1", ("SKU-00001", 2), ("SKU-00002", 1)))
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["order"].startswith("SO-") and body["status"] == "reserved"
    assert _reserved(stocked) == 3

    again = api.post("/v1/orders", json=order_doc("WEB-1", ("SKU-00001", 2), ("SKU-00002", 1)))
    assert again.status_code == 200
    assert again.json() == body
    assert _orders(stocked) == 1 and _reserved(stocked) == 3

    # The same external id from another channel is another order.
    other = api.post("/v1/orders", json={**order_doc("WEB-1"), "channel": "marketplace"})
    assert other.status_code == 201 and other.json()["order"] != body["order"]

    seen = api.get(f"/v1/orders/{body['order']}")
    assert seen.status_code == 200
    status = seen.json()
    assert (status["channel"], status["external_id"], status["warehouse"]) == (
        "web",
        "WEB-1",
        "MAIN",
    )
    assert [(ln["sku"], ln["qty"], ln["reserved"]) for ln in status["lines"]] == [
        ("SKU-00001", 2, 2),
        ("SKU-00002", 1, 1),
    ]
    with stocked.reading() as s:
        who = s.exec(
            select(User.username)
            .join(AuditEntry, col(AuditEntry.user_id) == col(User.id))
            .where(col(AuditEntry.action) == "orders_import_part")
        ).all()
    assert who == ["webshop", "webshop"]  # recorded under the integration account


def test_more_than_in_stock_is_backordered(api: httpx.Client) -> None:
    r = api.post("/v1/orders", json=order_doc("WEB-2", ("SKU-00002", 12)))
    assert r.status_code == 201
    assert r.json()["status"] == "partially_reserved"
    lines = api.get(f"/v1/orders/{r.json()['order']}").json()["lines"]
    assert (lines[0]["reserved"], lines[0]["backordered"]) == (10, 2)


def test_every_problem_is_listed_and_nothing_is_written(
    api: httpx.Client, stocked: Database
) -> None:
    doc = order_doc("WEB-3", ("SKU-00001", 0), ("KIT-404", 1))
    doc.update(currency="EURO", flags=["NOPE"], colour="red")
    doc["ship_to"] = {"name": "", "country": "Netherlands"}
    r = api.post("/v1/orders", json=doc)
    assert r.status_code == 422
    problems = {(p["where"], p["reason"]) for p in r.json()["problems"]}
    wheres = [p[0] for p in problems]
    reasons = " | ".join(p[1] for p in problems)
    assert "lines[0]" in wheres and "lines[1]" in wheres
    for part in (
        "qty must be 1 to 100000",
        "unknown SKU 'KIT-404'",
        "'colour'",
        "currency",
        "NOPE",
    ):
        assert part in reasons, (part, reasons)
    assert "country" in reasons and "ship" in reasons
    assert _orders(stocked) == 0 and _reserved(stocked) == 0


def test_a_broken_or_wrong_body_is_a_problem_not_a_crash(api: httpx.Client) -> None:
    broken = api.post(
        "/v1/orders", content=b'{"channel": "web",', headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 422
    assert "broken JSON" in broken.json()["problems"][0]["reason"]
    listed = api.post("/v1/orders", json=[order_doc()])
    assert listed.status_code == 422
    assert listed.json()["problems"][0] == {
        "where": "order",
        "reason": "an order must be an object",
    }
    wrapped = api.post("/v1/orders", json={"orders": [order_doc()]})
    assert wrapped.status_code == 422  # one order, not an import file


def test_cancel_releases_stock_and_answers_again(api: httpx.Client, stocked: Database) -> None:
    number = api.post("/v1/orders", json=order_doc("WEB-4", ("SKU-00001", 4))).json()["order"]
    assert _reserved(stocked) == 4
    r = api.post(f"/v1/orders/{number}/cancel", json={"reason": "customer changed mind"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "cancelled" and r.json()["units_released"] == 4
    assert _reserved(stocked) == 0
    again = api.post(f"/v1/orders/{number}/cancel", json={"reason": "retry"})
    assert again.status_code == 200 and again.json()["units_released"] == 0
    assert api.get(f"/v1/orders/{number}").json()["status"] == "cancelled"

    assert api.post("/v1/orders/SO-9999999/cancel", json={"reason": "x"}).status_code == 404
    assert api.get("/v1/orders/SO-9999999").status_code == 404
    no_reason = api.post(f"/v1/orders/{number}/cancel", json={"reason": ""})
    assert no_reason.status_code == 422 and no_reason.json()["problems"]


def test_orders_sent_at_once_are_each_answered_for_themselves(
    api: httpx.Client, stocked: Database
) -> None:
    """Orders arriving together share a transaction: the same order sent eight times at once
    is created once, and a wrong order among good ones is refused alone."""
    docs = [order_doc("SAME-1", ("SKU-00002", 1))] * 8
    docs += [order_doc(f"MIX-{n}", ("SKU-00001", 1)) for n in range(5)]
    docs.append(order_doc("MIX-BAD", ("SKU-00001", 1), ("KIT-404", 1)))
    with ThreadPoolExecutor(len(docs)) as pool:
        answers = list(pool.map(lambda d: api.post("/v1/orders", json=d), docs))
    same = answers[:8]
    assert sorted(r.status_code for r in same) == [200] * 7 + [201]
    assert len({r.json()["order"] for r in same}) == 1
    assert [r.status_code for r in answers[8:13]] == [201] * 5
    bad = answers[13]
    assert bad.status_code == 422
    assert bad.json()["problems"] == [{"where": "lines[1]", "reason": "unknown SKU 'KIT-404'"}]
    assert _orders(stocked) == 6 and _reserved(stocked) == 6


def test_a_german_customers_order_keeps_their_language(
    api: httpx.Client, stocked: Database
) -> None:
    doc = order_doc("WEB-DE")
    doc["customer"] = {"name": "Jana Schmidt", "email": "jana@example.de", "language": "de"}
    r = api.post("/v1/orders", json=doc)
    assert r.status_code == 201, r.text
    with stocked.reading() as s:
        language = s.exec(
            select(Customer.language)
            .join(SalesOrder, col(SalesOrder.customer_id) == col(Customer.id))
            .where(col(SalesOrder.number) == r.json()["order"])
        ).one()
    assert language == "de"

    bad = order_doc("WEB-XX")
    bad["customer"] = {"name": "Jana Schmidt", "language": "German"}
    refused = api.post("/v1/orders", json=bad)
    assert refused.status_code == 422
    assert any("language" in p["reason"] for p in refused.json()["problems"]), refused.text
