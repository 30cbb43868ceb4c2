"""Cart holds (core.cart_holds; docs/payments.md): a channel holds stock for a shopper's cart
until it expires, gives it up, or checks it out into an order.

    PUT    /v1/carts/{channel}/{cart}            hold (again: replace) its lines for ttl_s
    GET    /v1/carts/{channel}/{cart}            the hold as it is now
    DELETE /v1/carts/{channel}/{cart}            give it up: its units are free at once
    POST   /v1/carts/{channel}/{cart}/checkout   the order (import JSON format): 201, or 200
                                                 when that order is already there
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Body, Depends, Path, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from wms_terminal.api.auth import database, require
from wms_terminal.api.errors import ApiError, responses
from wms_terminal.api.routes.orders import MAX_BODY, ORDER_SCHEMA, _json_body
from wms_terminal.core.auth import Actor
from wms_terminal.core.cart_holds import (
    DEFAULT_TTL_S,
    MAX_LINES,
    MAX_QTY,
    MAX_TTL_S,
    CartView,
    cart_view,
    checkout,
    hold_cart,
    release_cart,
)
from wms_terminal.core.db import Database
from wms_terminal.core.errors import InsufficientStock
from wms_terminal.core.order_submit import check_order

router = APIRouter(prefix="/v1/carts", tags=["carts"])

_CHANNEL = Path(max_length=12, description="the channel: web, marketplace, store or phone")
_CART = Path(max_length=80, description="the channel's cart id")


class CartLine(BaseModel):
    sku: str = Field(min_length=1, max_length=40)
    qty: int = Field(ge=1, le=MAX_QTY)


class HoldRequest(BaseModel):
    lines: list[CartLine] = Field(min_length=1, max_length=MAX_LINES)
    ttl_s: int = Field(DEFAULT_TTL_S, ge=1, le=MAX_TTL_S, description="seconds the hold lasts")
    warehouse: str | None = Field(
        None, max_length=20, description="default: the first warehouse that has every line"
    )

    model_config = {
        "json_schema_extra": {"example": {"lines": [{"sku": "KIT-00001", "qty": 2}], "ttl_s": 900}}
    }


class CartBody(BaseModel):
    channel: str
    cart: str
    warehouse: str
    status: str = Field(description="active, checked_out, expired or released")
    expires_at: datetime
    lines: list[CartLine] = Field(description="units held now (none once the hold ended)")
    order: str | None = Field(description="the order it was checked out into")


class CheckoutBody(BaseModel):
    order: str
    status: str
    hold_honoured: bool = Field(
        description="the cart's live hold became the order's reservation (false: it had "
        "expired and the order reserved what was free)"
    )


def _body(view: CartView) -> CartBody:
    return CartBody(
        channel=view.channel,
        cart=view.cart,
        warehouse=view.warehouse,
        status=view.status,
        expires_at=view.expires_at,
        lines=[CartLine(sku=s, qty=q) for s, q in view.lines],
        order=view.order,
    )


@router.put(
    "/{channel}/{cart}",
    response_model=CartBody,
    summary="Hold stock for a cart until ttl_s has passed (again: replace its lines)",
    responses=responses(
        (404, "no such warehouse"),
        (409, "not enough free stock (nothing held), or the cart is checked out"),
    ),
)
def put_cart(
    channel: str = _CHANNEL,
    cart: str = _CART,
    body: HoldRequest = Body(...),
    actor: Actor = Depends(require("hold_stock")),
    db: Database = Depends(database),
) -> CartBody:
    try:
        view = hold_cart(
            db,
            actor,
            channel=channel,
            cart=cart,
            lines=[(ln.sku, ln.qty) for ln in body.lines],
            ttl_s=body.ttl_s,
            warehouse=body.warehouse,
        )
    except InsufficientStock as exc:
        raise ApiError(409, exc.message) from None
    return _body(view)


@router.get(
    "/{channel}/{cart}",
    response_model=CartBody,
    summary="A cart's hold",
    responses=responses((404, "no such cart")),
)
def get_cart(
    channel: str = _CHANNEL,
    cart: str = _CART,
    _actor: Actor = Depends(require("hold_stock")),
    db: Database = Depends(database),
) -> CartBody:
    return _body(cart_view(db, channel=channel, cart=cart))


@router.delete(
    "/{channel}/{cart}",
    response_model=CartBody,
    summary="Give a cart up: its units are free at once",
    responses=responses((404, "no such cart"), (409, "the cart is checked out")),
)
def delete_cart(
    channel: str = _CHANNEL,
    cart: str = _CART,
    actor: Actor = Depends(require("hold_stock")),
    db: Database = Depends(database),
) -> CartBody:
    return _body(release_cart(db, actor, channel=channel, cart=cart))


@router.post(
    "/{channel}/{cart}/checkout",
    status_code=201,
    response_model=CheckoutBody,
    summary="Check a cart out into an order (the import's JSON order; idempotent per order)",
    responses={
        **responses(
            (404, "no such cart"),
            (409, "the cart was checked out into another order"),
            (413, "the body is over 1 MB"),
        ),
        200: {"model": CheckoutBody, "description": "that order is already there"},
        201: {"model": CheckoutBody, "description": "the order, its stock reserved"},
    },
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": ORDER_SCHEMA}}}
    },
)
async def post_checkout(
    request: Request,
    response: Response,
    channel: str = _CHANNEL,
    cart: str = _CART,
    actor: Actor = Depends(require("import_orders")),
    db: Database = Depends(database),
) -> CheckoutBody:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise ApiError(413, f"the body is over {MAX_BODY:,} bytes")
    doc: Any = _json_body(raw)

    def run() -> CheckoutBody:
        order = check_order(db, doc)
        done = checkout(db, actor, channel=channel, cart=cart, order=order)
        response.status_code = 201 if done.created else 200
        return CheckoutBody(order=done.order, status=done.status, hold_honoured=done.hold_honoured)

    return await run_in_threadpool(run)
