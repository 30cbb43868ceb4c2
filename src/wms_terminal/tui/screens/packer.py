"""The packer's mode (80x24 and up): scan a tote, an order or a pick list, verify every unit,
box, weigh, close and label, by scanner alone or by keys.

Drives `packing.flow.PackFlow`, the flow the headless driver (`pack --headless`) drives. Every
input becomes one job on the screen's database queue (tui/db_worker.py), run in order in a worker
thread; the answer comes back as a `Shown` and is drawn. The screen shows the order's lines with
verified counts, which of its totes have arrived and which are still out, gift / VIP /
replacement banners, the box suggestion, the expected weight, and this station's print jobs
that failed (CMD-RETRY or r queues them again; CMD-REPRINT or p prints the last label again).

With a scale (`WMS_SCALE_PORT`, a serial port), the last verify scan closes the package by itself
(the flow's `auto_close`: the suggested box, the scale's weight), so the label prints through the
print outbox without a key press. Without one the weight is keyed (grams, or kg with a point).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from wms_terminal.core.auth import Actor
from wms_terminal.core.codes import Command
from wms_terminal.core.db import Database
from wms_terminal.packing.flow import Expect, PackFlow, PackView
from wms_terminal.packing.keyed import weight_grams
from wms_terminal.packing.scale import Scale, SerialScale
from wms_terminal.printing import outbox
from wms_terminal.printing.outbox import PrintJobView
from wms_terminal.scanning.scan import Scan, Source
from wms_terminal.scanning.symbology import Kind, classify
from wms_terminal.scanning.wedge import WedgeConfig
from wms_terminal.tui.screens import packer_panel as panel
from wms_terminal.tui.screens.mode import ModeScreen
from wms_terminal.tui.text import one_line
from wms_terminal.tui.widgets.commands import command_of
from wms_terminal.tui.widgets.scan_input import ScanInput

SCALE_ENV = "WMS_SCALE_PORT"
KEYS_LINE = (
    "h help · s short · d damaged · k hold · n box full · x back · w weigh · r retry print · "
    "p reprint · o log out"
)
# Keys typed alone and ended with Enter (the packer's own: p and r differ from the picker's).
PACK_KEYS: dict[str, Command] = {
    "h": Command.HELP,
    "?": Command.HELP,
    "s": Command.SHORT,
    "d": Command.DAMAGED,
    "k": Command.SKIP,
    "n": Command.DONE,
    "x": Command.CANCEL,
    "r": Command.RETRY,
    "p": Command.REPRINT,
    "o": Command.LOGOUT,
}
F_KEYS: dict[str, Command] = {
    "f1": Command.HELP,
    "f2": Command.SHORT,
    "f3": Command.DAMAGED,
    "f4": Command.SKIP,
    "f5": Command.DONE,
    "f6": Command.RETRY,
    "f7": Command.REPRINT,
    "f8": Command.CANCEL,
    "f9": Command.LOGOUT,
}
HELP = "Scan every unit. " + " ".join(
    f"{k}={c.value.lower()}" for k, c in PACK_KEYS.items() if k != "?"
)


def station_scale() -> Scale | None:
    """The station's serial scale when `WMS_SCALE_PORT` names one (pyserial needed)."""
    port = os.environ.get(SCALE_ENV, "").strip()
    return SerialScale(port) if port else None


@dataclass(frozen=True)
class Shown:
    view: PackView
    prints: tuple[PrintJobView, ...] = ()
    note: str = ""  # a message of the screen's own (a print retried, a reprint)
    failed: str = ""


class PackerScreen(ModeScreen):
    BINDINGS = [
        *(
            Binding(key, f"command('{cmd.value}')", cmd.value.title(), id=f"packer-{cmd.value}")
            for key, cmd in F_KEYS.items()
        ),
        Binding("f11", "weigh", "Weigh", id="packer-weigh"),
        Binding("f10", "returns", "Returns", id="packer-returns"),
    ]

    def __init__(
        self,
        db: Database,
        actor: Actor,
        *,
        role: str | None = None,
        scale: Scale | None = None,
        refresh_s: float = 3.0,
    ) -> None:
        super().__init__(db, actor, role=role)
        self.flow: PackFlow | None = None  # made in the database worker
        self.scale = scale
        self.refresh_s = refresh_s
        self.last_sscc: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="pack-head")
        yield Static("", id="pack-banner")
        yield Static("", id="pack-lines")
        yield Static("", id="pack-totes")
        yield Static("", id="pack-box")
        yield Static("", id="pack-prompt")
        # Identical units scanned one after another are the normal case here: only a scanner's
        # own repeat is dropped (the packing window, not the picker's).
        yield ScanInput(placeholder="scan", id="entry", config=WedgeConfig.from_env(mode="pack"))
        yield Static("", id="message")
        yield Static("", id="status")
        yield Static("", id="pack-prints")
        yield Static(one_line(KEYS_LINE, 78), id="keys")

    def on_mount(self) -> None:
        self.query_one(ScanInput).focus()
        self.query_one("#pack-prompt", Static).update("Loading…")
        self._submit(lambda: self._shown(self._flow().view()), "open the packing station")
        if self.refresh_s > 0:
            self.set_interval(self.refresh_s, self._refresh_prints)

    # -- input ----------------------------------------------------------------------------

    def handle_scan(self, scan: Scan) -> None:
        cmd = command_of(scan) or self._keyed(scan)
        if cmd is Command.LOGOUT:
            self.action_logout()
        elif cmd is not None:
            self.action_command(cmd.value, scan)
        elif scan.source is Source.KEYBOARD and scan.text.strip().lower() == "w":
            self.action_weigh()
        else:
            self._submit(lambda: self._input(scan), "scan")

    def _keyed(self, scan: Scan) -> Command | None:
        if scan.source is not Source.KEYBOARD:
            return None
        typed = scan.text.strip()
        if typed.lower() in PACK_KEYS:
            return PACK_KEYS[typed.lower()]
        try:
            return Command(typed.upper())
        except ValueError:
            return None

    def on_scan_input_blank(self, event: ScanInput.Blank) -> None:
        """Enter alone: read the scale at the weight step; else the current state again."""
        event.stop()
        if self.flow is not None and self.flow.expect is Expect.WEIGHT and self.scale:
            self.action_weigh()
        else:
            self._submit(lambda: self._shown(self._flow().view()), "show")

    def action_returns(self) -> None:
        """The returns station (F10); Escape there comes back here."""
        from wms_terminal.tui.screens.returns import ReturnsScreen

        self.app.push_screen(ReturnsScreen(self.db, self.actor))

    def action_weigh(self) -> None:
        self._submit(lambda: self._shown(self._flow().weigh()), "weigh")

    def action_command(self, name: str, scan: Scan | None = None) -> None:
        cmd = Command(name)
        if cmd is Command.LOGOUT:
            self.action_logout()
            return
        if cmd is Command.HELP:
            self.say(HELP)
            return
        sid = scan.id if scan is not None else uuid.uuid4().hex
        if cmd is Command.RETRY:
            self._submit(self._retry, "retry printing")
        elif cmd is Command.REPRINT:
            self._submit(self._reprint, "reprint")
        else:
            self._submit(lambda: self._shown(self._flow().command(cmd, scan_id=sid)), cmd.value)

    # -- jobs (run in the database worker, one at a time) ---------------------------------

    def _flow(self) -> PackFlow:
        if self.flow is None:
            self.flow = PackFlow(self.db, self.actor, scale=self.scale, auto_close=True)
        return self.flow

    def _input(self, scan: Scan) -> Shown:
        flow = self._flow()
        got = classify(scan.text, scan.symbology)
        if flow.expect is Expect.WEIGHT:
            grams = weight_grams(scan.text)
            if grams is not None:
                return self._shown(flow.key_weight(grams, scan_id=scan.id))
        if flow.expect is Expect.BADGE and flow.badge and got.kind is not Kind.BADGE:
            return self._shown(flow.approve(scan.text.strip()))
        if flow.expect is Expect.TOTE and got.kind is Kind.UNKNOWN and scan.text.isdigit():
            return self._shown(flow.open(pick_list=int(scan.text)))  # a pick list keyed
        return self._shown(flow.scan(scan))

    def _retry(self) -> Shown:
        flow = self._flow()
        failed = [j for j in self._prints() if j.status == "failed"]
        for job in failed:
            outbox.retry(self.db, self.actor, job.id)
        note = f"{len(failed)} print job(s) queued again" if failed else "no failed print job"
        return self._shown(flow.view(), note=note)

    def _reprint(self) -> Shown:
        flow = self._flow()
        sscc = flow.closed.get("sscc") or self.last_sscc
        if not sscc:
            return self._shown(flow.view(), failed="no package closed here yet to reprint")
        job = outbox.reprint(self.db, self.actor, str(sscc), reason="REPRINT")
        return self._shown(flow.view(), note=f"label {job.sscc} queued to print again")

    def _prints(self) -> list[PrintJobView]:
        jobs = outbox.list_jobs(self.db, station=self.actor.terminal, limit=50)
        return [j for j in jobs if j.status == "failed" or (j.status == "queued" and j.last_error)]

    def _shown(self, view: PackView, *, note: str = "", failed: str = "") -> Shown:
        if view.sscc:
            self.last_sscc = view.sscc
        return Shown(view, tuple(self._prints()), note, failed)

    def _refresh_prints(self) -> None:
        if self.db_runner.idle and self.flow is not None:
            self.db_runner.submit(
                lambda: tuple(self._prints()),
                self._show_prints,
                what="print jobs",
                failed=lambda _m: None,
            )

    # -- output ---------------------------------------------------------------------------

    def _submit(self, job: Callable[[], Shown], what: str) -> None:
        self.db_runner.submit(job, self._show, what=what, failed=self._failed)

    def _show(self, shown: Shown) -> None:
        v = shown.view
        width = max(40, self.size.width - 2) if self.size.width else 78
        flow = self.flow
        self.query_one("#pack-head", Static).update(panel.head(v, self.actor.username, width))
        banner = self.query_one("#pack-banner", Static)
        banner.update(panel.banner(v, width))
        banner.display = bool(v.special or v.gift_message)
        self.query_one("#pack-lines", Static).update(panel.lines_table(v, width))
        self.query_one("#pack-totes", Static).update(panel.totes(v, width))
        box = flow.box if flow is not None else None
        self.query_one("#pack-box", Static).update(panel.packing(v, box, width))
        self._show_prints(shown.prints)
        expect = v.expect
        if flow is not None and flow.expect is Expect.BADGE:
            expect = "supervisor_pin" if flow.badge else "supervisor_badge"
        prompt = panel.PROMPTS.get(expect, v.prompt)
        if v.barcode and expect in ("tote", "order", "box", "label"):
            prompt += f": {v.barcode}"
        self.query_one("#pack-prompt", Static).update(one_line(prompt, width, style="bold"))
        entry = self.query_one(ScanInput)
        entry.password = expect == "supervisor_pin"
        entry.placeholder = {
            "weight": "key the weight (g, or kg with a point)",
            "supervisor_pin": "PIN",
        }.get(expect, "scan")
        entry.refresh()
        if shown.failed or v.error:
            self.say(shown.failed or v.error, error=True)
        else:
            self.say("\n".join(m for m in (v.message, shown.note) if m))

    def _show_prints(self, jobs: tuple[PrintJobView, ...]) -> None:
        width = max(40, self.size.width - 2) if self.size.width else 78
        self.query_one("#pack-prints", Static).update(panel.prints(jobs, width))

    def _failed(self, text: str) -> None:
        self.say(text, error=True)
