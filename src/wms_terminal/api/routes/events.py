"""The business event feed (core.events): events after a cursor, oldest first."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from wms_terminal.api.auth import database, require
from wms_terminal.api.errors import responses
from wms_terminal.core import events
from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.events import MAX_ID

router = APIRouter(prefix="/v1/events", tags=["events"])


class EventBody(BaseModel):
    id: int = Field(description="increasing, without gaps: keep the last one as your cursor")
    kind: str = Field(description=", ".join(events.KINDS))
    created_at: str
    warehouse: str | None
    data: dict[str, Any]


class FeedBody(BaseModel):
    events: list[EventBody]
    next_after: int = Field(description="`after` of the next call")


@router.get(
    "",
    response_model=FeedBody,
    summary="Events after a cursor (order shipped, delivered, refunded, cancelled, ...)",
    responses=responses(),
)
def feed(
    after: int = Query(0, ge=0, le=MAX_ID, description="the last event id you have seen"),
    limit: int = Query(100, ge=1, le=events.MAX_PAGE, description="events per page"),
    kind: str = Query("", max_length=300, description="only these kinds (comma-separated)"),
    actor: Actor = Depends(require("read_events")),
    db: Database = Depends(database),
) -> FeedBody:
    got = events.read_feed(db, after=after, limit=limit, kinds=kind)
    return FeedBody(
        events=[EventBody(**e.to_json()) for e in got],
        next_after=got[-1].id if got else after,
    )
