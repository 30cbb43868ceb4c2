"""A small stocked warehouse, a manager, integration keys made by the real command, and the real
API server over the test database (both backends)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import httpx
import pytest

from tests import factories as f
from tests.api.server import serving
from wms_terminal.api.app import create_app
from wms_terminal.cli import main
from wms_terminal.core.db import Database

NewKey = Callable[..., str]


@pytest.fixture
def stocked(db: Database, wms_pin: str) -> Database:
    """MAIN with SKU-00001 (10 in a pick face, 5 in receiving) and SKU-00002 (10)."""
    with db.transaction() as s:
        wh, p1, _ = f.two_product_warehouse(s)
        f.put(s, f.location(s, wh, 2, 1, kind="receiving"), p1, 5)
    return db


@pytest.fixture
def manager(stocked: Database) -> list[str]:
    """`--badge B` of a manager (WMS_PIN is set)."""
    with stocked.transaction() as s:
        return f.cli_user(s, "mia", "manager")


@pytest.fixture
def new_key(db_url: str, manager: list[str], capsys: pytest.CaptureFixture[str]) -> NewKey:
    """`new_key(name, *options)`: `integrations add --name NAME --json OPTIONS`; its key."""

    def make(name: str, *options: str) -> str:
        capsys.readouterr()
        args = ["integrations", "add", "--name", name, "--json", "--database", db_url]
        assert main([*args, *options, *manager]) == 0
        return str(json.loads(capsys.readouterr().out)["key"])

    return make


@pytest.fixture
def api_url(stocked: Database, db_url: str) -> Iterator[str]:
    with serving(create_app(db_url)) as url:
        yield url


@pytest.fixture
def key(new_key: NewKey) -> str:
    """A channel's key (the default permissions of `integrations add`)."""
    return new_key("webshop")


@pytest.fixture
def api(api_url: str, key: str) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=api_url, headers={"Authorization": f"Bearer {key}"}, timeout=30
    ) as client:
        yield client


def order_doc(ext: str = "WEB-1", *lines: tuple[str, int], **extra: object) -> dict[str, object]:
    """One order in the JSON import format."""
    return {
        "channel": "web",
        "external_id": ext,
        "currency": "EUR",
        "customer": {"name": "Ada Jansen", "email": "ada@example.com"},
        "ship_to": {"name": "Ada Jansen", "city": "Utrecht", "country": "NL"},
        "lines": [
            {"sku": sku, "qty": qty, "unit_price": "9.95"}
            for sku, qty in (lines or (("SKU-00001", 2),))
        ],
        **extra,
    }
