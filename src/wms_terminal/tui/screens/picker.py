"""The picker's mode: pick lists, and replenishment and count tasks, by scanner alone.

Drives the same flow objects as the headless driver (picking.flow.PickFlow, inbound.move_flow.
MoveFlow, picking.count_flow.CountFlow). Every input (a scan, a command barcode, a typed key, an
F-key, Enter on an empty field) becomes one job on the screen's database queue, run in order in a
worker thread; the flow's answer comes back as a `Shown` and is drawn. An error rings the bell and
flashes; nothing is accepted that was not scanned or keyed.

Command barcodes (CMD-PICK, CMD-REPLEN, CMD-COUNT) switch between the kinds of task when the one
in hand is finished or given back; CMD-GIVEBACK gives it back; CMD-LOGOUT signs out (a held list
stays held: signing in again continues where it stood).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from wms_terminal.core.auth import Actor
from wms_terminal.core.codes import Command
from wms_terminal.core.db import Database
from wms_terminal.core.errors import WmsError
from wms_terminal.core.models import MoveTaskKind
from wms_terminal.inbound.move_flow import MoveFlow, MoveStep
from wms_terminal.inbound.reading import read
from wms_terminal.picking.count_flow import CountFlow, CountStep
from wms_terminal.picking.flow import PickFlow, Step
from wms_terminal.picking.picker_session import (
    WhichWarehouse,
    Workplace,
    held_list,
    workplace,
)
from wms_terminal.picking.route_left import RouteMap, load_route_map
from wms_terminal.picking.views import FlowView, TaskView
from wms_terminal.scanning.scan import Scan, new_scan_id
from wms_terminal.tui.screens.mode import ModeScreen
from wms_terminal.tui.screens.picker_cards import (
    Shown,
    count_shown,
    move_shown,
    pick_shown,
    upcoming_text,
)
from wms_terminal.tui.text import one_line
from wms_terminal.tui.widgets.commands import F_KEYS, command_of, key_help, keyed_command
from wms_terminal.tui.widgets.scan_input import ScanInput
from wms_terminal.tui.widgets.task_card import Card, TaskCard


class TaskKind(StrEnum):
    PICK = "pick"
    REPLENISH = "replenish"
    COUNT = "count"


_SWITCH = {
    Command.PICK: TaskKind.PICK,
    Command.REPLENISH: TaskKind.REPLENISH,
    Command.COUNT: TaskKind.COUNT,
}
FINISH_FIRST = "Finish or give back this task first"
NOT_NOW = "Command not available now"
KEYS_LINE = "Enter next · h help · o log out"
HELP = f"Enter=next {key_help()}"


@dataclass(frozen=True)
class Flows:
    place: Workplace
    pick: PickFlow
    move: MoveFlow
    count: CountFlow


class PickerScreen(ModeScreen):
    BINDINGS = [
        Binding(key, f"command('{cmd.value}')", cmd.value.title(), id=f"picker-{cmd.value}")
        for key, cmd in F_KEYS.items()
    ]

    def __init__(self, db: Database, actor: Actor, *, role: str | None = None) -> None:
        super().__init__(db, actor, role=role)
        self.kind = TaskKind.PICK
        self.flows: Flows | None = None  # made in the database worker
        self._warehouse: str | None = None  # the code keyed when asked which warehouse
        self._asking = False  # several warehouses, none the user's: the next scan chooses
        self._route: RouteMap | None = None

    @property
    def pick(self) -> PickFlow | None:
        return self.flows.pick if self.flows else None

    @property
    def move(self) -> MoveFlow | None:
        return self.flows.move if self.flows else None

    @property
    def count(self) -> CountFlow | None:
        return self.flows.count if self.flows else None

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (24, "-tall")]

    def compose(self) -> ComposeResult:
        with Horizontal(id="picker-body"):
            with Vertical(id="picker-main"):
                yield TaskCard(id="card")
                yield ScanInput(placeholder="scan", id="entry")
                yield Static("", id="message")
                yield Static("", id="status")
            yield Static("", id="upcoming")
        yield Static(one_line(KEYS_LINE, 40), id="keys")

    def on_mount(self) -> None:
        self.query_one(ScanInput).focus()
        self.query_one(TaskCard).show(Card(head="Picking", prompt="Loading…"))
        self._submit(self._open, "open the picker's work")

    # -- input ----------------------------------------------------------------------------

    def handle_scan(self, scan: Scan) -> None:
        cmd = command_of(scan) or keyed_command(scan)
        if cmd is Command.LOGOUT:
            self.action_logout()
        elif cmd is not None:
            self.action_command(cmd.value, scan)
        else:
            self._submit(lambda: self._input(scan), "scan")

    def on_scan_input_blank(self, event: ScanInput.Blank) -> None:
        """Enter alone: take the next task when none is in hand; else nothing to do."""
        event.stop()
        self._submit(self._next, "take the next task")

    def action_command(self, name: str, scan: Scan | None = None) -> None:
        cmd = Command(name)
        if cmd is Command.LOGOUT:
            self.action_logout()
            return
        if cmd is Command.HELP:  # in turn with the scans before it, on the task in hand
            self._submit(lambda: replace(self._current(), message=HELP, error=""), "help")
            return
        # One id per action, made here: a retry after a lost connection is the same action.
        sid = scan.id if scan is not None else new_scan_id()
        self._submit(lambda: self._command(cmd, sid), f"command {cmd.value}")

    # -- jobs (run in the database worker, one at a time) ---------------------------------

    def _flows(self) -> Flows:
        """The picker's three flows, made on first use (the warehouse is read then)."""
        if self.flows is None:
            # WhichWarehouse: asked (_open); WmsError (no warehouse): told, tried again.
            place = workplace(self.db, self.actor, self._warehouse)
            wid = place.warehouse_id
            self.flows = Flows(
                place,
                PickFlow(self.db, self.actor, warehouse_id=wid),
                MoveFlow(self.db, self.actor, warehouse_id=wid, kind=MoveTaskKind.REPLENISH),
                CountFlow(self.db, self.actor, warehouse_id=wid),
            )
        return self.flows

    def _open(self) -> Shown:
        try:
            f = self._flows()
        except WhichWarehouse as exc:
            self._asking = True
            return Shown(Card(head="Picking", prompt="Which warehouse?"), message=exc.message)
        self._asking = False
        if held_list(self.db, self.actor, f.place.warehouse_id) is not None:
            return self._pick(f.pick.start())  # signed in again: the list goes on
        return self._pick(f.pick.view())

    def _choose(self, code: str) -> Shown:
        """The warehouse's code scanned or keyed when asked; asked again when it names none."""
        self._warehouse = code.strip()
        try:
            return self._open()
        except WmsError as exc:
            self._warehouse = None
            return Shown(Card(head="Picking", prompt="Which warehouse?"), error=exc.message)

    def _input(self, scan: Scan) -> Shown:
        if self.flows is None and self._asking:
            return self._choose(scan.text)
        f = self._flows()
        qty = read(scan).quantity
        if self.kind is TaskKind.PICK:
            if qty is not None and f.pick.step in (Step.QTY, Step.SHORT_QTY, Step.DAMAGED_QTY):
                return self._pick(f.pick.key_qty(qty, scan_id=scan.id))
            return self._pick(f.pick.scan(scan))
        if self.kind is TaskKind.COUNT:
            if qty is not None and f.count.step is CountStep.QTY:
                return count_shown(f.count.key_qty(qty, scan_id=scan.id))
            return count_shown(f.count.scan(scan))
        return move_shown(f.move.scan(scan))

    def _next(self) -> Shown:
        return self._command(Command.DONE, None) if self._idle() else self._current()

    def _command(self, cmd: Command, scan_id: str | None) -> Shown:
        f = self._flows()
        if cmd in _SWITCH:
            if not self._idle():
                return Shown(self._current().card, error=FINISH_FIRST)
            self.kind = _SWITCH[cmd]
            cmd = Command.DONE  # and take the first task of that kind
        if self.kind is TaskKind.PICK:
            return self._pick(f.pick.command(cmd, scan_id=scan_id))
        if self.kind is TaskKind.COUNT:
            cmd = Command.CANCEL if cmd is Command.GIVE_BACK else cmd
            return count_shown(f.count.command(cmd, scan_id=scan_id))
        if cmd is Command.DONE and f.move.step is MoveStep.IDLE:
            return move_shown(f.move.start())
        if cmd in (Command.GIVE_BACK, Command.CANCEL):
            return move_shown(f.move.scan(Command.CANCEL.barcode))
        return Shown(move_shown(f.move.view()).card, error=NOT_NOW)

    def _pick(self, view: FlowView) -> Shown:
        f = self._flows()
        pl = f.pick.pick_list
        metres: float | None = None
        later: tuple[TaskView, ...] = ()
        if pl is not None and view.task_id is not None:
            if self._route is None or not self._route.covers(pl):
                self._route = load_route_map(self.db, pl)  # once per list (and after a short)
            metres = self._route.metres_left(pl)
            later = pl.open_tasks[1:]
        return pick_shown(view, metres, later, f.place.user_name)

    def _idle(self) -> bool:
        f = self._flows()
        if self.kind is TaskKind.PICK:
            return f.pick.step in (Step.IDLE, Step.DONE)
        if self.kind is TaskKind.COUNT:
            return f.count.step is CountStep.IDLE
        return f.move.step is MoveStep.IDLE

    def _current(self) -> Shown:
        f = self._flows()
        if self.kind is TaskKind.PICK:
            return self._pick(f.pick.view())
        if self.kind is TaskKind.COUNT:
            return count_shown(f.count.view())
        return move_shown(f.move.view())

    # -- output ---------------------------------------------------------------------------

    def _submit(self, job: Callable[[], Shown], what: str) -> None:
        self.db_runner.submit(job, self._show, what=what, failed=self._failed)

    def _show(self, shown: Shown) -> None:
        self.query_one(TaskCard).show(shown.card)
        self.query_one("#upcoming", Static).update(upcoming_text(shown.upcoming), layout=False)
        entry = self.query_one(ScanInput)
        entry.placeholder = "key the quantity" if shown.asks_qty else "scan"
        entry.refresh()
        lines = 3 if shown.card.location else 6  # more room when no task is on the card
        if shown.error:
            self.say(shown.error, error=True, max_lines=lines)
        else:
            self.say(shown.message, max_lines=lines)

    def _failed(self, text: str) -> None:
        self.say(text, error=True)
