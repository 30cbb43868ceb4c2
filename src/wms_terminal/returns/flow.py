"""The returns station's flow: a plain state machine the headless driver, the screen and the
tests drive the same way.

    RMA --RMA code, order or tracking number--> PRODUCT --unit--> GRADE --grade--> PRODUCT ...
                                                   |                 |
                  CMD-DONE (close the receipt) <---+  CMD-CANCEL ----+ (the unit is not graded)
                  CMD-CANCEL (leave the parcel) -> RMA

A unit is applied when it is graded (one service call, keyed by the grade scan's id: the same
scan given again after a lost connection is applied once). A grade is keyed or scanned as its
name, its first letters or its number (1 resell, 2 refurbish, 3 quarantine, 4 scrap). The
receipt closes by itself after the last unit the return names. A refused input changes nothing;
a call that raised (the database went away) leaves the flow as it was.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from wms_terminal.core.auth import Actor
from wms_terminal.core.codes import Command
from wms_terminal.core.db import Database
from wms_terminal.core.errors import DatabaseBusy, DatabaseUnavailable, WmsError
from wms_terminal.core.returns import Grade, Resolution, ReturnStatus, parse_grade
from wms_terminal.returns.exchange import issue_replacement
from wms_terminal.returns.station import (
    LineView,
    ReturnView,
    close_receipt,
    find_return,
    grade_unit,
)
from wms_terminal.scanning.scan import Scan
from wms_terminal.scanning.symbology import Kind, classify

MAX_CODE = 64
log = logging.getLogger(__name__)


class Expect(StrEnum):
    RMA = "rma"
    PRODUCT = "product"
    GRADE = "grade"


PROMPTS = {
    Expect.RMA: "Scan the RMA code (or order / tracking number)",
    Expect.PRODUCT: "Scan a unit (CMD-DONE: parcel done)",
    Expect.GRADE: "Grade: 1 resell 2 refurbish 3 quarantine 4 scrap",
}


@dataclass(frozen=True)
class Unit:
    """The unit scanned, waiting for its grade."""

    code: str  # what the services resolve to a product: GTIN or keyed text
    lot: str | None
    serial: str | None


@dataclass(frozen=True)
class ReturnsView:
    expect: str
    prompt: str
    message: str = ""
    error: str = ""
    rma: str | None = None
    order: str | None = None
    lines: tuple[LineView, ...] = ()
    unexpected: int = 0
    unit: Unit | None = None
    choices: tuple[str, ...] = ()


class ReturnsFlow:
    def __init__(self, db: Database, actor: Actor) -> None:
        self.db = db
        self.actor = actor
        self.expect = Expect.RMA
        self.ret: ReturnView | None = None
        self.unit: Unit | None = None

    def view(self, message: str = "", error: str = "") -> ReturnsView:
        r = self.ret
        return ReturnsView(
            expect=self.expect.value,
            prompt=PROMPTS[self.expect],
            message=message,
            error=error,
            rma=r.rma if r else None,
            order=r.order if r else None,
            lines=r.lines if r else (),
            unexpected=r.unexpected if r else 0,
            unit=self.unit,
            choices=Grade.ALL if self.expect is Expect.GRADE else (),
        )

    def scan(self, scan: Scan | str) -> ReturnsView:
        raw, sym, scan_id = (
            (scan.text, scan.symbology, scan.id)
            if isinstance(scan, Scan)
            else (scan, None, uuid.uuid4().hex)
        )
        got = classify(raw, sym)
        command = str(got.fields.get("command")) if got.kind is Kind.COMMAND and got.ok else None
        try:
            if command is not None:
                return self._command(command)
            if self.expect is Expect.RMA:
                self.ret = find_return(self.db, raw)
                self.expect = Expect.PRODUCT
                return self.view(f"{self.ret.rma}: {self.ret.remaining} unit(s) expected")
            if self.expect is Expect.PRODUCT:
                return self._unit(got.kind, got.fields, got.error, raw)
            return self._grade(raw, scan_id)
        except (DatabaseUnavailable, DatabaseBusy):
            raise
        except WmsError as exc:
            return self.view(error=exc.message)

    def _command(self, command: str) -> ReturnsView:
        if command == Command.CANCEL.value:
            if self.expect is Expect.GRADE:
                self.unit, self.expect = None, Expect.PRODUCT
                return self.view("Unit not graded: scan it again when ready")
            if self.expect is Expect.PRODUCT:
                left = self.ret.rma if self.ret else ""
                self.ret, self.expect = None, Expect.RMA
                return self.view(f"Left {left}: its receipt stays open")
        if command == Command.DONE.value and self.expect is Expect.PRODUCT and self.ret:
            done = close_receipt(self.db, self.actor, self.ret.rma)
            self.ret, self.expect = None, Expect.RMA
            return self.view(f"{done.rma} received: {_summary(done)}{self._replace(done)}")
        return self.view(error=f"CMD-{command} does nothing here")

    def _unit(
        self, kind: Kind, fields: Mapping[str, object], error: str | None, raw: str
    ) -> ReturnsView:
        if kind in (Kind.GTIN, Kind.GS1) and error is None and fields.get("gtin"):
            lot, serial = fields.get("lot"), fields.get("serial")
            self.unit = Unit(
                str(fields["gtin"]),
                str(lot)[:20] if lot else None,
                str(serial)[:20] if serial else None,
            )
        elif kind in (Kind.UNKNOWN, Kind.GTIN) and raw.strip().isprintable() and raw.strip():
            # A keyed SKU, an EAN-8, or a code no product has: recorded as it is, never lost.
            self.unit = Unit(raw.strip()[:MAX_CODE], None, None)
        else:
            return self.view(error=error or "scan the unit's product barcode")
        self.expect = Expect.GRADE
        return self.view(f"{self.unit.code}: grade it")

    def _grade(self, raw: str, scan_id: str) -> ReturnsView:
        grade = parse_grade(raw)
        if grade is None:
            return self.view(error=f"a grade is one of {', '.join(Grade.ALL)} (or 1-4)")
        assert self.ret is not None and self.unit is not None
        done = grade_unit(
            self.db,
            self.actor,
            rma=self.ret.rma,
            item=self.unit.code,
            grade=grade,
            scan_id=scan_id,
            lot=self.unit.lot,
            serial=self.unit.serial,
        )
        what = done.sku or self.unit.code
        message = f"{what}: {done.grade}" + (f" ({done.location})" if done.location else "")
        if done.unexpected:
            message += f"; unexpected: {done.unexpected}"
        if done.backorders_waiting:
            message += f"; waiting: {', '.join(done.backorders_waiting)}"
        self.unit = None
        if done.view.status != ReturnStatus.OPEN:
            self.ret, self.expect = None, Expect.RMA
            return self.view(
                f"{message}. {done.view.rma} received: {_summary(done.view)}"
                f"{self._replace(done.view)}"
            )
        self.ret, self.expect = done.view, Expect.PRODUCT
        return self.view(message)

    def _replace(self, v: ReturnView) -> str:
        """An exchange received without its replacement: raise it now (what to say)."""
        if v.status != ReturnStatus.RECEIVED or v.resolution != Resolution.EXCHANGE:
            return ""
        try:
            got = issue_replacement(self.db, self.actor, v.rma)
        except WmsError as exc:
            log.warning("replacement for %s not raised: %s", v.rma, exc.message)
            return f"; replacement not raised ({exc.message}): wms-terminal returns exchange"
        return f"; replacement {got.order} raised"


def _summary(v: ReturnView) -> str:
    got = sum(x.received for x in v.lines)
    want = sum(x.qty for x in v.lines)
    extra = f", {v.unexpected} unexpected" if v.unexpected else ""
    return f"{got} of {want} unit(s){extra}"
