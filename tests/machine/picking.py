"""The picking rules of the shift machine: orders imported, waves released and cancelled, lists
reassigned, claimed, worked through and given back, picks confirmed (with and without step
scans, into the right or another tote), every pick exception, and scans sent again."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import rule

from tests.machine.base import PICKERS, PRODUCTS, TOTES, ShiftBase
from tests.picking.conftest import WH
from wms_terminal.core.errors import WmsError
from wms_terminal.picking import exceptions as exc
from wms_terminal.picking import service, wave_admin
from wms_terminal.picking.wave_release import release_wave
from wms_terminal.picking.wave_selection import WaveFilter

STRATEGIES = ("per-order", "batch", "cluster", "zone")
Pick = st.integers(0, 30)  # which open task of the list (modulo their number)
ToteMode = st.sampled_from(["auto", "auto", "auto", "other"])


class PickingRules(ShiftBase):
    # -- supervisors and intake

    @rule(
        lines=st.lists(
            st.tuples(st.integers(1, PRODUCTS), st.integers(1, 12)),
            min_size=1,
            max_size=3,
            unique_by=lambda t: t[0],
        ),
        vip=st.booleans(),
    )
    def import_order(self, lines: list[tuple[int, int]], vip: bool) -> None:
        assert self.floor.order(lines, flags=("VIP",) if vip else ())

    @rule(strategy=st.sampled_from(STRATEGIES), max_orders=st.none() | st.integers(1, 3))
    def release(self, strategy: str, max_orders: int | None) -> None:
        flt = WaveFilter(warehouse=WH, max_orders=max_orders)
        try:
            release_wave(self.db, self._actor("boss"), flt, strategy=strategy)
        except WmsError as e:  # nothing to release: said, and nothing changed
            assert e.message

    @rule(k=st.integers(0, 100))
    def cancel_wave(self, k: int) -> None:
        wave = self._pick_one("SELECT number FROM wave ORDER BY id", k)
        if wave is not None:
            try:
                wave_admin.cancel_wave(self.db, self._actor("boss"), wave[0])
            except WmsError as e:  # picked from already, or cancelled before: said
                assert e.message

    @rule(k=st.integers(0, 100), to=st.sampled_from(PICKERS))
    def reassign(self, k: int, to: str) -> None:
        got = self._pick_one("SELECT id FROM pick_list ORDER BY id", k)
        if got is not None:
            try:
                wave_admin.reassign_list(self.db, self._actor("boss"), int(got[0]), to)
            except WmsError as e:  # a finished or cancelled list: said
                assert e.message

    # -- pickers

    @rule(who=st.sampled_from(PICKERS), resume=st.booleans())
    def claim(self, who: str, resume: bool) -> None:
        service.claim_next(
            self.db, self._actor(who), warehouse_id=self.floor.warehouse_id, resume=resume
        )

    @rule(who=st.sampled_from(PICKERS))
    def give_back(self, who: str) -> None:
        pl = self._held(who)
        if pl is not None:
            service.release_list(self.db, self._actor(who), pl.pick_list_id)

    @rule(
        who=st.sampled_from(PICKERS),
        pick=Pick,
        qty=st.none() | st.integers(0, 8),
        mode=ToteMode,
        tote=st.integers(0, 20),
        steps=st.sampled_from(["none", "none", "right", "wrong"]),
        foreign=st.integers(0, 9).map(lambda n: n == 0),
    )
    def confirm(
        self,
        who: str,
        pick: int,
        qty: int | None,
        mode: str,
        tote: int,
        steps: str,
        foreign: bool,
    ) -> None:
        found = self._task(who, pick, foreign)
        if found is None:
            return
        pl, task = found
        location = item = None
        if steps != "none":
            location = task.location_barcode if steps == "right" else "L-NOWHERE"
            item = self.floor.gtin(1 + task.product_id % PRODUCTS) if steps == "wrong" else None
            item = item or self.floor.gtin(self._n_of(task.product_id))
        code = self._tote(pl, task, mode, tote)
        actor = self._actor(who)
        n = task.remaining if qty is None else qty
        blocked = self._pick_one(
            "SELECT id FROM location WHERE id = :l AND blocked", 0, l=task.location_id
        )
        result = self._scan(
            lambda sid: service.confirm_pick(
                self.db,
                actor,
                scan_id=sid,
                task_id=task.task_id,
                qty=n,
                tote=code,
                location=location,
                item=item,
            )
        )
        if foreign:
            assert not result.accepted and result.code == "not_your_list", result
        if blocked is not None:  # being counted: nothing is picked there until the count ends
            assert not result.accepted, result

    @rule(who=st.sampled_from(PICKERS), tote=st.integers(0, 20))
    def work_the_list(self, who: str, tote: int) -> None:
        """A picker works through the list held (or the next one claimed): every open task
        picked in full, a tote taken for each new slot, until the list is done or a pick is
        refused (a blocked location, a tote in use, stock gone)."""
        actor = self._actor(who)
        if self._held(who) is None:
            service.claim_next(self.db, actor, warehouse_id=self.floor.warehouse_id)
        for n in range(40):
            pl = self._held(who)
            if pl is None or not pl.open_tasks:
                if n:
                    self._saw("list: worked through")
                return
            task = pl.open_tasks[0]
            code = self._tote(pl, task, "auto", tote + task.slot)
            result = self._scan(
                lambda sid, t=task, c=code: service.confirm_pick(
                    self.db, actor, scan_id=sid, task_id=t.task_id, qty=t.remaining, tote=c
                )
            )
            if not result.accepted:
                self._saw(f"list: pick refused ({result.code})")
                return

    @rule(
        who=st.sampled_from(PICKERS),
        pick=Pick,
        step=st.sampled_from(["location", "item", "tote", "bogus"]),
        right=st.booleans(),
    )
    def step_scan(self, who: str, pick: int, step: str, right: bool) -> None:
        found = self._task(who, pick, False)
        if found is None:
            return
        pl, task = found
        code = {
            "location": task.location_barcode if right else "L-NOWHERE",
            "item": self.floor.gtin(self._n_of(task.product_id)) if right else "0000000000000",
            "tote": pl.totes.get(task.slot, TOTES[0]) if right else "T-OTHER-0001",
            "bogus": "??",
        }[step]
        actor = self._actor(who)
        self._scan(
            lambda sid: service.check_step(
                self.db, actor, scan_id=sid, task_id=task.task_id, step=step, code=code
            )
        )

    @rule(
        who=st.sampled_from(PICKERS),
        pick=Pick,
        found=st.integers(0, 8),
        mode=ToteMode,
        tote=st.integers(0, 20),
    )
    def short(self, who: str, pick: int, found: int, mode: str, tote: int) -> None:
        got = self._task(who, pick, False)
        if got is None:
            return
        pl, task = got
        code = self._tote(pl, task, mode, tote) if found else None
        actor = self._actor(who)
        self._scan(
            lambda sid: exc.report_short(
                self.db, actor, scan_id=sid, task_id=task.task_id, found=found, tote=code
            )
        )

    @rule(who=st.sampled_from(PICKERS), pick=Pick, damaged=st.integers(0, 8))
    def damaged(self, who: str, pick: int, damaged: int) -> None:
        got = self._task(who, pick, False)
        if got is None:
            return
        _pl, task = got
        actor = self._actor(who)
        self._scan(
            lambda sid: exc.report_damaged(
                self.db, actor, scan_id=sid, task_id=task.task_id, damaged=damaged
            )
        )

    @rule(
        who=st.sampled_from(PICKERS),
        pick=Pick,
        what=st.sampled_from(["empty", "skip", "full_tote"]),
    )
    def exception(self, who: str, pick: int, what: str) -> None:
        got = self._task(who, pick, False)
        if got is None:
            return
        _pl, task = got
        fn = {"empty": exc.report_empty, "skip": exc.skip_task, "full_tote": exc.full_tote}[what]
        actor = self._actor(who)
        self._scan(lambda sid: fn(self.db, actor, scan_id=sid, task_id=task.task_id))

    @rule(k=st.integers(0, 10_000))
    def retry_a_scan(self, k: int) -> None:
        """A terminal that lost the answer sends the same scan again: the stored answer
        comes back and nothing is applied twice (checked by `each_scan_applied_once`)."""
        if not self.answered:
            return
        scan_id = list(self.answered)[k % len(self.answered)]
        send, first = self.answered[scan_id]
        again = send(scan_id)
        assert again.replayed, again
        assert (again.accepted, again.code, again.message) == (
            first.accepted,
            first.code,
            first.message,
        )
