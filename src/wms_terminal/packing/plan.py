"""How many packages an order ships in: the N of "package n of N".

A serious station prints the label on the close of each package, before the order's last unit
is boxed, so N is a forecast: at each close, N = the packages closed so far (this one included)
+ the packages the box plan (`boxes.suggest`) needs for the units still to verify. It is stored
on the package (`package.package_count`) and printed from there. When the packer departs from the
plan (another box, CMD-DONE on a half-full box, units arriving later), the forecast was wrong: at
the order's last close every closed package gets the real N, and each whose label said another N
is relabelled (a new label job with the same SSCC, audited) and named to the packer.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlmodel import Session, select

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor
from wms_terminal.core.models import BoxType, PrintJob
from wms_terminal.packing.boxes import Box, Item, suggest
from wms_terminal.packing.views import OrderView


def box_types(session: Session) -> tuple[Box, ...]:
    return tuple(
        Box(
            b.code,
            b.inner_length_mm,
            b.inner_width_mm,
            b.inner_height_mm,
            b.max_weight_g,
            b.tare_weight_g,
        )
        for b in session.exec(select(BoxType)).all()
    )


def items(view: OrderView, lines: dict[int, int]) -> list[Item]:
    """The units of `lines` (order line id -> units) as items for the box plan."""
    by = {x.line_id: x for x in view.lines}
    out: list[Item] = []
    for lid, qty in sorted(lines.items()):
        x = by[lid]
        # A product without dimensions counts as 1 mm each way: it fits (the packer sees).
        length, width, height = (max(1, d) for d in x.dims_mm)
        out.extend(Item(x.sku, length, width, height, x.weight_g) for _ in range(qty))
    return out


def forecast(boxes: Sequence[Box], view: OrderView) -> int:
    """N at the close of the order's open package (`view` read before the close): the packages
    closed before, this one, and the plan's packages for the units not verified yet."""
    rest = {x.line_id: x.remaining for x in view.lines if x.remaining > 0}
    planned = suggest(boxes, items(view, rest)) if rest else None
    later = len(planned.packages) + len(planned.unplaceable) if planned else 0
    return view.closed_packages + 1 + later


def settle_count(
    session: Session, actor: Actor, view: OrderView, *, closing: int | None = None
) -> list[int]:
    """The order is packed: every closed package gets the real N; those whose label said another
    N get a new label (same SSCC), except `closing` (closed in this transaction: its label job,
    not printed yet, reads the real N). Returns the seq numbers of the packages to relabel."""
    rows = session.execute(
        text(
            "SELECT id, seq, package_count, status FROM package WHERE order_id = :o "
            "AND status IN ('closed', 'shipped') ORDER BY seq, id"
        ),
        {"o": view.order_id},
    ).all()
    final = len(rows)
    relabel: list[int] = []
    for pid, seq, said, status in rows:
        if said == final:
            continue
        session.execute(
            text("UPDATE package SET package_count = :n WHERE id = :p"), {"n": final, "p": pid}
        )
        if said is None or status != "closed" or pid == closing:
            continue  # its label prints from here on, or it has been handed over already
        session.add(
            PrintJob(
                warehouse_id=view.warehouse_id,
                kind="shipping_label",
                package_id=int(pid),
                station=actor.terminal,
            )
        )
        record(
            session,
            action="package_relabelled",
            user_id=actor.user_id,
            terminal=actor.terminal,
            warehouse_id=view.warehouse_id,
            entity="package",
            entity_id=str(pid),
            order=view.number,
            seq=int(seq),
            said=int(said),
            count=final,
        )
        relabel.append(int(seq))
    return relabel
