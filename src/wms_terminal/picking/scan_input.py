"""The prologue every floor flow runs on a scan (the pick flow, the count flow): the scan's text,
symbology and id, its classification by the scanning layer (the one classifier of the floor),
and a command barcode answered before any step looks at it."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Concatenate, Generic, ParamSpec, TypeVar

from wms_terminal.core.codes import Command
from wms_terminal.picking import messages as M
from wms_terminal.scanning.scan import Scan
from wms_terminal.scanning.symbology import Classified, Kind, classify

V = TypeVar("V")
P = ParamSpec("P")
R = TypeVar("R")
F = TypeVar("F")


def atomic(method: Callable[Concatenate[F, P], R]) -> Callable[Concatenate[F, P], R]:
    """A flow method that raised (the database went away, a service failed) leaves the flow as
    it was before the call: the same scan, under the same id, can then be given again and is
    applied once (a step the service did store is answered again from its scan record)."""

    @functools.wraps(method)
    def wrapper(self: F, /, *args: P.args, **kwargs: P.kwargs) -> R:
        state = dict(vars(self))  # the flow holds only frozen views and plain values
        try:
            return method(self, *args, **kwargs)
        except BaseException:
            vars(self).clear()
            vars(self).update(state)
            raise

    return wrapper


@dataclass(frozen=True)
class ScanInput:
    text: str
    symbology: str | None
    scan_id: str  # the scan's own id, or a new one for a plain string (as a wedge types it)
    got: Classified


def read_scan(scan: Scan | str, new_id: Callable[[], str]) -> ScanInput:
    if isinstance(scan, str):
        text, symbology, scan_id = scan, None, new_id()
    else:
        text, symbology, scan_id = scan.text, scan.symbology, scan.id
    return ScanInput(text, symbology, scan_id, classify(text, symbology))


class ScanFlow(Generic[V]):
    """A flow that takes scans and command barcodes; `V` is the view it answers with."""

    message: str
    error: str
    _new_id: Callable[[], str]

    def view(self) -> V:  # pragma: no cover - every flow defines it
        raise NotImplementedError

    def command(self, cmd: Command, *, scan_id: str | None = None) -> V:  # pragma: no cover
        raise NotImplementedError

    def read(self, scan: Scan | str) -> tuple[ScanInput, V | None]:
        """The scan read and classified, the last message cleared. A command barcode is answered
        here (run, or refused when it is none of ours): the view comes back with it, and the
        flow's step does not look at the scan."""
        got = read_scan(scan, self._new_id)
        self.message = self.error = ""
        c = got.got
        if c.kind is Kind.COMMAND or c.fields.get("looks_like") == Kind.COMMAND:
            if not c.ok:
                self.error = M.UNKNOWN_COMMAND
                return got, self.view()
            return got, self.command(Command(c.fields["command"]), scan_id=got.scan_id)
        return got, None
