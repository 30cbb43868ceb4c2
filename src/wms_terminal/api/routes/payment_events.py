"""The payment provider's outbox (core.payment_events): refunds waiting to be paid, and the
provider's acknowledgement of each (sent, or failed with a reason; a failed one retried)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, Path, Query
from pydantic import BaseModel, Field

from wms_terminal.api.auth import database, require
from wms_terminal.api.errors import responses
from wms_terminal.core import payment_events as pe
from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.payment_events import MAX_ID

router = APIRouter(prefix="/v1/payment-events", tags=["payment events"])


class PaymentEventBody(BaseModel):
    id: int
    kind: str
    status: str
    order: str
    credit_note: str | None
    amount: str
    currency: str
    last_error: str
    created_at: str
    sent_at: str | None
    payload: dict[str, Any]


class AckRequest(BaseModel):
    outcome: Literal["sent", "failed"] = Field(description="sent: paid; failed: not paid")
    reason: str = Field("", max_length=500, description="why it failed (needed for failed)")


_ID = Path(ge=1, le=MAX_ID, description="the payment event's id")


@router.get(
    "",
    response_model=list[PaymentEventBody],
    summary="Payment events (refunds to pay), oldest first; pending by default",
    responses=responses(),
)
def list_payment_events(
    status: Literal["pending", "sent", "failed", "all"] = Query("pending"),
    after: int = Query(0, ge=0, le=MAX_ID, description="ids after this one"),
    limit: int = Query(100, ge=1, le=pe.MAX_PAGE),
    actor: Actor = Depends(require("settle_payments")),
    db: Database = Depends(database),
) -> list[PaymentEventBody]:
    got = pe.list_events(db, status=None if status == "all" else status, after=after, limit=limit)
    return [PaymentEventBody(**e.to_json()) for e in got]


@router.post(
    "/{event_id}/acknowledge",
    response_model=PaymentEventBody,
    summary="The provider's answer: sent (paid) or failed with a reason",
    responses=responses((404, "no such payment event"), (409, "not pending")),
)
def acknowledge(
    event_id: int = _ID,
    body: AckRequest = Body(...),
    actor: Actor = Depends(require("settle_payments")),
    db: Database = Depends(database),
) -> PaymentEventBody:
    done = pe.acknowledge(db, actor, event_id, outcome=body.outcome, reason=body.reason)
    return PaymentEventBody(**done.to_json())


@router.post(
    "/{event_id}/retry",
    response_model=PaymentEventBody,
    summary="A failed payment event pending again",
    responses=responses((404, "no such payment event"), (409, "not failed")),
)
def retry(
    event_id: int = _ID,
    actor: Actor = Depends(require("settle_payments")),
    db: Database = Depends(database),
) -> PaymentEventBody:
    return PaymentEventBody(**pe.retry(db, actor, event_id).to_json())
