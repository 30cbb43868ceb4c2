"""The database going away: 503 with a short body and Retry-After, the cause logged with the
URL's password masked, never a traceback in the answer; back to work when it returns."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.api.conftest import order_doc
from tests.api.server import serving
from wms_terminal.api.app import create_app

PASSWORD = "s3cret-pw"


def test_database_away_is_503_and_back_is_200(
    stocked: object,
    key: str,
    db_url: str,
    request: pytest.FixtureRequest,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = make_url(db_url)
    if url.get_backend_name() == "postgresql":
        # Trust authentication ignores it, so the URL may carry a password to be masked.
        url = url.set(password=PASSWORD)
    served = url.render_as_string(hide_password=False)
    auth = {"Authorization": f"Bearer {key}"}
    with (
        serving(create_app(served)) as api_url,
        httpx.Client(base_url=api_url, headers=auth, timeout=30) as api,
    ):
        assert api.get("/v1/stock").status_code == 200
        caplog.set_level(logging.WARNING, logger="wms_terminal.api")
        access = None
        if url.get_backend_name() == "sqlite":
            path = Path(str(url.database))
            for part in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                part.unlink(missing_ok=True)
        else:
            access = request.getfixturevalue("access")
            access["stop"]()
        for r in (
            api.get("/v1/stock"),
            api.post("/v1/orders", json=order_doc()),
            api.get("/v1/orders/SO-0000001"),
        ):
            assert r.status_code == 503, r.text
            assert r.json() == {"error": "database unavailable; try again shortly"}
            assert int(r.headers["Retry-After"]) > 0
        logged = "\n".join(rec.getMessage() for rec in caplog.records)
        assert "database unavailable" in logged
        assert PASSWORD not in logged and "Traceback" not in logged
        if access is not None:
            access["start"]()
            assert api.get("/v1/stock").status_code == 200
            assert api.post("/v1/orders", json=order_doc()).status_code == 201
