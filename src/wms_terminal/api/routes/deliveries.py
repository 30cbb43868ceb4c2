"""The carrier's delivered events: the same core code as `wms-terminal shipments delivered
FILE` (all or nothing, re-runnable, every problem reported at once)."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends
from pydantic import BaseModel, Field

from wms_terminal.api.auth import database, require
from wms_terminal.api.errors import responses
from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.packing.delivered import check_rows, record_deliveries

router = APIRouter(prefix="/v1/deliveries", tags=["shipments"])


class DeliveryRequest(BaseModel):
    tracking_number: str = Field(max_length=200)
    delivered_at: str = Field(max_length=60, description="ISO 8601; without a zone: UTC")


class DeliveriesRequest(BaseModel):
    deliveries: list[DeliveryRequest] = Field(max_length=10_000)


class DeliveredBody(BaseModel):
    delivered: int = Field(description="packages given their delivery date now")
    unchanged: int = Field(description="already delivered at that moment (a repeat)")


@router.post(
    "",
    response_model=DeliveredBody,
    summary="Delivered events from the carrier: set each package's delivery date",
    responses=responses(),
)
def delivered(
    body: DeliveriesRequest = Body(...),
    actor: Actor = Depends(require("pack")),
    db: Database = Depends(database),
) -> DeliveredBody:
    rows: list[tuple[str, dict[str, object]]] = [
        (f"deliveries[{i}]", d.model_dump()) for i, d in enumerate(body.deliveries)
    ]
    found, problems = check_rows(rows)
    done = record_deliveries(db, actor, found, problems, source="deliveries")
    return DeliveredBody(delivered=done.delivered, unchanged=done.unchanged)
