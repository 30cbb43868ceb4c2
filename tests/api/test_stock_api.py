"""GET /v1/stock: on hand and available per product and warehouse, filters and pages."""

from __future__ import annotations

import httpx

from tests.api.conftest import order_doc


def test_stock_per_product_and_warehouse(api: httpx.Client) -> None:
    api.post("/v1/orders", json=order_doc("WEB-1", ("SKU-00001", 3)))
    rows = api.get("/v1/stock").json()
    assert rows == [
        # 5 more of SKU-00001 wait in receiving: on hand, not available.
        {
            "sku": "SKU-00001",
            "warehouse": "MAIN",
            "on_hand": 15,
            "available": 7,
            "held_in_carts": 0,
        },
        {
            "sku": "SKU-00002",
            "warehouse": "MAIN",
            "on_hand": 10,
            "available": 10,
            "held_in_carts": 0,
        },
    ]
    one = api.get("/v1/stock", params={"sku": "SKU-00002", "warehouse": "MAIN"}).json()
    assert one == [rows[1]]
    assert api.get("/v1/stock", params={"warehouse": "NOPE"}).json() == []


def test_pages_link_to_the_next(api: httpx.Client) -> None:
    first = api.get("/v1/stock", params={"limit": 1})
    assert [r["sku"] for r in first.json()] == ["SKU-00001"]
    nxt = first.links["next"]["url"]
    second = api.get(nxt)
    assert [r["sku"] for r in second.json()] == ["SKU-00002"]
    last = api.get(second.links["next"]["url"])
    assert last.json() == [] and "next" not in last.links
    bad = api.get("/v1/stock", params={"limit": 0})
    assert bad.status_code == 422 and bad.json()["problems"][0]["where"] == "query.limit"
