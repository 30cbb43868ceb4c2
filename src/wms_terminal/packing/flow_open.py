"""Opening an order at the pack station: from a tote, an order number or a pick list; a tote
of several orders asks which; an order still being picked shows its totes arrived and out; a
held order asks to be resumed (a mixin of `PackFlow`)."""

from __future__ import annotations

from collections.abc import Callable

from wms_terminal.core.errors import NotFound
from wms_terminal.packing import service
from wms_terminal.packing.flow_view import Showing
from wms_terminal.packing.reading import (
    order_id_by_number,
    order_view,
    orders_in_tote,
    tote_status,
)
from wms_terminal.packing.views import Expect, OrderView, PackView
from wms_terminal.packing.work import waiting


class Opening(Showing):
    _new_id: Callable[[], str]

    def _tote(self, code: str) -> PackView:
        with self.db.reading() as s:
            status = tote_status(s, code)
            ids = orders_in_tote(s, code) if status in ("at_packing", "at_sorting") else []
        if status is None:
            self.error = f"unknown tote {code}"
        elif status in ("in_use", "full"):
            self.error = f"tote {code} is still being picked"
        elif status == "free":
            self.error = f"tote {code} is empty (free)"
        if self.error:
            return self.view()
        return self._among(ids, f"tote {code}")

    def _among(self, ids: list[int], where: str) -> PackView:
        todo = []
        with self.db.reading() as s:
            for oid in ids:
                v = order_view(s, oid)
                if v.status in service.PACKABLE or v.units_out:
                    todo.append(v)
        if not todo:
            self.error = f"nothing to pack in {where}"
            return self.view()
        if len(todo) == 1:
            return self._show(todo[0])
        self.choices = tuple(v.order_id for v in todo)
        self.order, self.expect = None, Expect.ORDER
        self.message = f"{where} holds {len(todo)} orders: scan the order to pack"
        self._orders_in_choice = tuple(v.number for v in todo)
        return self.view()

    def _order(self, number: str) -> PackView:
        try:
            with self.db.reading() as s:
                v = order_view(s, order_id_by_number(s, number))
        except NotFound as exc:
            self.error = exc.message
            return self.view()
        held = v.package is not None and v.package.status == "held"
        if self.order is not None and self.order.order_id == v.order_id and held:
            if not self._claim(v):
                return self.view()
            r = service.resume(self.db, self.actor, scan_id=self._new_id(), order_id=v.order_id)
            if self._took(r):
                self._reload()
                self._after_open()
            return self.view()
        return self._show(v)

    def _show(self, v: OrderView) -> PackView:
        self.order, self.choices = v, ()
        self.box = self.weight_g = self.badge = None
        self.closed = {}
        if v.status not in service.PACKABLE:
            self.expect = Expect.TOTE
            if v.units_out:
                self.error = (
                    f"{v.number}: {v.units_out} unit(s) still being picked; arrived: "
                    f"{', '.join(v.totes_arrived) or 'none'}; out: {', '.join(v.totes_out) or '-'}"
                    ": set the arrived totes aside until the rest come"
                )
            else:
                self.error = f"{v.number} is {v.status}: nothing to pack"
            return self.view()
        if v.package is not None and v.package.status == "held":
            self.expect = Expect.ORDER
            self.message = (
                f"{v.number} is on hold ({v.package.hold_reason}): scan the order again to "
                "resume it, CMD-SHORT to ship without the missing units"
            )
            return self.view()
        if self._claim(v):
            self._after_open()
        return self.view()

    def _claim(self, v: OrderView) -> bool:
        """Claim the order for this station; when another station has it, say who and offer
        the next order waiting."""
        r = service.open_order(self.db, self.actor, scan_id=self._new_id(), order_id=v.order_id)
        if r.accepted:
            return True
        self.order, self.expect, self.last_result = None, Expect.TOTE, r
        self.error = r.message
        with self.db.reading() as s:
            nxt = waiting(
                s, v.warehouse_id, self.actor.user_id or 0, terminal=self.actor.terminal, limit=1
            )
        if nxt:
            self.message = f"next order: {nxt[0].number} (scan {nxt[0].barcode})"
        return False

    def _after_open(self) -> None:
        v = self.order
        assert v is not None
        self.expect = Expect.PRODUCT
        notes = [*v.special]
        if len(v.totes_arrived) > 1:
            notes.append(f"consolidate totes {', '.join(v.totes_arrived)}")
        if v.remaining == 0 and self._units():
            self._to_box()
        self.message = "\n".join(notes)

    def _tote_of_order(self, code: str) -> PackView:
        assert self.order is not None
        if code in self.order.totes_arrived:
            self.message = f"tote {code} is one of {self.order.number}'s"
        else:
            self.error = f"tote {code} holds nothing of {self.order.number}"
        return self.view()
