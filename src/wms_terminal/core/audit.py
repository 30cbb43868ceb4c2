"""The append-only audit trail, written in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from wms_terminal.core.models import AuditEntry


def record(
    session: Session,
    *,
    action: str,
    user_id: int | None = None,
    terminal: str = "",
    warehouse_id: int | None = None,
    entity: str = "",
    entity_id: str = "",
    reason_code: str = "",
    **detail: Any,
) -> None:
    session.add(
        AuditEntry(
            action=action,
            user_id=user_id,
            terminal=terminal,
            warehouse_id=warehouse_id,
            entity=entity,
            entity_id=entity_id,
            reason_code=reason_code,
            detail=detail,
        )
    )
