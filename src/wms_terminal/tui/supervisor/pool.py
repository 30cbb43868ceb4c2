"""The order pool: filters on the left, the wave preview (figures and its orders) on the right.

F5 (or Enter in a field) previews; ctrl+r releases what the preview shows, after a y/n question.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Input, Label, Select, Static

from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.errors import ValidationError
from wms_terminal.picking.strategies import STRATEGIES
from wms_terminal.picking.wave_batching import METHODS
from wms_terminal.picking.wave_pool import PoolOptions, Preview, parse_cutoff, pool_options, preview
from wms_terminal.picking.wave_release import ReleasedWave, release_wave
from wms_terminal.picking.wave_selection import WaveFilter
from wms_terminal.tui.supervisor.dialogs import Confirm
from wms_terminal.tui.supervisor.work import DeskPane, submit
from wms_terminal.tui.text import plain


@dataclass(frozen=True)
class Request:
    flt: WaveFilter
    strategy: str
    routing: str


STRATEGY_NAMES = tuple(sorted(STRATEGIES))


def _options(values: tuple[str, ...]) -> list[tuple[Text, str]]:
    return [(plain(v, limit=40), v) for v in values]


class PoolPane(Horizontal, DeskPane):
    """Filters and the wave preview; posts `Previewed` (for the map) and `Released`."""

    SAY = "summary"

    class Previewed(Message):
        def __init__(self, preview: Preview | None) -> None:
            super().__init__()
            self.preview = preview

    class Released(Message):
        def __init__(self, wave: ReleasedWave) -> None:
            super().__init__()
            self.wave = wave

    def __init__(self, db: Database, actor: Actor, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.db = db
        self.actor = actor
        self.options: PoolOptions | None = None
        self.preview: Preview | None = None
        self.request: Request | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="filters"):
            for label, widget in (
                ("Warehouse", Select[str]([], prompt="the only one", id="f-warehouse")),
                ("Cut-off", Input(placeholder=f"ship by {self._today()}", id="f-cutoff")),
                ("Carrier", Select[str]([], prompt="any", id="f-carrier")),
                ("Channel", Select[str]([], prompt="any", id="f-channel")),
                ("Zone", Select[str]([], prompt="any", id="f-zone")),
                ("Priority ≥", Input(placeholder="any", id="f-priority", type="integer")),
                ("Flags", Input(placeholder="any of VIP, GIFT", id="f-flags")),
                ("Max orders", Input(placeholder="all", id="f-max", type="integer")),
                (
                    "Strategy",
                    Select[str](
                        _options(STRATEGY_NAMES),
                        value="per-order",
                        allow_blank=False,
                        id="f-strategy",
                    ),
                ),
                (
                    "Routing",
                    Select[str](
                        _options(METHODS), value="optimal", allow_blank=False, id="f-routing"
                    ),
                ),
            ):
                widget.compact = True
                with Horizontal(classes="filter"):
                    yield Label(label)
                    yield widget
            yield Static(
                Text("Enter/F5 preview\nctrl+r release", style="dim"), classes="filter-help"
            )
        with Vertical(id="preview"):
            yield Static(Text("Set the filters, then F5 to preview", style="dim"), id="summary")
            yield DataTable(id="pool-orders", cursor_type="row", zebra_stripes=True)

    def _today(self) -> str:
        """Today's date (UTC, as cut-offs are read): an example that never goes stale."""
        clock = getattr(self.app, "wall_clock", None)  # fixed in snapshot tests
        return (clock() if clock else datetime.now(UTC)).date().isoformat()

    def on_mount(self) -> None:
        table = self.query_one("#pool-orders", DataTable)
        table.add_columns("Order", "Ch", "Prio", "Ship by", "Carrier", "Flags", "Lines", "Units")
        submit(
            self,
            lambda: pool_options(self.db),
            self._options,
            what="read the filter choices",
            failed=self.failed,
        )

    def _options(self, options: PoolOptions) -> None:
        self.options = options
        warehouse = self.query_one("#f-warehouse", Select)
        warehouse.set_options(_options(options.warehouses))
        if len(options.warehouses) > 1:  # a wave is of one warehouse: start with the first
            warehouse.value = options.warehouses[0]
        self.query_one("#f-carrier", Select).set_options(_options(options.carrier_services))
        self.query_one("#f-channel", Select).set_options(_options(options.channels))
        self._zones_of(self._value("#f-warehouse"))
        if options.flags:
            self.query_one("#f-flags", Input).placeholder = "any of " + ", ".join(options.flags)
        self.say(f"{options.releasable_orders} order(s) waiting to be released: F5 to preview")

    def _zones_of(self, warehouse: str | None) -> None:
        """The zone choices are the chosen warehouse's (zone codes repeat across warehouses;
        a wave is of one warehouse). No warehouse chosen means the only one there is."""
        if self.options is None:
            return
        zones = self.options.zones
        if warehouse is None and len(self.options.warehouses) == 1:
            warehouse = self.options.warehouses[0]
        self.query_one("#f-zone", Select).set_options(_options(zones.get(warehouse or "", ())))

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "f-warehouse":
            self._zones_of(event.value if isinstance(event.value, str) else None)

    def _value(self, selector: str) -> str | None:
        value = self.query_one(selector, Select).value
        return value if isinstance(value, str) else None

    def _number(self, selector: str, what: str) -> int | None:
        text = self.query_one(selector, Input).value.strip()
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            raise ValidationError(f"{what} must be a whole number") from None

    def request_from_form(self) -> Request:
        flags = self.query_one("#f-flags", Input).value.replace(";", ",").split(",")
        flt = WaveFilter(
            warehouse=self._value("#f-warehouse"),
            cutoff=parse_cutoff(self.query_one("#f-cutoff", Input).value),
            carrier_service=self._value("#f-carrier"),
            channel=self._value("#f-channel"),
            priority_min=self._number("#f-priority", "the minimum priority"),
            zone=self._value("#f-zone"),
            flags=tuple(f.strip().upper() for f in flags if f.strip()),
            max_orders=self._number("#f-max", "the order limit"),
        )
        return Request(
            flt, self._value("#f-strategy") or "per-order", self._value("#f-routing") or "optimal"
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.run_preview()

    def run_preview(self) -> None:
        try:
            req = self.request_from_form()
        except ValidationError as exc:
            self.failed(exc.message)
            return
        self.say("previewing…")
        submit(
            self,
            lambda: preview(self.db, req.flt, strategy=req.strategy, routing_method=req.routing),
            lambda p: self._show(req, p),
            what="preview a wave",
            failed=self.failed,
        )

    def _show(self, req: Request, result: Preview) -> None:
        self.preview, self.request = result, req
        self.query_one("#summary", Static).update(summary(result))
        table = self.query_one("#pool-orders", DataTable)
        table.clear()
        for o in result.orders:
            table.add_row(
                plain(o.number, limit=20),
                plain(o.channel[:4], limit=4),
                str(o.priority),
                o.ship_by.strftime("%m-%d %H:%M") if o.ship_by else "",
                plain(o.carrier_service, limit=20),
                plain(",".join(o.flags), limit=30),
                str(o.lines),
                str(o.units),
            )
        self.post_message(self.Previewed(result))

    def run_release(self) -> None:
        if self.preview is None or self.request is None:
            self.failed("Preview a wave first (F5), then release it")
            return
        if self.request != self._current():
            self.failed("The filters changed since the preview: F5 to preview again")
            return
        plan, req = self.preview.plan, self.request
        question = (
            f"Release a wave of {plan.orders} order(s), {plan.pick_lists} pick list(s), "
            f"{plan.picks} picks ({req.strategy}, {req.routing})?"
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.say("releasing…")
                submit(
                    self,
                    lambda: release_wave(
                        self.db,
                        self.actor,
                        req.flt,
                        strategy=req.strategy,
                        routing_method=req.routing,
                    ),
                    self._released,
                    what="release a wave",
                    failed=self.failed,
                )

        self.app.push_screen(Confirm(question), answered)

    def _current(self) -> Request | None:
        try:
            return self.request_from_form()
        except ValidationError:
            return None

    def _released(self, wave: ReleasedWave) -> None:
        text = (
            f"Released {wave.number}: {wave.orders} order(s), {len(wave.pick_list_ids)} pick "
            f"list(s), {wave.picks} picks, {wave.route_length_m:,.0f} m"
        )
        if wave.skipped_orders:
            text += f"; {wave.skipped_orders} order(s) changed meanwhile and were left out"
        self.preview = None
        self.query_one("#pool-orders", DataTable).clear()
        self.say(text)
        self.app.notify(text, markup=False)
        self.post_message(self.Previewed(None))
        self.post_message(self.Released(wave))


def summary(p: Preview) -> Text:
    plan = p.plan
    rows: list[tuple[str, Any]] = [
        ("Orders", plan.orders),
        ("Lines", plan.lines),
        ("Pick lists", plan.pick_lists),
        ("Picks / units", f"{plan.picks} / {plan.units}"),
        ("Picker-hours", f"{plan.picker_hours:.2f}"),
    ]
    for method, metres in plan.travel_m.items():
        mark = " *" if method == plan.routing_method else ""
        rows.append((f"Travel {method}{mark}", f"{metres:,.0f} m"))
    if len(p.orders) < plan.orders:
        rows.append(("Listed below", f"the first {len(p.orders)} of {plan.orders} orders"))
    out = Text()
    for n, (label, value) in enumerate(rows):
        out.append(("\n" if n else "") + f"{label:<22}", style="bold" if n < 3 else "")
        out.append(str(value))
    return out
