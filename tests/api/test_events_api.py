"""The event feed, shipments, deliveries, returns, refunds and payment events over real HTTP
(uvicorn) on both backends: the same core code and JSON as the commands, every payment event
status walked to its exit, and keys without the permission refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest

from tests import factories as f
from tests.api.server import serving
from tests.packing.conftest import Station, build_station
from tests.picking.helpers import scalar
from tests.returns.conftest import ship
from wms_terminal.api.app import create_app
from wms_terminal.cli import main
from wms_terminal.core.db import Database
from wms_terminal.core.models._base import utcnow
from wms_terminal.returns.flow import ReturnsFlow
from wms_terminal.returns.refund import issue_refund

ERP = ("read_events", "read_orders", "handle_returns", "pack", "settle_payments")


@dataclass
class Desk:
    station: Station
    url: str
    key: str
    manager: list[str]
    db_url: str


@pytest.fixture
def desk(
    db: Database, db_url: str, wms_pin: str, capsys: pytest.CaptureFixture[str]
) -> Iterator[Desk]:
    station = build_station(db)
    with db.transaction() as s:
        manager = f.cli_user(s, "mia", "manager")
    perms = [x for p in ERP for x in ("--permission", p)]
    args = ["integrations", "add", "--name", "erp", "--json", *perms, "--database", db_url]
    assert main([*args, *manager]) == 0
    key = str(json.loads(capsys.readouterr().out)["key"])
    with serving(create_app(db_url)) as url:
        yield Desk(station, url, key, manager, db_url)


@pytest.fixture
def api(desk: Desk) -> Iterator[httpx.Client]:
    auth = {"Authorization": f"Bearer {desk.key}"}
    with httpx.Client(base_url=desk.url, headers=auth, timeout=30) as client:
        yield client


def test_shipments_deliveries_and_the_feed(desk: Desk, api: httpx.Client) -> None:
    (order,) = ship(desk.station, [(1, 2), (2, 1)])
    (shipped,) = api.get("/v1/shipments", params={"order": order}).json()
    assert (shipped["order"], shipped["external_id"], shipped["status"]) == (
        order,
        "T00001",
        "shipped",
    )
    (package,) = shipped["packages"]
    tracking = package["tracking_number"]
    assert tracking and package["carrier"] and package["shipped_at"]
    assert package["delivered_at"] is None
    assert api.get("/v1/shipments", params={"external_id": "T00001"}).json() == [shipped]
    assert api.get("/v1/shipments", params={"after": order}).json() == []

    # Every problem at once, nothing set.
    when = (utcnow() - timedelta(seconds=5)).replace(microsecond=0).isoformat()
    bad = api.post(
        "/v1/deliveries",
        json={
            "deliveries": [
                {"tracking_number": tracking, "delivered_at": when},
                {"tracking_number": "NOPE", "delivered_at": "yesterday"},
                {"tracking_number": "NOPE2", "delivered_at": when},
            ]
        },
    )
    assert bad.status_code == 422
    assert [(p["where"], p["reason"]) for p in bad.json()["problems"]] == [
        ("deliveries[1]", "delivered_at 'yesterday' is not an ISO date/time"),
        ("deliveries[2]", "no package with tracking NOPE2"),
    ]
    assert (
        scalar(desk.station.db, "SELECT COUNT(*) FROM package WHERE delivered_at IS NOT NULL") == 0
    )
    good = {"deliveries": [{"tracking_number": tracking, "delivered_at": when}]}
    assert api.post("/v1/deliveries", json=good).json() == {"delivered": 1, "unchanged": 0}
    assert api.post("/v1/deliveries", json=good).json() == {"delivered": 0, "unchanged": 1}
    (again,) = api.get("/v1/shipments", params={"order": order}).json()
    assert again["packages"][0]["delivered_at"] is not None

    feed = api.get("/v1/events").json()
    assert [e["kind"] for e in feed["events"]] == ["order.shipped", "order.delivered"]
    assert feed["next_after"] == 2
    assert feed["events"][1]["data"]["tracking_number"] == tracking
    assert api.get("/v1/events", params={"after": 2}).json() == {"events": [], "next_after": 2}
    assert api.get("/v1/events", params={"kind": "nope"}).status_code == 422


def test_returns_refunds_and_every_payment_event_status(
    desk: Desk, api: httpx.Client, capsys: pytest.CaptureFixture[str]
) -> None:
    fl = desk.station.floor
    (order,) = ship(desk.station, [(1, 2), (2, 1)])
    opened = api.post(
        "/v1/returns",
        json={
            "order": order,
            "lines": [{"sku": fl.sku(1), "qty": 1}],
            "reason": "damaged",
            "resolution": "refund",
            "note": "[b]box[/b] crushed",
        },
    )
    assert opened.status_code == 201, opened.text
    rma = opened.json()["rma"]
    capsys.readouterr()
    assert main(["returns", "show", rma, "--json", "--database", desk.db_url]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert opened.json() == shown  # the same JSON as the command
    assert api.get(f"/v1/returns/{rma}").json() == shown
    assert shown["note"] == "[b]box[/b] crushed"
    # Beyond what shipped: refused with the rule's reason, nothing opened.
    more = api.post(
        "/v1/returns",
        json={
            "order": order,
            "lines": [{"sku": fl.sku(1), "qty": 2}],
            "reason": "damaged",
            "resolution": "refund",
        },
    )
    assert more.status_code == 422 and "1 left" in more.json()["error"]
    assert api.get("/v1/returns/RMA-NOPE").status_code == 404
    assert api.get(f"/v1/orders/{order}/refunds").json() == {
        "order": order,
        "currency": "EUR",
        "refunded": "0.00",
        "credit_notes": [],
    }

    flow = ReturnsFlow(desk.station.db, desk.station.packer)
    for code in (rma, fl.gtin(1), "resell"):
        assert not flow.scan(code).error
    issue_refund(desk.station.db, desk.station.packer, rma)
    refunds = api.get(f"/v1/orders/{order}/refunds").json()
    (note,) = refunds["credit_notes"]
    assert (refunds["refunded"], note["credit_note"], note["rma"], note["amount"]) == (
        "10.00",
        "CN-0000001",
        rma,
        "10.00",
    )
    assert note["payment"]["status"] == "pending"
    pay_id = note["payment"]["id"]

    (pending,) = api.get("/v1/payment-events").json()
    assert (pending["id"], pending["status"], pending["amount"], pending["order"]) == (
        pay_id,
        "pending",
        "10.00",
        order,
    )
    assert pending["payload"]["credit_note"] == "CN-0000001"
    ack = f"/v1/payment-events/{pay_id}/acknowledge"
    no_reason = api.post(ack, json={"outcome": "failed"})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["error"]
    failed = api.post(ack, json={"outcome": "failed", "reason": "card expired"}).json()
    assert (failed["status"], failed["last_error"]) == ("failed", "card expired")
    assert api.get("/v1/payment-events").json() == []
    assert [e["id"] for e in api.get("/v1/payment-events", params={"status": "failed"}).json()] == [
        pay_id
    ]
    assert api.post(ack, json={"outcome": "sent"}).status_code == 409  # retry first
    assert api.post(f"/v1/payment-events/{pay_id}/retry").json()["status"] == "pending"
    assert api.post(f"/v1/payment-events/{pay_id}/retry").status_code == 409
    sent = api.post(ack, json={"outcome": "sent"}).json()
    assert sent["status"] == "sent" and sent["sent_at"]
    assert api.post(ack, json={"outcome": "sent"}).json() == sent  # asked again: same answer
    assert api.post(ack, json={"outcome": "failed", "reason": "x"}).status_code == 409
    assert api.post("/v1/payment-events/999/acknowledge", json={"outcome": "sent"}).status_code == (
        404
    )
    assert (
        api.get(f"/v1/orders/{order}/refunds").json()["credit_notes"][0]["payment"]["status"]
        == "sent"
    )
    assert [e["kind"] for e in api.get("/v1/events").json()["events"]] == [
        "order.shipped",
        "return.received",
        "order.refunded",
    ]
    actions = scalar(
        desk.station.db,
        "SELECT COUNT(*) FROM audit_log WHERE action IN "
        "('payment_failed', 'payment_retried', 'payment_sent')",
    )
    assert actions == 3


def test_no_key_or_a_key_without_the_permission_is_refused(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["integrations", "add", "--name", "shop", "--json", "--database", desk.db_url]
    assert main([*args, "--permission", "read_stock", *desk.manager]) == 0
    weak = str(json.loads(capsys.readouterr().out)["key"])
    # A channel's key (the defaults of `integrations add`) reads the feed.
    assert main([*args[:3], "channel", *args[4:], *desk.manager]) == 0
    channel = str(json.loads(capsys.readouterr().out)["key"])
    with httpx.Client(base_url=desk.url, timeout=30) as c:
        got = c.get("/v1/events", headers={"Authorization": f"Bearer {channel}"})
        assert got.status_code == 200 and got.json() == {"events": [], "next_after": 0}
    with httpx.Client(base_url=desk.url, timeout=30) as c:
        for method, path in (
            ("GET", "/v1/events"),
            ("GET", "/v1/shipments"),
            ("GET", "/v1/returns/RMA-1"),
            ("POST", "/v1/returns"),
            ("GET", "/v1/orders/SO-1/refunds"),
            ("POST", "/v1/deliveries"),
            ("GET", "/v1/payment-events"),
            ("POST", "/v1/payment-events/1/acknowledge"),
            ("POST", "/v1/payment-events/1/retry"),
        ):
            assert c.request(method, path).status_code == 401, path
            got = c.request(method, path, headers={"Authorization": f"Bearer {weak}"})
            assert got.status_code in (403, 422), (path, got.status_code)
            if method == "GET" or path.endswith("/retry"):
                assert got.status_code == 403, path
