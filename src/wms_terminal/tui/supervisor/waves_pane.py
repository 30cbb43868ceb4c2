"""Released waves and their pick lists, steered from the keyboard: cancel a wave (c on a wave);
reassign (r), give back (g) or cancel (x) a pick list."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.picking import wave_admin
from wms_terminal.picking.claims import release_list
from wms_terminal.picking.list_cancel import cancel_list
from wms_terminal.picking.wave_admin import WaveDetail, WaveRow
from wms_terminal.picking.wave_map import MapView, released_map
from wms_terminal.tui.supervisor.dialogs import Ask, Confirm
from wms_terminal.tui.supervisor.work import DeskPane, submit
from wms_terminal.tui.text import plain


class WavesTable(DataTable[Any]):
    BINDINGS = [
        Binding("c", "cancel_wave", "Cancel wave", id="waves-cancel"),
        Binding("m", "map_wave", "On the map", id="waves-map"),
    ]

    def action_cancel_wave(self) -> None:
        self.screen.query_one(WavesPane).ask_cancel_wave()

    def action_map_wave(self) -> None:
        self.screen.query_one(WavesPane).map_wave()


class ListsTable(DataTable[Any]):
    BINDINGS = [
        Binding("r", "reassign", "Reassign", id="list-reassign"),
        Binding("g", "give_back", "Give back", id="list-give-back"),
        Binding("x", "cancel_list", "Cancel list", id="list-cancel"),
    ]

    def action_reassign(self) -> None:
        self.screen.query_one(WavesPane).ask_reassign()

    def action_give_back(self) -> None:
        self.screen.query_one(WavesPane).ask_give_back()

    def action_cancel_list(self) -> None:
        self.screen.query_one(WavesPane).ask_cancel_list()


class WavesPane(Vertical, DeskPane):
    ACT = "change a wave or list"
    SAY = "waves-say"

    class Mapped(Message):
        """A released wave's open picks, for the map."""

        def __init__(self, view: MapView) -> None:
            super().__init__()
            self.view = view

    def __init__(self, db: Database, actor: Actor, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.db = db
        self.actor = actor
        self.waves: list[WaveRow] = []
        self.detail: WaveDetail | None = None

    def compose(self) -> ComposeResult:
        yield Static(
            "wave: c cancel · m on the map   list: r reassign · g give back · x cancel",
            id="waves-say",
        )
        yield WavesTable(id="waves-table", cursor_type="row", zebra_stripes=True)
        yield ListsTable(id="wave-lists", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one(WavesTable).add_columns("Wave", "Status", "Strategy", "Orders", "Lists")
        lists = self.query_one(ListsTable)
        lists.add_columns("List", "Status", "Picker", "Tasks", "Open", "Metres")
        lists.border_title = "Pick lists of the wave"

    def reload(self) -> None:
        submit(
            self,
            lambda: wave_admin.list_waves(self.db, limit=50),
            self._show_waves,
            what="list the waves",
            failed=self.failed,
        )

    def _show_waves(self, waves: list[WaveRow]) -> None:
        self.waves = waves
        table = self.query_one(WavesTable)
        keep = table.cursor_row
        table.clear()
        for w in waves:
            lists = ", ".join(f"{k} {v}" for k, v in sorted(w.lists.items()))
            table.add_row(
                plain(w.number),
                plain(w.status),
                plain(w.strategy),
                str(w.orders),
                plain(lists),
                key=w.number,
            )
        if waves:
            table.move_cursor(row=min(max(keep, 0), len(waves) - 1))
            self._load_wave(waves[table.cursor_row].number)
        else:
            self.query_one(ListsTable).clear()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "waves-table" and event.row_key.value:
            self._load_wave(event.row_key.value)

    def _load_wave(self, number: str) -> None:
        submit(
            self,
            lambda: wave_admin.show_wave(self.db, number),
            self._show_lists,
            what="read a wave",
            failed=self.failed,
        )

    def _show_lists(self, detail: WaveDetail) -> None:
        self.detail = detail
        table = self.query_one(ListsTable)
        keep = table.cursor_row
        table.clear()
        for pl in detail.pick_lists:
            table.add_row(
                str(pl.id),
                plain(pl.status, limit=12),
                plain(pl.claimed_by or "", limit=20),
                str(pl.tasks),
                str(pl.open_tasks),
                f"{pl.route_length_m:,.0f}",
                key=str(pl.id),
            )
        if detail.pick_lists:
            table.move_cursor(row=min(max(keep, 0), len(detail.pick_lists) - 1))

    def selected_wave(self) -> str | None:
        table = self.query_one(WavesTable)
        if not self.waves or table.cursor_row < 0:
            return None
        return self.waves[min(table.cursor_row, len(self.waves) - 1)].number

    def selected_list(self) -> int | None:
        table = self.query_one(ListsTable)
        if self.detail is None or not self.detail.pick_lists or table.cursor_row < 0:
            return None
        return self.detail.pick_lists[min(table.cursor_row, len(self.detail.pick_lists) - 1)].id

    def ask_cancel_wave(self) -> None:
        number = self.selected_wave()
        if number is None:
            return self.failed("No wave selected")

        def reason(text: str | None) -> None:
            if text is not None:
                self.act(
                    lambda: wave_admin.cancel_wave(self.db, self.actor, number, reason=text),
                    lambda r: (
                        f"{r.number} cancelled: {r.orders} order(s) back to waiting, "
                        f"{r.pick_lists} list(s) cancelled, {r.totes_freed} tote(s) freed"
                        + (
                            f"; {r.units_put_back} picked unit(s): empty the totes at "
                            f"{r.put_back_location}"
                            if r.units_put_back
                            else ""
                        )
                    ),
                )

        self.app.push_screen(Ask(f"Cancel wave {number}? Reason (Enter), Esc: keep it"), reason)

    def map_wave(self) -> None:
        number = self.selected_wave()
        if number is None:
            return self.failed("No wave selected")
        submit(
            self,
            lambda: released_map(self.db, number),
            lambda view: self.post_message(self.Mapped(view)),
            what="read a wave's picks",
            failed=self.failed,
        )

    def ask_reassign(self) -> None:
        list_id = self.selected_list()
        if list_id is None:
            return self.failed("No pick list selected")

        def to(who: str | None) -> None:
            if who and who.strip():
                self.act(
                    lambda: wave_admin.reassign_list(self.db, self.actor, list_id, who),
                    lambda r: f"Pick list {r.id} is now {r.claimed_by}'s",
                )

        self.app.push_screen(Ask(f"Reassign pick list {list_id} to (username or badge):"), to)

    def ask_give_back(self) -> None:
        list_id = self.selected_list()
        if list_id is None:
            return self.failed("No pick list selected")

        def yes(ok: bool | None) -> None:
            if ok:
                self.act(
                    lambda: release_list(self.db, self.actor, list_id),
                    lambda _: f"Pick list {list_id} given back: open for the next picker",
                )

        self.app.push_screen(Confirm(f"Give pick list {list_id} back (open again)?"), yes)

    def ask_cancel_list(self) -> None:
        list_id = self.selected_list()
        if list_id is None:
            return self.failed("No pick list selected")

        def reason(text: str | None) -> None:
            if text is not None:
                self.act(
                    lambda: cancel_list(self.db, self.actor, list_id, reason=text),
                    lambda r: (
                        f"Pick list {r.pick_list_id} cancelled: {r.orders} order(s) back "
                        "to waiting"
                        + (f"; wave {r.wave} cancelled" if r.wave_cancelled else "")
                        + (
                            f"; {r.units_put_back} picked unit(s): empty the totes at "
                            f"{r.put_back_location}"
                            if r.units_put_back
                            else ""
                        )
                    ),
                )

        self.app.push_screen(Ask(f"Cancel pick list {list_id}? Reason (Enter), Esc: keep"), reason)

    def say(self, message: str, *, error: bool = False) -> None:
        super().say(message, error=error)
        if not error:  # a wave or list changed: told as a toast too
            self.app.notify(plain(message, limit=200).plain, markup=False)
