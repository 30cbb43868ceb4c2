"""An order's refunds: its credit notes, each with its payment's status (returns.refund)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel

from wms_terminal.api.auth import database, require
from wms_terminal.api.errors import responses
from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.returns.refund import order_refunds

router = APIRouter(prefix="/v1/orders", tags=["refunds"])


class PaymentBody(BaseModel):
    id: int
    status: str
    last_error: str


class CreditNoteBody(BaseModel):
    credit_note: str
    rma: str
    amount: str
    goods: str
    shipping: str
    fees: str
    currency: str
    created_at: str
    lines: list[dict[str, Any]]
    payment: PaymentBody | None


class RefundsBody(BaseModel):
    order: str
    currency: str
    refunded: str
    credit_notes: list[CreditNoteBody]


@router.get(
    "/{number}/refunds",
    response_model=RefundsBody,
    summary="An order's refunds: credit notes and their payment status",
    responses=responses((404, "no such order")),
)
def refunds(
    number: str = Path(max_length=20, description="order number, e.g. SO-0001234"),
    actor: Actor = Depends(require("read_orders")),
    db: Database = Depends(database),
) -> RefundsBody:
    return RefundsBody.model_validate(order_refunds(db, number))
