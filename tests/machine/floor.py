"""The floor rules of the shift machine, through the services the CLI uses: purchase orders
received in full or in part (and cancelled), put-away and replenishment tasks claimed, done by
scans, given back and cancelled, counts claimed, counted (differences, a blind recount above the
threshold), given back and cancelled, totes emptied at packing or sorting and released by a
supervisor, and orders cancelled so that waiting back-orders take the freed stock.

A refused action must leave everything as it was (`_state`); an action that moves stock must
not change how many units of the product the warehouse holds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import rule

from tests.machine.base import PICKERS, ShiftBase
from wms_terminal.core import move_tasks
from wms_terminal.core.errors import WmsError
from wms_terminal.core.order_cancel import cancel_order
from wms_terminal.core.purchasing import cancel_purchase_order
from wms_terminal.core.receiving import receive_purchase_order
from wms_terminal.picking import counts
from wms_terminal.picking.stock_change import adjust_stock
from wms_terminal.picking.tote_release import release_tote
from wms_terminal.picking.totes import empty_tote

Who = st.sampled_from(PICKERS)
K = st.integers(0, 100)
_LIVE_PO = "('open', 'partially_received')"
_ACTIVE_COUNT = "('open', 'claimed', 'recount')"


class FloorRules(ShiftBase):
    def _refused(self, act: Callable[[], Any]) -> WmsError | None:
        """Run `act`; when it is refused, nothing may have changed. Returns the refusal."""
        before = self._state()
        try:
            act()
        except WmsError as e:
            assert e.message
            assert self._state() == before, f"refused ({e.message}) but changed the floor"
            return e
        return None

    def _same_totals(self, act: Callable[[], Any]) -> None:
        before = self._totals()
        act()
        assert self._totals() == before, "moving stock changed how much there is"

    # -- purchase orders

    @rule(
        k=K,
        how=st.sampled_from(["all", "part", "part", "more"]),
        by_sku=st.booleans(),
        share=st.floats(0.05, 1.0),
    )
    def receive_po(self, k: int, how: str, by_sku: bool, share: float) -> None:
        line = self._pick_one(
            "SELECT po.number, l.product_id, l.qty - l.qty_received FROM purchase_order po "
            "JOIN purchase_order_line l ON l.purchase_order_id = po.id "
            f"WHERE po.status IN {_LIVE_PO} AND l.qty_received < l.qty ORDER BY l.id",
            k,
        )
        if line is None:
            return
        number, pid, left = str(line[0]), int(line[1]), int(line[2])
        n = self._n_of(pid)
        item = self.floor.sku(n) if by_sku else self.floor.gtin(n)
        qty = {"all": left, "part": max(1, round(left * share)), "more": left + 2}[how]
        before = self._totals()
        got: list[Any] = []
        refused = self._refused(
            lambda: got.append(
                receive_purchase_order(
                    self.db,
                    self._actor("pat"),
                    number=number,
                    lines=() if how == "all" else [(item, qty)],
                    everything=how == "all",
                )
            )
        )
        if how == "more":  # more than the order still expects: refused, nothing received
            assert refused is not None, "a receipt beyond what the order expects was taken"
        if refused is not None:
            self._saw(f"purchase order: receipt refused ({how})")
            return
        self._saw(f"purchase order: received ({how})")
        (receipt,) = got
        assert [(s, q) for s, q in receipt.received] == [(self.floor.sku(n), qty)], receipt
        self.receipts[pid] += qty
        after = self._totals()
        assert after.get(pid, 0) - before.get(pid, 0) == qty
        if qty >= left:  # the line is complete: the product may be reordered again
            assert receipt.purchase_order.status in ("received", "partially_received")

    @rule(k=K)
    def cancel_po(self, k: int) -> None:
        po = self._pick_one(
            f"SELECT number FROM purchase_order WHERE status IN {_LIVE_PO} ORDER BY id", k
        )
        if po is not None:
            view = cancel_purchase_order(
                self.db, self._actor("boss"), number=str(po[0]), reason="supplier out of stock"
            )
            assert view.status == "cancelled"
            self._saw("purchase order: cancelled")

    # -- move tasks (put-away, replenishment)

    def _my_move(self, who: str) -> int | None:
        got = self._pick_one(
            "SELECT id FROM replenishment_task WHERE claimed_by = :u AND status = 'open' "
            "ORDER BY id",
            0,
            u=self._actor(who).user_id,
        )
        return None if got is None else int(got[0])

    @rule(who=Who, kind=st.sampled_from([None, "putaway", "replenish"]))
    def claim_move(self, who: str, kind: str | None) -> None:
        held = self._my_move(who)
        got = move_tasks.claim_next(
            self.db, self._actor(who), warehouse_id=self.floor.warehouse_id, kind=kind
        )
        if held is not None:  # one task at a time: the one held comes back, whatever its kind
            assert got is not None and got.id == held, got
        if got is not None:
            assert got.claimed_by == who and got.status == "open", got
            assert held is not None or kind is None or got.kind == kind
            self._saw(f"move task: {got.kind} claimed")

    @rule(
        who=Who,
        part=st.booleans(),
        wrong=st.sampled_from([None, None, None, "from", "item", "to", "qty", "someone else"]),
    )
    def do_move(self, who: str, part: bool, wrong: str | None) -> None:
        tid = self._my_move(who)
        if tid is None:  # claim one first, as a worker at the task screen does
            got = move_tasks.claim_next(
                self.db, self._actor(who), warehouse_id=self.floor.warehouse_id
            )
            if got is None:
                return
            tid = got.id
        task = move_tasks.get_task(self.db, tid)
        other = next(n for n in self.floor.products if self.floor.products[n].sku != task.sku)
        n = next(n for n, p in self.floor.products.items() if p.sku == task.sku)
        scans: dict[str, Any] = {
            "from_location": task.from_barcode or "",
            "item": self.floor.gtin(n),
            "qty": max(1, task.qty // 2) if part else task.qty,
            "to_location": task.to_barcode,
        }
        if wrong in ("from", "to"):
            scans[f"{wrong}_location"] = "L-NOWHERE"
        elif wrong == "item":
            scans["item"] = self.floor.gtin(other)
        elif wrong == "qty":
            scans["qty"] = task.qty + 1
        actor = self._actor(
            next(p for p in PICKERS if p != who) if wrong == "someone else" else who
        )
        done: list[move_tasks.MoveDone] = []

        def act() -> None:
            done.append(move_tasks.do_task(self.db, actor, task_id=tid, **scans))

        refused = self._refused(lambda: self._same_totals(act))
        if wrong is not None:
            assert refused is not None, f"a wrong scan ({wrong}) moved stock"
            self._saw(f"move task: refused ({wrong})")
        elif refused is None:
            assert done[0].task.status == "done" and done[0].task.qty_moved == scans["qty"]
            self._saw(f"move task: {task.kind} done" + (" in part" if part else ""))
        else:
            self._saw(f"move task: refused ({refused.message[:30]})")

    @rule(who=Who, by_boss=st.booleans())
    def give_back_move(self, who: str, by_boss: bool) -> None:
        tid = self._my_move(who)
        if tid is not None:
            view = move_tasks.release_task(
                self.db, self._actor("boss" if by_boss else who), task_id=tid
            )
            assert view.claimed_by is None and view.status == "open"
            self._saw("move task: given back")

    @rule(k=K)
    def cancel_move(self, k: int) -> None:
        got = self._pick_one(
            "SELECT id FROM replenishment_task WHERE status = 'open' ORDER BY id", k
        )
        if got is not None:
            view = move_tasks.cancel_task(
                self.db, self._actor("boss"), task_id=int(got[0]), reason="not needed"
            )
            assert view.status == "cancelled"
            self._saw("move task: cancelled")

    # -- counts

    def _active_count(self, k: int) -> int | None:
        got = self._pick_one(
            f"SELECT id FROM count_task WHERE status IN {_ACTIVE_COUNT} ORDER BY id", k
        )
        return None if got is None else int(got[0])

    @rule(who=Who)
    def claim_count(self, who: str) -> None:
        view = counts.claim_count(self.db, self._actor(who), warehouse_id=self.floor.warehouse_id)
        if view is not None:
            assert view.status == "claimed" and view.claimed_by == who, view
            self._saw("count: claimed")

    @rule(
        who=Who,
        k=K,
        diff=st.sampled_from([0, 0, -1, 1, -3, 2, -6, 7, -40, 40]),
        right=st.integers(0, 5).map(lambda n: n > 0),
    )
    def count(self, who: str, k: int, diff: int, right: bool) -> None:
        cid = self._active_count(k)
        if cid is None:
            return
        view = counts.get_count(self.db, cid)
        qty = max(0, view.system_qty + diff)
        n = self._n_of(view.product_id)
        actor = self._actor(who)
        before = self._totals()
        result = self._scan(
            lambda sid: counts.record_count(
                self.db,
                actor,
                scan_id=sid,
                count_id=cid,
                qty=qty,
                location=view.location_barcode if right else "L-NOWHERE",
                item=self.floor.gtin(n) if qty else None,
            )
        )
        if not right:
            assert not result.accepted and result.code == "wrong_location", result
        after = counts.get_count(self.db, cid)
        self._saw(f"count: {after.status if result.accepted else result.code}")
        if not result.accepted or after.status != "done":
            assert self._totals() == before, "a count that did not end changed the stock"
            return
        counted = self._rows(
            "SELECT COALESCE(SUM(on_hand_delta), 0) FROM stock_ledger WHERE scan_id = :s",
            s=result.scan_id,
        )[0][0]
        change = self._totals().get(view.product_id, 0) - before.get(view.product_id, 0)
        assert change == int(counted), "the count changed stock other than by its ledger lines"

    @rule(who=Who, by_boss=st.booleans())
    def give_back_count(self, who: str, by_boss: bool) -> None:
        got = self._pick_one(
            "SELECT id FROM count_task WHERE status = 'claimed' AND claimed_by = :u ORDER BY id",
            0,
            u=self._actor(who).user_id,
        )
        if got is not None:
            view = counts.release_count(
                self.db, self._actor("boss" if by_boss else who), count_id=int(got[0])
            )
            assert view.status in ("open", "recount") and view.claimed_by is None, view
            self._saw("count: given back")

    @rule(k=K)
    def cancel_count(self, k: int) -> None:
        cid = self._active_count(k)
        if cid is not None:
            view = counts.cancel_count(self.db, self._actor("boss"), count_id=cid, reason="moved")
            assert view.status == "cancelled"
            self._saw("count: cancelled")

    # -- totes

    @rule(k=K, right=st.integers(0, 4).map(lambda n: n > 0))
    def empty_a_tote(self, k: int, right: bool) -> None:
        got = self._pick_one(
            "SELECT code, status FROM tote WHERE status IN ('at_packing', 'at_sorting') "
            "ORDER BY code",
            k,
        )
        if got is None:
            return
        code, status = str(got[0]), str(got[1])
        how = {"at_packing": "packed", "at_sorting": "sorted"}[status]
        if not right:
            how = "sorted" if how == "packed" else "packed"
        refused = self._refused(
            lambda: empty_tote(self.db, self._actor("boss"), code=code, how=how)
        )
        assert (refused is None) == right, refused
        self._saw(f"tote: emptied ({how})" if right else "tote: empty refused")

    @rule(k=K)
    def release_a_tote(self, k: int) -> None:
        got = self._pick_one("SELECT code FROM tote WHERE status <> 'free' ORDER BY code", k)
        if got is None:
            return
        boss, code = self._actor("boss"), str(got[0])
        refused = self._refused(lambda: release_tote(self.db, boss, code=code, reason="stuck"))
        if refused is None:
            self._saw("tote: released")
            return
        # It holds picks of a list being picked: they go into a new tote with the list.
        assert "--into" in refused.message, refused
        self.n += 1
        into = f"T-MAIN-{9000 + self.n % 1000:04d}"
        view = release_tote(self.db, boss, code=code, reason="cracked", into=into)
        assert view.status == "free"
        self._saw("tote: released into another")

    # -- orders

    @rule(k=K)
    def cancel_an_order(self, k: int) -> None:
        got = self._pick_one(
            "SELECT number FROM sales_order WHERE status IN "
            "('new', 'reserved', 'partially_reserved', 'backordered') ORDER BY id",
            k,
        )
        if got is None:
            return
        done = self._refused(
            lambda: self._same_totals(
                lambda: cancel_order(
                    self.db, self._actor("boss"), number=str(got[0]), reason="customer asked"
                )
            )
        )
        assert done is None, done
        self._saw("order: cancelled")

    # -- stock adjustments (supervisor)

    @rule(
        product=st.integers(1, 6),
        reserve=st.booleans(),
        change=st.sampled_from([("by", -2), ("by", 3), ("set", 0), ("set", 12), ("by", -99)]),
        reason=st.sampled_from(["damaged", "found", "correction", "bogus"]),
    )
    def adjust(self, product: int, reserve: bool, change: tuple[str, int], reason: str) -> None:
        loc = (self.floor.reserve.get(product) if reserve else None) or self.floor.face[product]
        how, n = change
        pid = self.floor.products[product].id or 0
        before = self._totals().get(pid, 0)
        top = self._rows("SELECT COALESCE(MAX(id), 0) FROM stock_ledger")[0][0]
        refused = self._refused(
            lambda: adjust_stock(
                self.db,
                self._actor("boss"),
                location=loc.barcode,
                sku=self.floor.sku(product),
                reason_code=reason,
                **({"qty": n} if how == "set" else {"delta": n}),
            )
        )
        if reason == "bogus":
            assert refused is not None, "an unknown reason code was accepted"
        if refused is not None:
            self._saw("adjust: refused")
            return
        self._saw(f"adjust: {how} {n}")
        recorded = self._rows(
            "SELECT COALESCE(SUM(on_hand_delta), 0) FROM stock_ledger "
            "WHERE id > :top AND product_id = :p AND kind = 'adjustment'",
            top=top,
            p=pid,
        )[0][0]
        assert self._totals().get(pid, 0) - before == int(recorded)
