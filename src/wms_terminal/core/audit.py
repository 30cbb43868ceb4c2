"""The append-only audit trail, written in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import DateTime, bindparam, text
from sqlmodel import Session

from wms_terminal.core.models import AuditEntry
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.statements import Statement, json_value

_INSERT = text(
    "INSERT INTO audit_log (at, warehouse_id, user_id, terminal, action, entity, entity_id, "
    "reason_code, detail) VALUES (:at, :w, :u, :t, :action, :entity, :eid, :reason, :detail)"
).bindparams(bindparam("at", type_=DateTime(timezone=True)))


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


def audit_statement(
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
) -> Statement:
    """The same entry as `record`, as a statement to send with others (`run_together`)."""
    return Statement(
        _INSERT,
        {
            "at": utcnow(),
            "w": warehouse_id,
            "u": user_id,
            "t": terminal,
            "action": action,
            "entity": entity,
            "eid": entity_id,
            "reason": reason_code,
            "detail": json_value(session, detail),
        },
    )
