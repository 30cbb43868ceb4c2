"""`create_app(database_url)`: the FastAPI application with every area's routes.

The database is connected and checked once here (unreachable, missing file or old schema: the
command stops with the reason); the engine is disposed when the server shuts down. Interactive
docs pages are off: the only route without a key is /openapi.json.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from wms_terminal import __version__, bootstrap
from wms_terminal.api import errors
from wms_terminal.api.auth import KeyCache
from wms_terminal.api.limits import RateLimiter, default_rate
from wms_terminal.core.order_submit import OrderQueue

# One module per area in api/routes/, each exposing `router`. Add yours here.
ROUTERS = (
    "orders",
    "stock",
    "events",
    "shipments",
    "deliveries",
    "returns",
    "refunds",
    "payment_events",
    "payments",
    "carts",
)


def create_app(database_url: str | None = None) -> FastAPI:
    """The API over the database at `database_url` (default: WMS_DATABASE_URL, as every command)."""
    connected = bootstrap.connect(database_url)
    orders = OrderQueue(connected.db)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        orders.close()
        connected.close()

    app = FastAPI(
        title="wms-terminal integration API",
        version=__version__,
        description="Orders in, stock and order status out, for channels and ERP (docs/api.md).",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.db = connected.db
    app.state.orders = orders  # POST /v1/orders: orders arriving together share a transaction
    app.state.limiter = RateLimiter()
    app.state.keys = KeyCache()
    app.state.default_rate = default_rate()
    errors.install(app, connected.db.engine.url.password)
    for name in ROUTERS:
        module = importlib.import_module(f"wms_terminal.api.routes.{name}")
        app.include_router(module.router)
    return app
