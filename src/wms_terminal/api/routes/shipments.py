"""Shipments per order: the packages handed to the carrier, with tracking numbers
(packing.tracking)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from wms_terminal.api.auth import database, require
from wms_terminal.api.errors import responses
from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.packing.tracking import MAX_PAGE, shipments

router = APIRouter(prefix="/v1/shipments", tags=["shipments"])


class PackageBody(BaseModel):
    sscc: str | None
    tracking_number: str
    carrier: str | None
    service: str | None
    shipped_at: str | None
    expected_delivery: str | None
    delivered_at: str | None


class ShipmentBody(BaseModel):
    order: str
    external_id: str
    channel: str
    status: str
    packages: list[PackageBody]


@router.get(
    "",
    response_model=list[ShipmentBody],
    summary="Shipped orders with their packages' tracking numbers, by order number",
    responses=responses(),
)
def list_shipments(
    order: str | None = Query(None, max_length=20, description="one order number"),
    external_id: str | None = Query(None, max_length=80, description="one channel order id"),
    after: str = Query("", max_length=20, description="order numbers after this one"),
    limit: int = Query(100, ge=1, le=MAX_PAGE, description="orders per page"),
    actor: Actor = Depends(require("read_orders")),
    db: Database = Depends(database),
) -> list[ShipmentBody]:
    rows = shipments(db, order=order, external_id=external_id, after=after, limit=limit)
    return [ShipmentBody.model_validate(r) for r in rows]
