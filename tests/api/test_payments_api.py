"""POST /v1/orders/{order}/payment over real HTTP (both backends): the payment gate of a channel
holds the order until the provider's authorisation; answers are idempotent per reference."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import text

from tests.api.conftest import NewKey, order_doc
from wms_terminal.core.db import Database


@pytest.fixture
def psp(api_url: str, new_key: NewKey) -> Iterator[httpx.Client]:
    """The shop's key with the payment provider's permission too."""
    key = new_key("shop-psp", *("--permission", "import_orders", "--permission", "record_payment"))
    with httpx.Client(base_url=api_url, headers={"Authorization": f"Bearer {key}"}) as client:
        yield client


def _hold(db: Database, number: str) -> str:
    with db.reading() as s:
        return str(
            s.execute(
                text("SELECT release_hold FROM sales_order WHERE number = :n"), {"n": number}
            ).scalar_one()
        )


def test_an_order_waits_for_its_payment(
    psp: httpx.Client, api: httpx.Client, stocked: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WMS_PAYMENT_CHANNELS", "web")
    made = psp.post("/v1/orders", json=order_doc("WEB-9", ("SKU-00001", 2)))
    assert made.status_code == 201
    number = made.json()["order"]
    assert _hold(stocked, number) == "payment"
    url = f"/v1/orders/{number}/payment"
    short = psp.post(url, json={"outcome": "authorised", "amount": "10.00", "reference": "p1"})
    assert short.status_code == 422
    assert "less than the order's total 19.90 EUR" in short.json()["error"]
    bad = psp.post(url, json={"outcome": "maybe", "amount": "x", "reference": ""})
    assert bad.status_code == 422
    assert {p["where"] for p in bad.json()["problems"]} == {"outcome", "reference"}
    # The shop's default key may not record payments.
    assert (
        api.post(url, json={"outcome": "declined", "amount": 0, "reference": "p0"}).status_code
        == 403
    )
    declined = psp.post(url, json={"outcome": "declined", "amount": 0, "reference": "p1"})
    assert declined.status_code == 201
    assert declined.json()["hold"] == "payment_declined"
    ok = {"outcome": "authorised", "amount": "19.90", "reference": "p2"}
    first = psp.post(url, json=ok)
    assert first.status_code == 201 and first.json()["hold"] == ""
    again = psp.post(url, json=ok)
    assert again.status_code == 200 and again.json()["repeated"] is True
    clash = psp.post(url, json={**ok, "outcome": "declined"})
    assert clash.status_code == 409 and "was recorded as authorised" in clash.json()["error"]
    assert _hold(stocked, number) == ""
    gone = psp.post("/v1/orders/SO-9999999/payment", json=ok)
    assert gone.status_code == 404
