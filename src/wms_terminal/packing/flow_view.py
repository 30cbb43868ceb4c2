"""What the pack flow shows: its frozen `PackView` and the box plan (a mixin of `PackFlow`)."""

from __future__ import annotations

from typing import Any

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.packing import claim, plan
from wms_terminal.packing import close as closing
from wms_terminal.packing.boxes import Box, Item, Packed, Suggestion, smallest, suggest
from wms_terminal.packing.reading import order_view
from wms_terminal.packing.views import Expect, LineRow, OrderView, PackView
from wms_terminal.picking.views import ScanResult


class Showing:
    """The state `PackFlow` keeps, read to build its view."""

    expect: Expect
    order: OrderView | None
    boxes: tuple[Box, ...]
    box: str | None
    choices: tuple[int, ...]
    _orders_in_choice: tuple[str, ...]
    closed: dict[str, Any]
    message: str
    error: str
    db: Database
    actor: Actor
    last_result: ScanResult | None
    weight_g: int | None
    badge: str | None

    def _units(self) -> int:
        o = self.order
        return o.package.units if o is not None and o.package is not None else 0

    def _items(self, lines: dict[int, int]) -> list[Item]:
        assert self.order is not None
        return plan.items(self.order, lines)

    def _package_fit(self) -> Packed | None:
        o = self.order
        if o is None or o.package is None:
            return None
        return smallest(self.boxes, self._items(dict(o.package.lines)))

    def fits_one_more(self, line_id: int) -> bool:
        """Whether the open package with one more unit of the line still fits in one box."""
        o = self.order
        lines = dict(o.package.lines) if o is not None and o.package is not None else {}
        lines[line_id] = lines.get(line_id, 0) + 1
        return smallest(self.boxes, self._items(lines)) is not None

    def next_unit(self) -> int | None:
        """The order line whose unit goes into the open box next, following the box plan (its
        first package for what is left of the order), or None when the box holds the plan's
        first package (close it: CMD-DONE) or nothing is left to verify. Following it makes the
        label's N (`packing.plan.forecast`) come true. Without a plan (nothing fits a box): the
        first line with a unit left, while one more still fits."""
        o = self.order
        if o is None:
            return None
        todo = [x for x in o.lines if x.remaining > 0]
        if not todo:
            return None
        in_box = dict(o.package.lines) if o.package is not None else {}
        sku_in_box: dict[str, int] = {}
        for x in o.lines:
            sku_in_box[x.sku] = sku_in_box.get(x.sku, 0) + in_box.get(x.line_id, 0)
        plan = self.suggestion()
        if plan is None or not plan.packages:
            first = todo[0]
            return first.line_id if not in_box or self.fits_one_more(first.line_id) else None
        wanted: dict[str, int] = {}
        for unit in plan.packages[0].placed:
            wanted[unit.key] = wanted.get(unit.key, 0) + 1
        for x in todo:
            if sku_in_box.get(x.sku, 0) < wanted.get(x.sku, 0):
                return x.line_id
        return None

    def suggestion(self) -> Suggestion | None:
        """The box plan for what is left of the order (the current package included)."""
        o = self.order
        if o is None:
            return None
        lines = {x.line_id: x.remaining for x in o.lines}
        if o.package is not None:
            for lid, qty in o.package.lines.items():
                lines[lid] = lines.get(lid, 0) + qty
        return suggest(self.boxes, self._items({k: v for k, v in lines.items() if v}))

    def view(self) -> PackView:
        o = self.order
        prompt = {
            Expect.TOTE: "Scan a tote or an order",
            Expect.ORDER: "Scan the order",
            Expect.PRODUCT: "Scan the next unit",
            Expect.BOX: "Scan the box",
            Expect.WEIGHT: "Weigh the package",
            Expect.BADGE: "Weight off: supervisor badge + PIN",
            Expect.LABEL: "Scan the printed label",
        }[self.expect]
        barcode: str | None = None
        suggestion: Suggestion | None = None
        expected_kg: float | None = None
        if self.expect is Expect.ORDER and o is not None:
            barcode = o.number
        elif self.expect is Expect.ORDER and self.choices:
            barcode = self._orders_in_choice[0]
        elif self.expect is Expect.BOX:
            fit = self._package_fit()
            barcode = fit.box.code if fit else None
            suggestion = Suggestion((fit,)) if fit else self.suggestion()
        elif self.expect in (Expect.WEIGHT, Expect.BADGE) and o and o.package and self.box:
            tare = next(b.tare_g for b in self.boxes if b.code == self.box)
            expected_kg = closing.expected_weight(o, dict(o.package.lines), tare) / 1000
        elif self.expect is Expect.LABEL:
            barcode = self.closed.get("sscc")
        elif self.expect is Expect.PRODUCT:
            suggestion = self.suggestion()
        pkg = o.package if o else None
        verified = dict(pkg.lines) if pkg else {}
        return PackView(
            expect=self.expect.value,
            prompt=prompt,
            barcode=barcode,
            order=o.number if o else None,
            special=o.special if o else (),
            gift_message=o.gift_message if o and o.gift else "",
            lines=tuple(
                LineRow(x.sku, x.name, x.ready, verified.get(x.line_id, 0), x.remaining)
                for x in (o.lines if o else ())
            ),
            totes_arrived=o.totes_arrived if o else (),
            totes_out=o.totes_out if o else (),
            package=pkg.seq if pkg else (self.closed.get("seq") if self.closed else None),
            suggestion=suggestion,
            expected_kg=expected_kg,
            sscc=self.closed.get("sscc"),
            tracking=self.closed.get("tracking"),
            message=self.message,
            error=self.error,
            data=dict(self.closed),
        )

    def _to_box(self) -> None:
        self.expect = Expect.BOX
        self.box = None
        packed = self._package_fit()
        self.message = (
            f"box {packed.box.code}" if packed else "no single box holds this: scan a big box"
        )

    def _leave(self, note: str) -> None:
        if self.order is not None:
            claim.release(self.db, self.actor, self.order.order_id)
        self.order, self.expect, self.choices = None, Expect.TOTE, ()
        self.box = self.weight_g = self.badge = None
        self.closed = {}
        self.message = note

    def _took(self, r: ScanResult) -> bool:
        self.last_result = r
        if r.accepted:
            self.message = r.message
            return True
        self.error = r.message
        return False

    def _reload(self) -> None:
        assert self.order is not None
        with self.db.reading() as s:
            self.order = order_view(s, self.order.order_id)
