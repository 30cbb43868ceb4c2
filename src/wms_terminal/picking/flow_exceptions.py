"""The pick flow's exceptions, by command barcode (or key) at any step of a pick: short (the
units found, asked), damaged (the units, asked), skip, empty location, full tote, give back the
list, cancel the step, help; and the count SHORT and DAMAGED ask for."""

from __future__ import annotations

from wms_terminal.core.codes import Command
from wms_terminal.picking import exceptions as exc
from wms_terminal.picking import messages as M
from wms_terminal.picking.claims import release_list
from wms_terminal.picking.flow_state import PickState, Step
from wms_terminal.picking.scan_input import atomic
from wms_terminal.picking.views import FlowView, TaskView


class PickExceptions(PickState):
    """The exceptions of a pick, answered by `command` and `_count_asked`."""

    @atomic
    def command(self, cmd: Command, *, scan_id: str | None = None) -> FlowView:
        self.message = self.error = ""
        sid = scan_id or self._new_id()
        if cmd is Command.HELP:
            self.message = M.HELP
            return self.view()
        if cmd in (Command.DONE, Command.PICK):
            if self.step in (Step.IDLE, Step.DONE):
                return self.start()
            self.error = M.fmt(M.UNKNOWN_SCAN, hint="list not finished")
            return self.view()
        task = self.task
        if task is None or self.step in (Step.IDLE, Step.DONE):
            self.error = M.UNKNOWN_COMMAND
            return self.view()
        if cmd is Command.GIVE_BACK and self.pick_list is not None:
            lid = self.pick_list.pick_list_id
            release_list(self.db, self.actor, lid)
            self.pick_list, self.task, self.step = None, None, Step.IDLE
            self.pending_qty, self.item_raw, self.item_units = 0, None, 1
            self.short_found = None
            self.message = M.fmt(M.GIVEN_BACK, list=lid)
            return self.view()
        if cmd is Command.CANCEL:
            self.step, self.pending_qty, self.short_found = Step.LOCATION, 0, None
            self.item_raw, self.item_units = None, 1
            return self.view()
        if cmd is Command.SHORT:
            self.step = Step.SHORT_QTY
            return self.view()
        if cmd is Command.DAMAGED:
            self.step = Step.DAMAGED_QTY
            return self.view()
        if cmd is Command.SKIP:
            r = exc.skip_task(self.db, self.actor, scan_id=sid, task_id=task.task_id)
        elif cmd is Command.EMPTY:
            r = exc.report_empty(self.db, self.actor, scan_id=sid, task_id=task.task_id)
        elif cmd is Command.FULL_TOTE:
            r = exc.full_tote(self.db, self.actor, scan_id=sid, task_id=task.task_id)
        else:  # LOGOUT, REPLEN, COUNT: not the pick flow's (the screen or driver takes them)
            self.error = M.UNKNOWN_COMMAND
            return self.view()
        if self._took(r):
            keep = (self.step, self.pending_qty, self.item_raw, self.item_units)
            self._reload()
            if cmd is Command.FULL_TOTE and self.task and self.task.task_id == task.task_id:
                self.step, self.pending_qty, self.item_raw, self.item_units = keep
        return self.view()

    def _count_asked(self, task: TaskView, qty: int, sid: str) -> FlowView:
        """The count SHORT (units found) or DAMAGED (units damaged) asked for."""
        if self.step is Step.SHORT_QTY:
            if qty > 0 and self._tote_of(task) is None:
                # The units found go into a tote: the slot has none yet, so one is scanned first.
                if not 0 <= qty < task.remaining:
                    self.error = M.fmt(M.BAD_QTY, max=task.remaining - 1)
                    return self.view()
                self.short_found, self.step = qty, Step.TOTE
                return self.view()
            return self._short(sid, qty, tote=self._tote_of(task))
        r = exc.report_damaged(self.db, self.actor, scan_id=sid, task_id=task.task_id, damaged=qty)
        if self._took(r):
            self._reload()
        return self.view()

    def _short(self, scan_id: str, found: int, *, tote: str | None) -> FlowView:
        task = self.task
        assert task is not None
        r = exc.report_short(
            self.db, self.actor, scan_id=scan_id, task_id=task.task_id, found=found, tote=tote
        )
        if self._took(r):
            self._reload()
        return self.view()
