"""The loop every headless driver shares: lines on stdin read as wedge scans, sign-in until
someone may do the flow's work, CMD-LOGOUT, the database going away (retried, said each time),
and the JSON events. A flow plugs in as a subclass (`picker.PickerDriver`, `packer.PackerDriver`)
with five methods: `start` (after sign-in), `take` (one scan), `flow_prompt` (the next prompt's
fields), `on_empty_line` and `leave` (signed out).

Every line gets one result ("ok" or "error", possibly after "error" events with `retrying` while
the database is away), then the next "prompt", or "done" when there is no more work.
"""

from __future__ import annotations

import functools
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from wms_terminal.core.auth import Actor
from wms_terminal.core.codes import Command
from wms_terminal.core.db import Database, busy_notices
from wms_terminal.core.errors import DatabaseBusy, DatabaseUnavailable, WmsError
from wms_terminal.headless.events import EventWriter
from wms_terminal.picking.picker_session import WhichWarehouse, workplace
from wms_terminal.scanning.scan import Scan
from wms_terminal.scanning.symbology import Kind, classify
from wms_terminal.scanning.symbology import Msg as ScanMsg
from wms_terminal.scanning.wedge import WedgeConfig, WedgeDecoder
from wms_terminal.signin import PIN_TIMEOUT_S, Expect, SignInFlow, SignInView

log = logging.getLogger(__name__)
T = TypeVar("T")

CONNECTION_LOST = "connection lost, retrying"
BUSY = "busy, retrying"
SIGNED_OUT = "Signed out"


@dataclass(frozen=True)
class Options:
    terminal: str = "headless"
    badge: str | None = None  # signed in with these before stdin is read (as if scanned)
    pin: str | None = None
    role: str | None = None
    warehouse: str | None = None  # warehouse code; default the user's own, or the only one
    zone: str | None = None  # zone code (picking: claim lists of this zone only)
    pin_timeout: float = PIN_TIMEOUT_S
    give_up_s: float = 600.0  # a database away this long ends the driver (exit 3)


class GiveUp(Exception):
    """The database stayed away for `give_up_s`."""


class Started:
    """What `start` reports: the message, and whether there is no work (done)."""

    def __init__(self, message: str, *, done: bool = False, done_message: str = "") -> None:
        self.message, self.done, self.done_message = message, done, done_message


class Driver(ABC):
    permission = ""  # what the signed-in user must be allowed to do
    verb = ""  # "may not <verb>"
    name = "driver"

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
        self.actor: Actor | None = None
        self._choosing: Actor | None = None  # signed in, asked which warehouse
        self._chosen_code: str | None = None  # the warehouse code chosen at that prompt
        self.wedge = WedgeDecoder(replace(WedgeConfig.from_env(), double_read_s=-1.0))

    # -- what a flow provides ---------------------------------------------------------------

    @abstractmethod
    def start(self, actor: Actor) -> Started:
        """Signed in: set up the flow and take the first work."""

    @abstractmethod
    def take(self, scan: Scan) -> bool:
        """One scan for the flow: report its result and the next prompt; True after done."""

    @abstractmethod
    def flow_prompt(self) -> dict[str, Any]:
        """The next prompt's fields (`expect`, `barcode`, `prompt` ...)."""

    def on_empty_line(self) -> Scan | None:
        """What an empty line means to the flow (None: an empty scan, refused)."""
        return None

    @abstractmethod
    def leave(self) -> None:
        """Signed out: forget the flow (the work in hand stays claimed)."""

    # -- the loop ---------------------------------------------------------------------------

    def run(self, lines: Iterable[str]) -> int:
        """Exit status: 0 when there is no more work or stdin ends, 3 when the database stayed
        away, 1 on an unexpected error (logged; a short message on stdout)."""
        try:
            if self._sign_in_from_options():
                return 0
            for line in lines:
                scans = self._scans(line)
                if not scans and self.actor is not None:
                    empty = self.on_empty_line()
                    scans = [empty] if empty is not None else []
                if not scans:
                    self.out.result(ScanMsg.EMPTY, error=True)
                    self.prompt()
                for scan in scans:
                    if self._take(scan):
                        return 0
            return 0
        except GiveUp:
            self.out.result("database unavailable: giving up", error=True)
            return 3
        except Exception as exc:  # never a traceback with locals on stdout
            log.error(
                "headless %s stopped: %s: %s", self.name, type(exc).__name__, exc, exc_info=True
            )
            self.out.result(f"internal error ({type(exc).__name__}): see the log", error=True)
            return 1

    def _scans(self, line: str) -> list[Scan]:
        """The line as the wedge decoder reads a burst ended by Enter: AIM id and GS stand-in
        handled, control characters dropped, a Tab inside ends a scan as on a wedge."""
        return self.wedge.feed(line.rstrip("\r\n") + "\n", time.monotonic())

    def _take(self, scan: Scan) -> bool:
        got = classify(scan.text, scan.symbology)
        logout = got.kind is Kind.COMMAND and got.fields.get("command") == Command.LOGOUT.value
        if self._choosing is not None:
            if not logout:
                return self._choose_warehouse(self._choosing, scan)
        elif self.actor is None:
            return self._sign_in(self.call(lambda: self.signin.enter(scan)))
        elif not logout:
            return self.take(scan)
        self.actor, self._choosing, self._chosen_code = None, None, None
        self.leave()
        self.signin.restart()
        self.out.result(SIGNED_OUT)
        self.prompt()
        return False

    def finish(self, message: str, *, error: bool, done: str | None) -> bool:
        """The result of a line, then done (True) or the next prompt."""
        self.out.result(message, error=error)
        if done is not None:
            self.out.done(done)
            return True
        self.prompt()
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
            view = self.call(functools.partial(self.signin.enter, entry))
            if view.expect == Expect.DONE.value:
                return self._sign_in(view)
            if view.error:  # the rest is asked on stdin
                self.out.result(view.message, error=True)
                break
        self.prompt()
        return False

    def _sign_in(self, view: SignInView) -> bool:
        if view.expect != Expect.DONE.value:
            return self.finish(view.message, error=view.error, done=None)
        actor = view.actor
        assert actor is not None
        if not actor.can(self.permission):
            self.signin.restart()
            return self.finish(
                f"{actor.username} ({actor.role}) may not {self.verb}", error=True, done=None
            )
        return self._start(actor, view.message)

    def _start(self, actor: Actor, signed_in: str) -> bool:
        self._choosing = None
        try:
            started = self.start(actor)
        except WhichWarehouse as exc:  # several warehouses, none the user's: which one
            self._choosing, self._chosen_code = actor, None
            self.out.result("\n".join(m for m in (signed_in, exc.message) if m))
            self.out.prompt("warehouse", None, prompt="Which warehouse?", choices=list(exc.codes))
            return False
        except WmsError as exc:
            if self._chosen_code is not None:  # a code that names no warehouse: asked again
                self._chosen_code = None
                self._choosing = actor
                self.out.result(exc.message, error=True)
                self.out.prompt("warehouse", None, prompt="Which warehouse?")
                return False
            self.signin.restart()
            return self.finish(exc.message, error=True, done=None)
        self.actor = actor
        message = "\n".join(m for m in (signed_in, started.message) if m)
        return self.finish(
            message, error=False, done=started.done_message if started.done else None
        )

    def warehouse_id(self, actor: Actor) -> int:
        """--warehouse, else the one chosen at the prompt, else the user's workplace
        (`WhichWarehouse` when that is ambiguous: asked)."""
        return workplace(self.db, actor, self.options.warehouse or self._chosen_code).warehouse_id

    def _choose_warehouse(self, actor: Actor, scan: Scan) -> bool:
        """A line at the warehouse prompt: its code, then the flow starts (asked again when
        it names none)."""
        self._chosen_code = scan.text.strip()
        return self._start(actor, "")

    # -- prompts ----------------------------------------------------------------------------

    def prompt(self) -> None:
        if self.actor is None:
            v = self.signin.view()
            extra: dict[str, Any] = {"roles": list(v.roles)} if v.expect == "role" else {}
            if v.tries_left is not None:
                extra["tries_left"] = v.tries_left
            self.out.prompt(v.expect, None, prompt=v.prompt, **extra)
            return
        self.out.prompt(**self.call(self.flow_prompt))

    # -- the database going away ------------------------------------------------------------

    def call(self, fn: Callable[[], T]) -> T:
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
