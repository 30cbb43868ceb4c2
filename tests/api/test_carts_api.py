"""/v1/carts over real HTTP (both backends): a cart holds stock (shown apart in GET /v1/stock),
checks out into an order, is given up, or expires and blocks nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.api.conftest import NewKey, order_doc
from wms_terminal.core.db import Database
from wms_terminal.core.invariants import check


@pytest.fixture
def shop(api_url: str, new_key: NewKey) -> Iterator[httpx.Client]:
    key = new_key(
        "shop-carts",
        *("--permission", "import_orders", "--permission", "hold_stock"),
        *("--permission", "read_stock"),
    )
    with httpx.Client(base_url=api_url, headers={"Authorization": f"Bearer {key}"}) as client:
        yield client


def _stock(shop: httpx.Client, sku: str) -> tuple[int, int, int]:
    (row,) = shop.get("/v1/stock", params={"sku": sku}).json()
    return row["on_hand"], row["available"], row["held_in_carts"]


def test_a_cart_holds_then_checks_out(shop: httpx.Client, stocked: Database) -> None:
    held = shop.put("/v1/carts/web/cart-1", json={"lines": [{"sku": "SKU-00001", "qty": 8}]})
    assert held.status_code == 200, held.text
    assert held.json()["status"] == "active" and held.json()["lines"] == [
        {"sku": "SKU-00001", "qty": 8}
    ]
    # 10 in the pick face (and 5 in receiving): 8 in the cart, 2 available.
    assert _stock(shop, "SKU-00001") == (15, 2, 8)
    more = shop.put("/v1/carts/web/cart-2", json={"lines": [{"sku": "SKU-00001", "qty": 3}]})
    assert more.status_code == 409 and "2 of 3 free" in more.json()["error"]
    assert shop.get("/v1/carts/web/cart-2").status_code == 404
    doc = order_doc("WEB-C1", ("SKU-00001", 8))
    out = shop.post("/v1/carts/web/cart-1/checkout", json=doc)
    assert out.status_code == 201, out.text
    assert out.json()["hold_honoured"] is True and out.json()["status"] == "reserved"
    assert shop.post("/v1/carts/web/cart-1/checkout", json=doc).status_code == 200
    assert _stock(shop, "SKU-00001") == (15, 2, 0)
    after = shop.get("/v1/carts/web/cart-1").json()
    assert (after["status"], after["order"], after["lines"]) == (
        "checked_out",
        out.json()["order"],
        [],
    )
    assert shop.delete("/v1/carts/web/cart-1").status_code == 409
    bad = shop.post("/v1/carts/web/cart-1/checkout", json={"channel": "web"})
    assert bad.status_code == 422 and len(bad.json()["problems"]) > 1
    assert check(stocked) == []


def test_a_cart_given_up_or_expired_blocks_nothing(shop: httpx.Client, stocked: Database) -> None:
    bad = shop.put("/v1/carts/web/c", json={"lines": [{"sku": "SKU-00002", "qty": 0}]})
    assert bad.status_code == 422
    assert shop.put("/v1/carts/web/c", json={"lines": [{"sku": "SKU-00002", "qty": 4}]}).is_success
    gone = shop.delete("/v1/carts/web/c")
    assert gone.status_code == 200 and gone.json()["status"] == "released"
    assert _stock(shop, "SKU-00002") == (10, 10, 0)
    short = {"lines": [{"sku": "SKU-00002", "qty": 10}], "ttl_s": 1}
    assert shop.put("/v1/carts/web/brief", json=short).is_success
    assert _stock(shop, "SKU-00002") == (10, 0, 10)
    time.sleep(1.2)
    # Past its expiry, nobody swept: available again, and an order takes all of it.
    assert _stock(shop, "SKU-00002") == (10, 10, 0)
    assert shop.get("/v1/carts/web/brief").json()["status"] == "expired"
    made = shop.post("/v1/orders", json=order_doc("WEB-E1", ("SKU-00002", 10)))
    assert made.status_code == 201 and made.json()["status"] == "reserved"
    late = shop.post("/v1/carts/web/brief/checkout", json=order_doc("WEB-E2", ("SKU-00002", 1)))
    assert late.status_code == 201
    assert late.json()["hold_honoured"] is False and late.json()["status"] == "backordered"
    assert check(stocked) == []
