"""The pack flow: a plain object, independent of any screen, that the packer's screen, the
headless driver (`pack --headless`) and the tests drive the same way.

    tote --tote/order scan--> product --every unit verified (or CMD-DONE: this box is full)-->
    box --box scan (the suggested one, or another: an override)--> weight --weight keyed or
    read from the scale--> [badge: a supervisor's badge + PIN when the weight is off] -->
    (close: SSCC, carrier, tracking, print jobs) --> label --the printed label's SSCC scanned-->
    product (the order's next package) or tote (the next order)

`view().expect` says what the station waits for ("tote", "order", "product", "box", "weight",
"badge", "label") and `view().barcode` the code that satisfies it where the system knows it
(the suggested box, the SSCC of the label just printed, the order to resume). A tote or an order
scan opens the order; a tote holding several orders (from consolidation) asks which order. An
order still being picked elsewhere (zone or batch picking) shows which of its totes have
arrived and which are still out, and waits for them. A held order asks for its number to be
scanned again to resume it.

Commands: CMD-SHORT ships the units not verified short (reason MISSING), CMD-DAMAGED likewise
(reason DAMAGED), CMD-SKIP holds the order (MISSING) and sets it aside, CMD-DONE closes the box
with what is in it (the rest goes into the next package), CMD-CANCEL goes back one step (from
product: the order is set aside, its package kept open), CMD-HELP. Every call returns a frozen
`PackView`; a rejected scan changes nothing and leaves the step where it was.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from wms_terminal.core.auth import Actor, authenticate, require
from wms_terminal.core.codes import Command, pick_list_id
from wms_terminal.core.db import Database
from wms_terminal.core.errors import AuthenticationFailed
from wms_terminal.packing import close as closing
from wms_terminal.packing import plan, service
from wms_terminal.packing.flow_open import Opening
from wms_terminal.packing.reading import (
    orders_on_list,
)
from wms_terminal.packing.reopen import reopen as reopen_package
from wms_terminal.packing.scale import Scale
from wms_terminal.packing.views import HELP, Expect, OrderView, PackView
from wms_terminal.picking.scan_input import ScanFlow, atomic
from wms_terminal.picking.views import ScanResult
from wms_terminal.scanning.scan import Scan
from wms_terminal.scanning.symbology import Kind
from wms_terminal.scanning.text import preview


def _new_id() -> str:
    return uuid.uuid4().hex


class PackFlow(Opening, ScanFlow[PackView]):
    """One packer at one station."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        *,
        new_id: Callable[[], str] = _new_id,
        scale: Scale | None = None,
        auto_close: bool = False,
    ) -> None:
        require(actor, "pack")
        self.db = db
        self.scale = scale
        # With a scale: the last unit's scan takes the suggested box, reads the scale and
        # closes (the label prints without a key); any doubt leaves the box or weight asked.
        self.auto_close = auto_close and scale is not None
        self.actor = actor
        self._new_id = new_id
        self.expect = Expect.TOTE
        self.order: OrderView | None = None
        self.choices: tuple[int, ...] = ()  # orders of a tote to choose from
        self._orders_in_choice: tuple[str, ...] = ()
        self.box: str | None = None
        self.weight_g: int | None = None
        self.badge: str | None = None
        self.closed: dict[str, Any] = {}
        self.message = ""
        self.error = ""
        self.last_result: ScanResult | None = None
        with db.reading() as s:
            self.boxes = plan.box_types(s)

    # -- driving --------------------------------------------------------------------------

    @atomic
    def scan(self, scan: Scan | str) -> PackView:
        s, answered = self.read(scan)
        if answered is not None:
            return answered
        got = s.got
        if self.expect is Expect.BOX and got.kind in (Kind.UNKNOWN, Kind.INVALID):
            return self._box(s.text.strip())
        listed = pick_list_id(s.text) if got.kind is Kind.UNKNOWN else None
        if listed is not None and self.expect in (Expect.TOTE, Expect.ORDER):
            return self._pick_list(listed)
        if not got.ok:
            self.error = got.error or "unreadable scan"
            return self.view()
        if self.expect in (Expect.TOTE, Expect.ORDER):
            if got.kind is Kind.TOTE:
                return self._tote(str(got.fields["barcode"]))
            if got.kind is Kind.ORDER:
                return self._order(str(got.fields["order"]))
            self.error = "scan a tote or an order number"
            return self.view()
        assert self.order is not None
        if self.expect is Expect.PRODUCT:
            if got.kind is Kind.TOTE:
                return self._tote_of_order(str(got.fields["barcode"]))
            r = service.verify(
                self.db,
                self.actor,
                scan_id=s.scan_id,
                order_id=self.order.order_id,
                raw=s.text,
                symbology=s.symbology,
            )
            if self._took(r):
                self._reload()
                if self.order.remaining == 0 and self._units():
                    self._to_box()
                    if self.auto_close:
                        return self._auto_close(s.scan_id)
            elif r.code == "not_packable":  # packed (or cancelled) meanwhile at another station
                error = self.error
                self._leave("")
                self.error = error
            return self.view()
        if self.expect is Expect.LABEL:
            return self._label(got.kind, str(got.fields.get("sscc", "")))
        if self.expect is Expect.BADGE and got.kind is Kind.BADGE:
            self.badge = str(got.fields["badge"])
            self.message = "PIN of the supervisor"
            return self.view()
        self.error = {
            Expect.BOX: "scan a box type (e.g. BOX-M)",
            Expect.WEIGHT: "key the weight in grams, or put the package on the scale",
            Expect.BADGE: "a supervisor scans their badge",
        }.get(self.expect, "not expected here")
        return self.view()

    @atomic
    def open(self, *, order: str | None = None, pick_list: int | None = None) -> PackView:
        """Open an order by number, or an order of a pick list (keyed; its sheet's PL- barcode
        scanned does the same)."""
        self.message = self.error = ""
        if order is not None:
            return self._order(order)
        return self._pick_list(int(pick_list or 0))

    def _pick_list(self, list_id: int) -> PackView:
        with self.db.reading() as s:
            ids = orders_on_list(s, list_id)
        return self._among(ids, f"pick list {list_id}")

    @atomic
    def key_weight(self, grams: int, *, scan_id: str | None = None) -> PackView:
        self.message = self.error = ""
        if self.expect is not Expect.WEIGHT:
            self.error = "no weight asked now"
            return self.view()
        if not 0 < grams <= 1_000_000:
            self.error = "a weight in grams, more than 0"
            return self.view()
        self.weight_g = grams
        return self._close(scan_id or self._new_id(), None)

    def weigh(self, *, timeout: float = 2.0) -> PackView:
        """Read the scale (when the station has one) and close with its weight."""
        if self.expect is not Expect.WEIGHT or self.scale is None:
            self.message, self.error = "", "no scale here: key the weight in grams"
            return self.view()
        grams = self.scale.read_grams(timeout)
        if grams is None:
            self.message, self.error = "", "no steady weight from the scale: key it in"
            return self.view()
        return self.key_weight(grams)

    def _auto_close(self, scan_id: str) -> PackView:
        assert self.scale is not None
        fit = self._package_fit()
        if fit is None:
            return self.view()
        self.box, self.expect = fit.box.code, Expect.WEIGHT
        grams = self.scale.read_grams(2.0)
        if grams is None:
            self.message = f"{fit.box.code}: weigh it (the scale gave no steady weight)"
            return self.view()
        self.weight_g = grams
        # Derived from the last scan's id: a replayed scan closes the package once.
        return self._close(f"{scan_id[:60]}-c", None)

    @atomic
    def approve(self, pin: str, *, badge: str | None = None) -> PackView:
        """A supervisor accepts the weight with badge (scanned, or given here) + PIN."""
        self.message = self.error = ""
        badge = badge or self.badge
        if self.expect is not Expect.BADGE or not badge:
            self.error = "a supervisor scans their badge first"
            return self.view()
        try:
            who = authenticate(self.db, badge=badge, pin=pin, terminal=self.actor.terminal)
        except AuthenticationFailed as exc:
            self.badge = None
            self.error = exc.message
            return self.view()
        if not who.can("approve_weight"):
            self.badge = None
            self.error = f"{who.username} may not accept a weight: a supervisor does"
            return self.view()
        return self._close(self._new_id(), who)

    @atomic
    def restart(self, *, scan_id: str | None = None) -> PackView:
        """Empty the open (or held) package: its units are verified again from the start."""
        self.message = self.error = ""
        if self.order is None or self.expect in (Expect.TOTE, Expect.LABEL):
            self.error = "no package being packed"
            return self.view()
        sid = scan_id or self._new_id()
        r = service.cancel_package(self.db, self.actor, scan_id=sid, order_id=self.order.order_id)
        if self._took(r):
            self._reload()
            self.expect, self.box, self.weight_g, self.badge = Expect.PRODUCT, None, None, None
        return self.view()

    @atomic
    def reopen(self, sscc: str, *, scan_id: str | None = None) -> PackView:
        """Open a closed package again (before hand-over): its order comes up to pack on."""
        self.message = self.error = ""
        if self.expect is not Expect.TOTE:
            self.error = "finish or set aside the current order first"
            return self.view()
        r = reopen_package(self.db, self.actor, scan_id=scan_id or self._new_id(), sscc=sscc)
        if not self._took(r):
            return self.view()
        note = r.message
        self._order(str(r.data["order"]))
        self.message = "\n".join(m for m in (note, self.message) if m)
        return self.view()

    @atomic
    def command(self, cmd: Command, *, scan_id: str | None = None) -> PackView:
        self.message = self.error = ""
        sid = scan_id or self._new_id()
        if cmd is Command.HELP:
            self.message = HELP
            return self.view()
        o = self.order
        held = o is not None and o.package is not None and o.package.status == "held"
        if held and self.expect is Expect.ORDER and cmd in (Command.SHORT, Command.DAMAGED):
            assert o is not None
            if not self._claim(o):  # a held order shipped short: the station takes it first
                return self.view()
            self.expect = Expect.PRODUCT
        if o is None or self.expect in (Expect.TOTE, Expect.ORDER):
            self.error = "scan a tote or an order first"
            return self.view()
        if cmd is Command.CANCEL:
            if self.expect in (Expect.BOX, Expect.WEIGHT, Expect.BADGE):
                self.expect, self.box, self.weight_g, self.badge = Expect.PRODUCT, None, None, None
            elif self.expect is Expect.PRODUCT:
                self._leave(f"{o.number} set aside: its package stays open")
            else:
                self.error = "scan the printed label (CMD-DONE if it did not print)"
            return self.view()
        if self.expect is Expect.LABEL:
            if cmd is Command.DONE:
                self._after_label("label not scanned: reprint it from the print queue")
            else:
                self.error = "scan the printed label"
            return self.view()
        if cmd in (Command.SHORT, Command.DAMAGED):
            reason = "DAMAGED" if cmd is Command.DAMAGED else "MISSING"
            r = service.short(self.db, self.actor, scan_id=sid, order_id=o.order_id, reason=reason)
            if self._took(r):
                self._reload()
                if r.data.get("order_status") in ("packed", "cancelled"):
                    self._leave(r.message)
                elif self._units():
                    self._to_box()
            return self.view()
        if cmd is Command.SKIP:
            r = service.hold(
                self.db, self.actor, scan_id=sid, order_id=o.order_id, reason="MISSING"
            )
            if self._took(r):
                self._leave(r.message)
            return self.view()
        if cmd is Command.DONE and self.expect is Expect.PRODUCT:
            if not self._units():
                self.error = "nothing in the box yet: scan the units first"
                return self.view()
            self._to_box()
            return self.view()
        self.error = "not a command for this step"
        return self.view()

    # -- steps ----------------------------------------------------------------------------

    def _box(self, code: str) -> PackView:
        if not any(b.code == code for b in self.boxes):
            self.error = f"not a box type: {preview(code)}"
            return self.view()
        self.box = code
        self.expect = Expect.WEIGHT
        return self.view()

    def _close(self, scan_id: str, approver: Actor | None) -> PackView:
        assert self.order is not None and self.box is not None and self.weight_g is not None
        r = closing.close(
            self.db,
            self.actor,
            scan_id=scan_id,
            order_id=self.order.order_id,
            box=self.box,
            weight_g=self.weight_g,
            approver=approver,
        )
        if r.accepted:
            self._took(r)
            self.closed = dict(r.data)
            self.expect = Expect.LABEL
            self.badge = None
            self._reload()
            return self.view()
        self.last_result = r
        if r.code == "weight_off":
            self.expect = Expect.BADGE
            self.error = r.message
            return self.view()
        self.error = r.message
        if approver is not None:
            self.expect = Expect.WEIGHT
        return self.view()

    def _label(self, kind: Kind, sscc: str) -> PackView:
        if kind is not Kind.SSCC:
            self.error = "scan the shipping label just printed"
        elif sscc != self.closed.get("sscc"):
            self.error = f"wrong label: {sscc} is not package {self.closed.get('seq')}'s"
        else:
            self._after_label(f"package {self.closed.get('seq')} labelled")
        return self.view()

    def _after_label(self, note: str) -> None:
        assert self.order is not None
        done = self.closed.get("order_status") == "packed"
        # What the packer must still do or know once the order is packed.
        if relabel := self.closed.get("relabel"):
            seqs = ", ".join(map(str, relabel))
            note += f". Relabel package(s) {seqs}: {self.closed.get('count')} in all"
        if follow_up := self.closed.get("backorder"):
            note += f". The rest ships later as {follow_up}"
        self.box = self.weight_g = None
        self.closed = {}
        if done:
            self._leave(f"{self.order.number} packed. {note}")
            return
        self._reload()
        self.expect = Expect.PRODUCT
        self.message = f"{note}: next package of {self.order.number}"
