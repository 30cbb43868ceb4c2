"""A supervisor releases a stuck tote (`wms-terminal totes release`), saying why.

A tote at packing or sorting, or on a list with nothing picked into it, is simply freed. A tote
on a list being picked that holds picks of that list is not: freed as it is, the next list
would take it while the first list's picks still name it, and those units would be tracked in
no tote. Its contents go with the list instead: the supervisor moves them into another tote
and gives its label (`into`), which takes the released tote's place on the list (in use or
full, as it was). A tote whose list cannot go on at all leaves with the list (`wave cancel`).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.errors import InvalidTransition, ValidationError
from wms_terminal.core.states import TOTE_TRANSITIONS, ToteStatus, require_transition
from wms_terminal.picking.totes import (
    _NEW_TOTE,
    _ON_LIST,
    ToteView,
    _move,
    _row,
    _view,
    _warehouse_id,
    bind,
    mark_full,
    tote_label,
)
from wms_terminal.scanning.text import is_unsafe_char

MAX_REASON = 200


def _reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError("say why the tote is released (--reason)")
    if len(reason) > MAX_REASON or any(is_unsafe_char(c) for c in reason):
        raise ValidationError(f"the reason must be at most {MAX_REASON} printable characters")
    return reason


def _take_into(session: Session, code: str, wh_id: int, list_id: int, status: str) -> None:
    """The tote `code` (free, or a label never seen) goes onto the list in `status`."""
    row = session.execute(
        text("SELECT id, warehouse_id, status FROM tote WHERE code = :c"), {"c": code}
    ).first()
    if row is None:
        require_transition(TOTE_TRANSITIONS, ToteStatus.FREE, ToteStatus.IN_USE, "a tote")
        new = {"w": wh_id, "c": code, "s": ToteStatus.IN_USE, "l": list_id}
        tote_id = int(session.execute(_NEW_TOTE, new).scalar_one())
    else:
        tote_id = int(row[0])
        if int(row[1]) != wh_id:
            raise ValidationError(f"tote {code} belongs to another warehouse")
        if row[2] != ToteStatus.FREE or not bind(session, tote_id, list_id):
            raise InvalidTransition(f"tote {code} is {row[2]}: move the units into a free tote")
    if status == ToteStatus.FULL and not mark_full(session, tote_id):
        raise InvalidTransition(f"tote {code} was moved meanwhile: look again")


def release_tote(
    db: Database, actor: Actor, *, code: str, reason: str, into: str | None = None
) -> ToteView:
    """A supervisor frees a stuck tote, saying why (audited with what it held, the list it was
    on and where its units went). A tote holding picks of a list being picked is refused
    unless `into` names the tote its units were moved to: that tote goes on with the list."""
    require(actor, "release_tote")
    reason = _reason(reason)
    code = tote_label(code)
    target = tote_label(into) if into is not None else None
    if target == code:
        raise ValidationError(f"move the units of tote {code} into another tote")

    def body(session: Session) -> ToteView:
        row = _row(session, code, lock=True)
        tote_id, _, wh, status, list_id = row
        if status == ToteStatus.FREE:
            raise InvalidTransition(f"tote {code} is already free")
        before = _view(session, row)
        on_list = status in _ON_LIST and before.units > 0
        if on_list and target is None:
            raise InvalidTransition(
                f"tote {code} holds {before.units} unit(s) picked on pick list {list_id}, "
                "which is being picked: move them into a free tote and name it (--into), "
                "or cancel the list"
            )
        if not on_list and target is not None:
            raise ValidationError(
                f"tote {code} holds nothing of a list being picked: release it without --into"
            )
        wh_id = _warehouse_id(session, int(tote_id))
        if not _move(session, int(tote_id), str(status), ToteStatus.FREE):
            raise InvalidTransition(f"tote {code} was moved meanwhile: look again")
        if status in _ON_LIST:
            new_id = None
            if target is not None:
                _take_into(session, target, wh_id, int(list_id), str(status))
                new_id = session.execute(
                    text("SELECT id FROM tote WHERE code = :c"), {"c": target}
                ).scalar_one()
            # The list's picks follow their units (or, with none picked, forget the tote).
            session.execute(
                text("UPDATE pick_task SET tote_id = :n WHERE tote_id = :t AND pick_list_id = :l"),
                {"n": new_id, "t": tote_id, "l": list_id},
            )
        record(
            session,
            action="tote_released",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=wh_id,
            entity="tote",
            entity_id=code,
            reason_code="RELEASED",
            reason=reason,
            was=str(status),
            pick_list_id=list_id,
            orders=list(before.orders),
            units=before.units,
            into=target,
        )
        return ToteView(code, str(wh), ToteStatus.FREE, None)

    return db.run(body, what="release a tote")
