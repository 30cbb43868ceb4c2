"""`wms-terminal pick --headless`: sign in and pick by lines on stdin, JSON lines on stdout.

One line is one scan, exactly as a keyboard wedge types it (an AIM prefix, the GS stand-in and
command barcodes included; a quantity as digits). The driver feeds it to the same flow objects as
the picker's screen: `signin.SignInFlow` until someone is signed in, then `picking.flow.PickFlow`.
Every line gets one result ("ok" or "error", possibly after "error" events with `retrying` while
the database is away), then the next "prompt", or "done" when the picker has no more work.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from sqlalchemy import text

from wms_terminal.core.auth import Actor
from wms_terminal.core.codes import Command
from wms_terminal.core.db import Database, busy_notices
from wms_terminal.core.errors import DatabaseBusy, DatabaseUnavailable, WmsError
from wms_terminal.headless.events import EventWriter
from wms_terminal.headless.hints import Hints
from wms_terminal.inbound.reading import read
from wms_terminal.picking import messages as M
from wms_terminal.picking.flow import PickFlow, Step
from wms_terminal.picking.picker_session import workplace
from wms_terminal.picking.route_left import RouteMap, load_route_map
from wms_terminal.scanning.scan import Scan, Source
from wms_terminal.scanning.symbology import Kind, classify
from wms_terminal.scanning.symbology import Msg as ScanMsg
from wms_terminal.scanning.wedge import WedgeConfig, WedgeDecoder
from wms_terminal.signin import PIN_TIMEOUT_S, Expect, SignInFlow, SignInView

log = logging.getLogger(__name__)
T = TypeVar("T")

CONNECTION_LOST = "connection lost, retrying"
BUSY = "busy, retrying"
SIGNED_OUT = "Signed out"

# What each pick step expects (the fixed `expect` values) and whether a quantity may be keyed.
_EXPECT = {
    Step.LOCATION: "location",
    Step.ITEM: "product",
    Step.QTY: "quantity",
    Step.TOTE: "tote",
    Step.SHORT_QTY: "short_quantity",
    Step.DAMAGED_QTY: "damaged_quantity",
    Step.IDLE: "list",
}
_QTY_STEPS = (Step.QTY, Step.SHORT_QTY, Step.DAMAGED_QTY)


@dataclass(frozen=True)
class Options:
    terminal: str = "headless"
    badge: str | None = None  # signed in with these before stdin is read (as if scanned)
    pin: str | None = None
    role: str | None = None
    warehouse: str | None = None  # warehouse code; default the user's own, or the only one
    zone: str | None = None  # zone code: claim lists of this zone only
    pin_timeout: float = PIN_TIMEOUT_S
    give_up_s: float = 600.0  # a database away this long ends the driver (exit 3)


class GiveUp(Exception):
    """The database stayed away for `give_up_s`."""


class PickerDriver:
    def __init__(
        self,
        db: Database,
        writer: EventWriter,
        options: Options = Options(),
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.db = db
        self.out = writer
        self.options = options
        self._sleep = sleep
        self.signin = SignInFlow(db, terminal=options.terminal, timeout=options.pin_timeout)
        self.flow: PickFlow | None = None
        self.hints = Hints(db)
        self._route: RouteMap | None = None
        self._tote_hint: tuple[int, str | None] | None = None  # (task id, suggested tote)
        self.wedge = WedgeDecoder(replace(WedgeConfig.from_env(), double_read_s=-1.0))

    # -- the loop ---------------------------------------------------------------------------

    def run(self, lines: Iterable[str]) -> int:
        """Exit status: 0 when the picker has no more work or stdin ends, 3 when the database
        stayed away, 1 on an unexpected error (logged; a short message on stdout)."""
        try:
            if self._sign_in_from_options():
                return 0
            for line in lines:
                scans = self._scans(line)
                if not scans and self.flow is not None and self.flow.step is Step.IDLE:
                    scans = [Scan(Command.PICK.barcode, Source.KEYBOARD)]  # Enter: a list
                elif not scans:
                    self.out.result(ScanMsg.EMPTY, error=True)
                    self._prompt()
                for scan in scans:
                    if self._take(scan):
                        return 0
            return 0
        except GiveUp:
            self.out.result("database unavailable: giving up", error=True)
            return 3
        except Exception as exc:  # never a traceback with locals on stdout
            log.error("headless picker stopped: %s: %s", type(exc).__name__, exc, exc_info=True)
            self.out.result(f"internal error ({type(exc).__name__}): see the log", error=True)
            return 1

    def _scans(self, line: str) -> list[Scan]:
        """The line as the wedge decoder reads a burst ended by Enter: AIM id and GS stand-in
        handled, control characters dropped, a Tab inside ends a scan as on a wedge."""
        now = time.monotonic()
        return self.wedge.feed(line.rstrip("\r\n") + "\n", now)

    def _take(self, scan: Scan) -> bool:
        """One scan; True when the picker has no more work (done was sent)."""
        if self.flow is None:
            return self._sign_in(self._call(lambda: self.signin.enter(scan)))
        flow = self.flow
        got = classify(scan.text, scan.symbology)
        if got.kind is Kind.COMMAND and got.fields.get("command") == Command.LOGOUT.value:
            # Signed out; a list in hand stays claimed and is resumed at the next sign-in.
            self.flow, self._route = None, None
            self.signin.restart()
            self.out.result(SIGNED_OUT)
            self._prompt()
            return False
        qty = read(scan).quantity  # digits keyed, as the picker's screen reads them
        if flow.step in _QTY_STEPS and qty is not None:
            view = self._call(lambda: flow.key_qty(qty, scan_id=scan.id))
        else:
            view = self._call(lambda: flow.scan(scan))
        message = view.error or view.message
        if view.step == Step.DONE.value and not view.error:
            after = self._call(flow.start)
            message = "\n".join(m for m in (view.message, after.error or after.message) if m)
            view = after
        if view.step == Step.IDLE.value and view.message == M.PROMPT_NO_WORK:
            self.out.result(message)
            self.out.done(M.PROMPT_NO_WORK)
            return True
        self.out.result(message, error=bool(view.error))
        self._prompt()
        return False

    # -- signing in -------------------------------------------------------------------------

    def _sign_in_from_options(self) -> bool:
        """--badge, the PIN and --role given on the command line, entered as if scanned; a
        refusal is reported and the rest is asked on stdin. Ends with the first prompt (True:
        with done instead)."""
        o = self.options
        for entry in (o.badge, o.pin, o.role):
            if entry is None:
                continue
            view = self._call(functools.partial(self.signin.enter, entry))
            if view.expect == Expect.DONE.value:
                return self._sign_in(view)
            if view.error:  # the rest is asked on stdin
                self.out.result(view.message, error=True)
                break
        self._prompt()
        return False

    def _sign_in(self, view: SignInView) -> bool:
        if view.expect != Expect.DONE.value:
            self.out.result(view.message, error=view.error)
            self._prompt()
            return False
        actor = view.actor
        assert actor is not None
        if not actor.can("pick"):
            self.signin.restart()
            self.out.result(f"{actor.username} ({actor.role}) may not pick", error=True)
            self._prompt()
            return False
        try:
            warehouse_id, zone_id = self._call(lambda: self._where(actor))
        except WmsError as exc:
            self.signin.restart()
            self.out.result(exc.message, error=True)
            self._prompt()
            return False
        self.flow = PickFlow(self.db, actor, warehouse_id=warehouse_id, zone_id=zone_id)
        started = self._call(self.flow.start)
        message = "\n".join(m for m in (view.message, started.error or started.message) if m)
        if started.step == Step.IDLE.value:
            self.out.result(message)
            self.out.done(M.PROMPT_NO_WORK)
            return True
        self.out.result(message)
        self._prompt()
        return False

    def _where(self, actor: Actor) -> tuple[int, int | None]:
        """The warehouse (--warehouse, else the user's workplace) and the zone (--zone)."""
        o = self.options
        with self.db.reading() as s:
            found = (
                s.execute(text("SELECT id FROM warehouse WHERE code = :c"), {"c": o.warehouse})
                if o.warehouse
                else None
            )
            wid = found.scalar() if found is not None else None
            if o.warehouse and wid is None:
                raise WmsError(f"no warehouse {o.warehouse}")
        if wid is None:
            wid = workplace(self.db, actor).warehouse_id
        if not o.zone:
            return int(wid), None
        with self.db.reading() as s:
            zid = s.execute(
                text("SELECT id FROM zone WHERE warehouse_id = :w AND code = :c"),
                {"w": wid, "c": o.zone},
            ).scalar()
        if zid is None:
            raise WmsError(f"no zone {o.zone} in that warehouse")
        return int(wid), int(zid)

    # -- prompts ----------------------------------------------------------------------------

    def _prompt(self) -> None:
        if self.flow is None:
            v = self.signin.view()
            extra: dict[str, Any] = {"roles": list(v.roles)} if v.expect == "role" else {}
            if v.tries_left is not None:
                extra["tries_left"] = v.tries_left
            self.out.prompt(v.expect, None, prompt=v.prompt, **extra)
            return
        self.out.prompt(**self._call(self._pick_prompt))

    def _pick_prompt(self) -> dict[str, Any]:
        flow = self.flow
        assert flow is not None
        v = flow.view()
        step = Step(v.step)
        task, pl = flow.task, flow.pick_list
        if task is None or pl is None:
            return {"expect": "list", "barcode": Command.PICK.barcode, "prompt": v.prompt}
        barcode: str | None = None
        fields: dict[str, Any] = {}
        if step is Step.LOCATION:
            barcode = task.location_barcode
        elif step in (Step.ITEM, Step.QTY):
            barcode = self.hints.product_barcode(task.product_id)
        elif step is Step.TOTE:
            barcode = v.tote or self._suggested_tote(task.task_id, pl.warehouse_id)
            fields["tote_new"] = v.tote is None
        elif step is Step.SHORT_QTY:
            fields["max"] = task.remaining - 1
        elif step is Step.DAMAGED_QTY:
            fields["max"] = task.remaining
        if self._route is None or not self._route.covers(pl):
            self._route = load_route_map(self.db, pl)
        return {
            "expect": _EXPECT[step],
            "barcode": barcode,
            "prompt": v.prompt,
            "list": pl.pick_list_id,
            "line": min(v.done + 1, v.total),
            "lines": v.total,
            "location": task.location_code,
            "sku": task.sku,
            "name": task.product_name,
            "qty": task.remaining,
            "counted": flow.pending_qty,
            "order": task.order_number,
            "tote_slot": task.slot,
            "tote": v.tote,
            "metres_left": self._route.metres_left(pl),
            **fields,
        }

    def _suggested_tote(self, task_id: int, warehouse_id: int) -> str | None:
        """A free tote to scan; a new one after the last suggestion was refused (taken)."""
        last = self._tote_hint
        refused = self.flow is not None and bool(self.flow.error)
        if last is None or last[0] != task_id or refused or last[1] is None:
            last = self._tote_hint = (task_id, self.hints.free_tote(warehouse_id))
        return last[1]

    # -- the database going away ------------------------------------------------------------

    def _call(self, fn: Callable[[], T]) -> T:
        """`fn` retried while the database is unreachable or busy, saying so each time. The
        flows leave their state as it was when a call raises, and a scan keeps its id, so the
        retried scan is applied once."""
        started = time.monotonic()
        delay = 0.2
        while True:
            try:
                with busy_notices(self._busy):
                    return fn()
            except DatabaseUnavailable as exc:
                log.warning("database unavailable: %s", exc.message)
                self.out.result(CONNECTION_LOST, error=True, retrying=True)
            except DatabaseBusy as exc:
                log.warning("database busy: %s", exc.message)
                self.out.result(BUSY, error=True, retrying=True)
            if time.monotonic() - started >= self.options.give_up_s:
                raise GiveUp
            self._sleep(delay)
            delay = min(delay * 2, 2.0)

    def _busy(self, _message: str) -> None:
        self.out.result(BUSY, error=True, retrying=True)
