"""The picker mode's three kinds of task (pick lists, replenishments, counts) as `Card`s.

Pure functions from the flows' frozen views: no widgets, no database (tested without a screen).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text

from wms_terminal.inbound.move_flow import MoveStep, MoveView
from wms_terminal.picking.count_flow import CountFlowView
from wms_terminal.picking.views import FlowView, TaskView
from wms_terminal.scanning.text import safe_text
from wms_terminal.tui.widgets.task_card import Card


@dataclass(frozen=True)
class Shown:
    """One answer of a flow: the card, a message and an error (both may be empty)."""

    card: Card
    message: str = ""
    error: str = ""
    asks_qty: bool = False
    upcoming: tuple[str, ...] = ()  # the picks after this one (shown on wide screens)


def pick_card(v: FlowView, metres: float | None, who: str = "") -> Card:
    if v.pick_list_id is None:
        return Card(head=f"Picking · {who}" if who else "Picking", prompt=v.prompt)
    line = min(v.done + 1, v.total)
    head = f"List {v.pick_list_id} · line {line} of {v.total}"
    if metres is not None and v.task_id is not None:
        head += f" · {metres:.0f} m"
    if v.task_id is None:
        return Card(head=f"List {v.pick_list_id} · {v.done} of {v.total} done", prompt=v.prompt)
    tote = f"Tote {v.tote}" if v.tote else "No tote yet"
    if v.tote_slot:
        tote += f" · slot {v.tote_slot}"
    return Card(
        head=head,
        location=v.location,
        product=v.product,
        sku=v.sku,
        qty=f"qty {v.qty}",
        tote=tote,
        prompt=v.prompt,
    )


def pick_shown(
    v: FlowView, metres: float | None, later: Sequence[TaskView] = (), who: str = ""
) -> Shown:
    asks = v.step in ("qty", "short_qty", "damaged_qty")
    upcoming = tuple(f"{t.location_code}  {t.sku}  x{t.remaining}" for t in later)
    return Shown(pick_card(v, metres, who), v.message, v.error, asks, upcoming)


def upcoming_text(lines: Sequence[str]) -> Text:
    """The picks still to come, one a line (data as plain text)."""
    if not lines:
        return Text("")
    head = Text(f"Then ({len(lines)})\n", style="bold")
    return head + Text("\n".join(safe_text(ln, limit=60) for ln in lines[:30]))


def move_shown(v: MoveView) -> Shown:
    t = v.task
    if t is None:
        card = Card(head="Replenishment", prompt=v.prompt)
    else:
        urgent = " · URGENT" if t.urgent else ""
        where = t.to_location if v.step is MoveStep.TO else (t.from_location or "")
        card = Card(
            head=f"Replenish task {t.id}{urgent}",
            location=where,
            product=t.product_name,
            sku=t.sku,
            qty=f"qty {t.qty}",
            tote=f"From {t.from_location or '-'} to {t.to_location}",
            prompt=v.prompt,
        )
    return Shown(card, v.message if v.ok else "", "" if v.ok else v.message, v.step is MoveStep.QTY)


def count_shown(v: CountFlowView) -> Shown:
    if v.count_id is None:
        card = Card(head="Counting", prompt=v.prompt)
    else:
        second = " · second count" if v.second else ""
        card = Card(
            head=f"Count {v.count_id}{second}",
            location=v.location,
            product=v.product,
            sku=v.sku,
            qty="blind",
            tote="Count every unit on the shelf",
            prompt=v.prompt,
        )
    return Shown(card, v.message, v.error, v.step == "qty")
