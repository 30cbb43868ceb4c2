"""Orders: create one (the JSON import format, idempotent per channel + external id), read its
status, cancel it. The same core code as `orders import` and `orders cancel`."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Body, Depends, Path, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from wms_terminal.api.auth import database, require
from wms_terminal.api.errors import ApiError, responses
from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.errors import InvalidTransition
from wms_terminal.core.order_cancel import cancel_order
from wms_terminal.core.order_input import ImportFileError, Problem
from wms_terminal.core.order_status import current_status, order_status
from wms_terminal.core.order_submit import OrderQueue, Submitted, check_order
from wms_terminal.core.states import OrderStatus

router = APIRouter(prefix="/v1/orders", tags=["orders"])

MAX_BODY = 1_000_000  # bytes: an order is a few kilobytes


class OrderAccepted(BaseModel):
    order: str = Field(description="the order number, e.g. SO-0001234")
    status: str = Field(description="the order's status, e.g. reserved, backordered")


class LineStatusBody(BaseModel):
    sku: str
    qty: int
    reserved: int
    backordered: int
    picked: int
    packed: int
    shipped: int


class OrderStatusBody(BaseModel):
    order: str
    status: str
    channel: str
    external_id: str
    warehouse: str | None
    currency: str
    total: str
    lines: list[LineStatusBody]


class CancelRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=200, description="why (kept in the audit log)")


class CancelledBody(BaseModel):
    order: str
    status: str
    status_before: str
    units_released: int
    backorders_filled: list[str]


_TEXT = {"type": "string", "maxLength": 200}
_AMOUNT = {"anyOf": [{"type": "string", "maxLength": 20}, {"type": "number"}]}
# The import's JSON order (docs/order-import.md), for the OpenAPI document. The body is checked
# by the import's own code, which reports every problem at once (pydantic would stop at types).
ORDER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["channel", "external_id", "currency", "customer", "ship_to", "lines"],
    "additionalProperties": False,
    "properties": {
        "channel": {"type": "string", "enum": ["web", "marketplace", "store", "phone"]},
        "external_id": {"type": "string", "maxLength": 80},
        "currency": {"type": "string", "maxLength": 3},
        "customer": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": _TEXT,
                "email": _TEXT,
                "phone": _TEXT,
                "ref": _TEXT,
                # ISO 639-1, e.g. "de": the language of the customer's e-mails
                "language": {"type": "string", "maxLength": 2},
            },
        },
        "ship_to": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": _TEXT,
                "street": _TEXT,
                "city": _TEXT,
                "postcode": _TEXT,
                "country": {"type": "string", "maxLength": 2},
                "latitude": {"type": "number"},
                "longitude": {"type": "number"},
            },
        },
        "lines": {
            "type": "array",
            "minItems": 1,
            "maxItems": 50,
            "items": {
                "type": "object",
                "required": ["sku", "qty", "unit_price"],
                "additionalProperties": False,
                "properties": {
                    "sku": {"type": "string", "maxLength": 40},
                    "qty": {"type": "integer"},
                    "unit_price": _AMOUNT,
                },
            },
        },
        "shipping": _AMOUNT,
        "tax": _AMOUNT,
        "flags": {"type": "array", "items": {"type": "string", "maxLength": 20}, "maxItems": 10},
        "gift_message": _TEXT,
        "carrier_service": {"type": "string", "maxLength": 40},
        "ship_by": {"type": "string", "format": "date-time"},
        "priority": {"type": "integer"},
        "ordered_at": {"type": "string", "format": "date-time"},
    },
    "example": {
        "channel": "web",
        "external_id": "WEB-3001",
        "currency": "EUR",
        "customer": {"name": "Ada Jansen", "email": "ada@example.com"},
        "ship_to": {"name": "Ada Jansen", "city": "Utrecht", "country": "NL"},
        "lines": [{"sku": "KIT-00001", "qty": 2, "unit_price": "9.95"}],
    },
}


@router.post(
    "",
    status_code=201,
    response_model=OrderAccepted,
    summary="Create one order (idempotent per channel and external id)",
    responses={
        **responses((413, "the body is over 1 MB")),
        200: {"model": OrderAccepted, "description": "already present: nothing created"},
        201: {"model": OrderAccepted, "description": "created and reserved"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": ORDER_SCHEMA}},
        }
    },
)
async def create_order(
    request: Request,
    response: Response,
    actor: Actor = Depends(require("import_orders")),
    db: Database = Depends(database),
) -> OrderAccepted:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise ApiError(413, f"the body is over {MAX_BODY:,} bytes")
    doc = _json_body(raw)
    done = await run_in_threadpool(_take, db, request.app.state.orders, actor, doc)
    response.status_code = 201 if done.created else 200
    return OrderAccepted(order=done.number, status=done.status)


def _take(db: Database, orders: OrderQueue, actor: Actor, doc: Any) -> Submitted:
    return orders.submit(actor, check_order(db, doc))


def _json_body(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ImportFileError("order", [Problem("body", "not UTF-8")]) from exc
    except json.JSONDecodeError as exc:
        where = f"body line {exc.lineno}"
        raise ImportFileError("order", [Problem(where, f"broken JSON: {exc.msg}")]) from exc
    except (ValueError, RecursionError) as exc:
        raise ImportFileError("order", [Problem("body", f"unreadable JSON: {exc}")]) from exc


_NUMBER = Path(max_length=20, description="order number, e.g. SO-0001234")


@router.get(
    "/{number}",
    response_model=OrderStatusBody,
    summary="An order's status and progress per line",
    responses=responses((404, "no such order")),
)
def get_order(
    number: str = _NUMBER,
    actor: Actor = Depends(require("read_orders")),
    db: Database = Depends(database),
) -> OrderStatusBody:
    view = order_status(db, actor, number)
    return OrderStatusBody(
        order=view.number,
        status=view.status,
        channel=view.channel,
        external_id=view.external_id,
        warehouse=view.warehouse,
        currency=view.currency,
        total=view.total,
        lines=[LineStatusBody(**ln.__dict__) for ln in view.lines],
    )


@router.post(
    "/{number}/cancel",
    response_model=CancelledBody,
    summary="Cancel an order not yet on a wave (again: answers the cancelled order)",
    responses=responses((404, "no such order"), (409, "the order is on a wave, packed or shipped")),
)
def cancel(
    number: str = _NUMBER,
    body: CancelRequest = Body(...),
    actor: Actor = Depends(require("cancel_order")),
    db: Database = Depends(database),
) -> CancelledBody:
    try:
        done = cancel_order(db, actor, number=number, reason=body.reason)
    except InvalidTransition:
        if current_status(db, number) != OrderStatus.CANCELLED:
            raise
        # A retried cancel (the first answer was lost): the same outcome, nothing more to do.
        return CancelledBody(
            order=number.strip(),
            status=OrderStatus.CANCELLED,
            status_before=OrderStatus.CANCELLED,
            units_released=0,
            backorders_filled=[],
        )
    return CancelledBody(
        order=done.number,
        status=OrderStatus.CANCELLED,
        status_before=done.status_before,
        units_released=done.units_released,
        backorders_filled=list(done.refilled),
    )
