"""Returns (RMA): open one for a shipped order, read one. The same core code and JSON as
`wms-terminal returns open` and `returns show RMA --json`."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Body, Depends, Path
from pydantic import BaseModel, Field

from wms_terminal.api.auth import database, require
from wms_terminal.api.errors import responses
from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.returns import MAX_NOTE
from wms_terminal.returns.exchange import authorise
from wms_terminal.returns.rma import show_return

router = APIRouter(prefix="/v1/returns", tags=["returns"])


class ReturnLineBody(BaseModel):
    sku: str
    qty: int
    received: int
    grade: str | None
    grades: dict[str, int]


class ReplacementBody(BaseModel):
    order: str
    code: str


class ReturnBody(BaseModel):
    rma: str
    status: str
    order: str
    resolution: str
    reason: str
    note: str
    opened_at: str
    lines: list[ReturnLineBody]
    refund_total: str
    currency: str
    credit_note: str | None
    replacement: ReplacementBody | None
    # The carrier's return service and its tracking number (null without one).
    return_tracking: str | None = None
    return_service: str | None = None


class LineRequest(BaseModel):
    sku: str = Field(min_length=1, max_length=40)
    qty: int = Field(ge=1, le=999_999)


class OpenRequest(BaseModel):
    order: str = Field(min_length=1, max_length=20, description="the shipped order's number")
    lines: list[LineRequest] = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=40, description="reason code, e.g. damaged")
    resolution: Literal["refund", "exchange"]
    note: str = Field("", max_length=MAX_NOTE, description="the customer's own words")


@router.post(
    "",
    status_code=201,
    response_model=ReturnBody,
    summary="Open a return (RMA) for a shipped order: refund or exchange",
    responses=responses((404, "no such order")),
)
def open_rma(
    body: OpenRequest = Body(...),
    actor: Actor = Depends(require("handle_returns")),
    db: Database = Depends(database),
) -> ReturnBody:
    done, _replacement = authorise(
        db,
        actor,
        order=body.order,
        lines=[(x.sku, x.qty) for x in body.lines],
        reason=body.reason,
        resolution=body.resolution,
        note=body.note,
    )
    return ReturnBody.model_validate(show_return(db, done.rma))


@router.get(
    "/{rma}",
    response_model=ReturnBody,
    summary="A return: lines received and graded, refund, credit note, replacement",
    responses=responses((404, "no such return")),
)
def get_return(
    rma: str = Path(max_length=40, description="the RMA code"),
    actor: Actor = Depends(require("read_orders")),
    db: Database = Depends(database),
) -> ReturnBody:
    return ReturnBody.model_validate(show_return(db, rma))
