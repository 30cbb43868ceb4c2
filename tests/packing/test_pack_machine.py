"""A Hypothesis state machine over the packing station on SQLite: random sequences of what a
packer does (open by tote or order, right and wrong product scans, hold, short, box full, boxes,
weights right and off, a supervisor's approval, labels right and wrong, restart, reopen, a dock
hand-over) never break an invariant (`core.invariants.check`: packed and shipped units against
the packages, package states, stock and totes), never hand out an SSCC twice, and never raise
out of the flow."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import text

from tests import factories as f
from wms_terminal.core.codes import Command
from wms_terminal.core.db import Database, make_engine
from wms_terminal.core.errors import WmsError
from wms_terminal.core.invariants import check
from wms_terminal.packing.flow import PackFlow
from wms_terminal.packing.shipments import hand_over

from .conftest import Station, build_station

BOXES = ("MAILER", "BOX-S", "BOX-M", "BOX-XL", "NOT-A-BOX")
COMMANDS = (Command.SKIP, Command.SHORT, Command.DAMAGED, Command.DONE, Command.CANCEL)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path):
    path = tmp_path_factory.mktemp("packsm") / "floor.sqlite3"
    shutil.copy(sqlite_template, path)
    db = Database(make_engine(f"sqlite:///{path}"))
    station = build_station(db)
    fl = station.floor
    fl.order([(1, 3), (3, 2)], flags=("GIFT",))
    fl.order([(2, 2)])
    fl.order([(4, 1), (5, 1)], flags=("VIP",))
    totes = station.pick_all()
    db.dispose()
    return path, station, totes


def test_packing_never_breaks_an_invariant(prepared, tmp_path: Path):
    path, template, totes = prepared

    class PackMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            copy = tmp_path / f"ex-{id(self)}.sqlite3"
            shutil.copy(path, copy)
            self.db = Database(make_engine(f"sqlite:///{copy}"))
            self.station = Station(
                type(template.floor)(**{**template.floor.__dict__, "db": self.db}),
                template.packer,
                template.sup_badge,
                template.picker_badge,
            )
            self.flow = PackFlow(self.db, template.packer)
            self._next = 0

        def teardown(self) -> None:
            self.db.dispose()

        @rule(tote=st.sampled_from(totes))
        def scan_tote(self, tote: str) -> None:
            self.flow.scan(tote)

        @rule(n=st.integers(1, 3))
        def scan_order(self, n: int) -> None:
            self.flow.scan(f"SO-{n:07d}")

        @rule(n=st.integers(1, 6))
        def scan_product(self, n: int) -> None:
            self.flow.scan(f.gtin13(n))

        @rule(cmd=st.sampled_from(COMMANDS))
        def command(self, cmd: Command) -> None:
            self.flow.command(cmd)

        @rule(box=st.sampled_from(BOXES))
        def scan_box(self, box: str) -> None:
            self.flow.scan(box)

        @rule(off=st.sampled_from((0, 0, 10, 900)))
        def weigh(self, off: int) -> None:
            v = self.flow.view()
            grams = round((v.expected_kg or 0.3) * 1000) + off
            self.flow.key_weight(grams)

        @rule()
        def approve(self) -> None:
            self.flow.scan(template.sup_badge)
            self.flow.approve(f.CLI_PIN)

        @rule(right=st.booleans())
        def scan_label(self, right: bool) -> None:
            v = self.flow.view()
            self.flow.scan(v.barcode if right and v.barcode else "087123450000099996")

        @rule(times=st.integers(1, 8))
        def progress(self, times: int) -> None:
            """What the station expects, done right (so that packages do close)."""
            for _ in range(times):
                v = self.flow.view()
                if v.expect == "product":
                    left = [x.sku for x in v.lines if x.remaining > 0]
                    if not left:
                        self.flow.command(Command.DONE)
                        continue
                    self.flow.scan(f.gtin13(int(left[0][4:])))
                elif v.expect == "weight":
                    self.flow.key_weight(round((v.expected_kg or 0.3) * 1000))
                elif v.expect == "badge":
                    self.approve()
                elif v.expect == "tote":
                    self.flow.scan(totes[self._next % len(totes)])
                    self._next += 1
                elif v.barcode:
                    self.flow.scan(v.barcode)
                else:
                    self.flow.scan("BOX-XL")

        @rule()
        def restart(self) -> None:
            self.flow.restart()

        @rule(ship=st.booleans())
        def closed_package(self, ship: bool) -> None:
            with self.db.reading() as s:
                sscc = s.execute(
                    text("SELECT MIN(sscc) FROM package WHERE status = 'closed'")
                ).scalar()
            if sscc is None:
                return
            if ship:
                with contextlib.suppress(WmsError):  # e.g. the order is not packed whole
                    hand_over(self.db, template.packer, sscc=str(sscc))
            else:
                self.flow.reopen(str(sscc))

        @invariant()
        def sound(self) -> None:
            assert check(self.db) == []
            with self.db.reading() as s:
                n, distinct = s.execute(
                    text("SELECT COUNT(sscc), COUNT(DISTINCT sscc) FROM package")
                ).one()
            assert n == distinct
            assert self.flow.view().expect in (
                "tote", "order", "product", "box", "weight", "badge", "label"
            )  # fmt: skip

    run_state_machine_as_test(
        PackMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
