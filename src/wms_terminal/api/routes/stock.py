"""Stock per product and warehouse: on hand and available (core.stock_levels)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from wms_terminal.api.auth import database, require
from wms_terminal.api.errors import responses
from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.stock_levels import MAX_PAGE, stock_levels

router = APIRouter(prefix="/v1/stock", tags=["stock"])


class StockLevelBody(BaseModel):
    sku: str
    warehouse: str
    on_hand: int
    available: int
    held_in_carts: int = Field(0, description="units reserved by shoppers' live cart holds")


@router.get(
    "",
    response_model=list[StockLevelBody],
    summary="Stock per product and warehouse, by SKU then warehouse",
    responses={
        **responses(),
        200: {
            "description": "one page; a full page has a Link header to the next one",
            "headers": {
                "Link": {
                    "description": '<URL of the next page>; rel="next" (a full page only)',
                    "schema": {"type": "string"},
                }
            },
        },
    },
)
def list_stock(
    request: Request,
    response: Response,
    sku: str | None = Query(None, max_length=40, description="one product"),
    warehouse: str | None = Query(None, max_length=20, description="one warehouse code"),
    limit: int = Query(MAX_PAGE, ge=1, le=MAX_PAGE, description="rows per page"),
    offset: int = Query(0, ge=0, le=10_000_000, description="rows to skip"),
    actor: Actor = Depends(require("read_stock")),
    db: Database = Depends(database),
) -> list[StockLevelBody]:
    rows = stock_levels(db, actor, sku=sku, warehouse=warehouse, limit=limit, offset=offset)
    if len(rows) == limit:
        nxt = request.url.include_query_params(offset=offset + limit)
        response.headers["Link"] = f'<{nxt}>; rel="next"'
    return [StockLevelBody(**r.__dict__) for r in rows]
