"""The payment provider's answer for an order: POST /v1/orders/{order}/payment (authorised or
declined, amount, reference), idempotent per reference (core.payments; docs/payments.md)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Literal

from fastapi import APIRouter, Body, Depends, Path, Response
from pydantic import BaseModel, Field

from wms_terminal.api.auth import database, require
from wms_terminal.api.errors import ApiError, responses
from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.errors import ValidationError
from wms_terminal.core.payments import PaymentConflict, record_payment

router = APIRouter(prefix="/v1/orders", tags=["payments"])


class PaymentRequest(BaseModel):
    outcome: Literal["authorised", "declined"]
    amount: str | float = Field(description="the amount authorised, in the order's currency")
    reference: str = Field(
        min_length=1, max_length=80, description="the provider's reference of this answer"
    )
    currency: str | None = Field(None, max_length=3, description="default: the order's")

    model_config = {
        "json_schema_extra": {
            "example": {"outcome": "authorised", "amount": "19.90", "reference": "psp-8812"}
        }
    }


class PaymentBody(BaseModel):
    order: str
    status: str = Field(description="the order's status, e.g. reserved")
    hold: str = Field(description="what the order still waits for ('' nothing): payment, ...")
    waits_for: str
    outcome: str
    reference: str
    amount: str
    currency: str
    repeated: bool = Field(description="the same answer was recorded before: nothing changed")


def _amount(raw: str | float) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValidationError(f"amount must be a number, not {str(raw)[:40]!r}") from None
    if not value.is_finite():
        raise ValidationError(f"amount must be a number, not {str(raw)[:40]!r}")
    return value


@router.post(
    "/{number}/payment",
    status_code=201,
    response_model=PaymentBody,
    summary="Record the payment provider's answer (idempotent per reference)",
    responses={
        **responses(
            (404, "no such order"),
            (
                409,
                "the reference was recorded with another answer, or the order is cancelled "
                "or already on the floor",
            ),
        ),
        200: {"model": PaymentBody, "description": "already recorded: nothing changed"},
        201: {"model": PaymentBody, "description": "recorded"},
    },
)
def post_payment(
    response: Response,
    number: str = Path(max_length=20, description="order number, e.g. SO-0001234"),
    body: PaymentRequest = Body(...),
    actor: Actor = Depends(require("record_payment")),
    db: Database = Depends(database),
) -> PaymentBody:
    try:
        done = record_payment(
            db,
            actor,
            number=number,
            outcome=body.outcome,
            amount=_amount(body.amount),
            reference=body.reference,
            currency=body.currency,
        )
    except PaymentConflict as exc:
        raise ApiError(409, exc.message) from None
    response.status_code = 200 if done.repeated else 201
    data = done.as_data()
    return PaymentBody(**data)  # type: ignore[arg-type]
