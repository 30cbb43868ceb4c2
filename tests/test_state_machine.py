"""A Hypothesis state machine over the warehouse services, on SQLite and PostgreSQL.

Random sequences of what a shift does (import orders, release waves, claim, confirm with and
without the step scans, every pick exception, give a list back, retry a scan, receive stock)
run against a small floor; after every step `core.invariants.check` must find nothing (stock
equals its ledger per product and location, no negative stock, reserved <= on hand, picked <=
ordered, no tote on two lists, no list claimed twice or stuck ...), and every scan already
answered must still have the ledger lines it had (a retry applies nothing twice).

Each example starts from a copy of one prepared floor (SQLite: a file copy; PostgreSQL: a
database created from a template database). In CI: WMS_SM_EXAMPLES x WMS_SM_STEPS per backend
(defaults below); `make soak` runs more.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import text

from tests.conftest import BACKENDS, create_pg_database, drop_pg_database, worker_name
from tests.picking.conftest import WH, Floor, build_floor
from wms_terminal.core import inventory, migrate
from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database, make_engine
from wms_terminal.core.errors import WmsError
from wms_terminal.core.invariants import check
from wms_terminal.core.models import metadata
from wms_terminal.picking import exceptions as exc
from wms_terminal.picking import service, wave_admin
from wms_terminal.picking.claims import get_list
from wms_terminal.picking.views import PickListView, ScanResult, TaskView
from wms_terminal.picking.wave_release import release_wave
from wms_terminal.picking.wave_selection import WaveFilter

EXAMPLES = int(os.environ.get("WMS_SM_EXAMPLES", "200"))
STEPS = int(os.environ.get("WMS_SM_STEPS", "50"))
PRODUCTS = 6
PICKERS = ("pat", "quinn")
TOTES = tuple(f"T-{WH}-{n:04d}" for n in range(1, 7))
STRATEGIES = ("per-order", "batch", "cluster", "zone")


@dataclass(frozen=True)
class Prepared:
    """The prepared floor and how to get a fresh copy of it for one example."""

    fresh: Callable[[], Database]
    floor: Floor  # ids, codes and actors (its db handle is not used)
    keep_open: bool = False  # the same Database serves every example


# ---------------------------------------------------------------------------- the floor copies


def _prepare(db: Database) -> Floor:
    return build_floor(db, stock=30, products=PRODUCTS)


@pytest.fixture(scope="module")
def prepared_sqlite(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    folder = tmp_path_factory.mktemp("machine")
    template = folder / "floor.sqlite3"
    shutil.copy(sqlite_template, template)
    db = Database(make_engine(f"sqlite:///{template}"))
    floor = _prepare(db)
    db.dispose()  # folds the WAL into the file: the file alone is the floor
    n = iter(range(1_000_000))

    def fresh() -> Database:
        path = folder / f"example-{next(n)}.sqlite3"
        shutil.copy(template, path)
        return Database(make_engine(f"sqlite:///{path}"))

    return Prepared(fresh, floor)


@pytest.fixture(scope="module")
def prepared_postgresql(pg_admin_dsn: str) -> Iterator[Prepared]:
    # One database for all examples, put back to the prepared floor before each: rows deleted
    # and inserted again with triggers off, sequences reset (a CREATE DATABASE ... TEMPLATE per
    # example took 1 to 7 s on a busy machine).
    name = f"wms_sm_{worker_name()}"
    url = create_pg_database(pg_admin_dsn, name)
    db = Database(make_engine(url, pool_size=2))
    migrate.upgrade(db.engine)
    floor = _prepare(db)
    tables = [t for t in metadata.sorted_tables]
    with db.engine.connect() as conn:
        saved = {t.name: [dict(r._mapping) for r in conn.execute(t.select())] for t in tables}

    def fresh() -> Database:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            for t in reversed(tables):
                conn.execute(t.delete())
            for t in tables:
                if saved[t.name]:
                    conn.execute(t.insert(), saved[t.name])
                if "id" in t.c:
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{t.name}', 'id'), "
                            f'COALESCE((SELECT MAX(id) FROM "{t.name}"), 0) + 1, false)'
                        )
                    )
        return db

    yield Prepared(fresh, floor, keep_open=True)
    db.dispose()
    drop_pg_database(pg_admin_dsn, name)


# ---------------------------------------------------------------------------- the machine

Pick = st.integers(0, 30)  # which open task of the list (modulo their number)
ToteMode = st.sampled_from(["auto", "auto", "auto", "other"])


class Shift(RuleBasedStateMachine):
    """One shift on a fresh copy of the prepared floor."""

    prepared: Prepared

    steps = 0  # steps run, over all examples

    def __init__(self) -> None:
        super().__init__()
        self.db = self.prepared.fresh()
        self.floor = dataclasses.replace(self.prepared.floor, db=self.db)
        self.n = 0
        # scan id -> how to send it again, its first answer, and its ledger lines then
        self.answered: dict[str, tuple[Callable[[str], ScanResult], ScanResult]] = {}
        self.lines_of: dict[str, int] = {}

    def teardown(self) -> None:
        if not self.prepared.keep_open:
            self.db.dispose()

    # -- helpers

    def _actor(self, who: str) -> Actor:
        return self.floor.actors[who]

    def _held(self, who: str) -> PickListView | None:
        with self.db.reading() as s:
            lid = s.execute(
                text(
                    "SELECT id FROM pick_list WHERE claimed_by = :u AND status = 'claimed' "
                    "ORDER BY id LIMIT 1"
                ),
                {"u": self._actor(who).user_id},
            ).scalar()
        return None if lid is None else get_list(self.db, int(lid))

    def _task(self, who: str, pick: int, foreign: bool) -> tuple[PickListView, TaskView] | None:
        """An open task of `who`'s list (or, `foreign`, of the other picker's list)."""
        owner = next(p for p in PICKERS if p != who) if foreign else who
        pl = self._held(owner)
        if pl is None or not pl.open_tasks:
            return None
        return pl, pl.open_tasks[pick % len(pl.open_tasks)]

    def _tote(self, pl: PickListView, task: TaskView, mode: str, idx: int) -> str | None:
        if mode == "auto" and task.slot in pl.totes:
            return None
        return TOTES[idx % len(TOTES)]

    def _scan(self, send: Callable[[str], ScanResult]) -> ScanResult:
        self.n += 1
        scan_id = f"sm-{self.n}"
        result = send(scan_id)
        assert result.scan_id == scan_id and not result.replayed, result
        self.answered[scan_id] = (send, result)
        self.lines_of[scan_id] = self._ledger_lines().get(scan_id, 0)
        if not result.accepted:
            assert self.lines_of[scan_id] == 0, f"refused scan wrote the ledger: {result}"
        return result

    def _ledger_lines(self) -> dict[str, int]:
        with self.db.reading() as s:
            return {
                str(sid): int(n)
                for sid, n in s.execute(
                    text(
                        "SELECT scan_id, COUNT(*) FROM stock_ledger WHERE scan_id IS NOT NULL "
                        "GROUP BY scan_id"
                    )
                )
            }

    # -- supervisors and intake

    @rule(
        lines=st.lists(
            st.tuples(st.integers(1, PRODUCTS), st.integers(1, 12)),
            min_size=1,
            max_size=3,
            unique_by=lambda t: t[0],
        ),
        vip=st.booleans(),
    )
    def import_order(self, lines: list[tuple[int, int]], vip: bool) -> None:
        assert self.floor.order(lines, flags=("VIP",) if vip else ())

    @rule(strategy=st.sampled_from(STRATEGIES), max_orders=st.none() | st.integers(1, 3))
    def release(self, strategy: str, max_orders: int | None) -> None:
        flt = WaveFilter(warehouse=WH, max_orders=max_orders)
        try:
            release_wave(self.db, self._actor("boss"), flt, strategy=strategy)
        except WmsError as e:  # nothing to release: said, and nothing changed
            assert e.message

    @rule(product=st.integers(1, PRODUCTS), qty=st.integers(1, 40), reserve=st.booleans())
    def receive(self, product: int, qty: int, reserve: bool) -> None:
        where = self.floor.reserve.get(product) if reserve else None
        loc = where or self.floor.face[product]
        assert loc.id is not None
        with self.db.transaction() as s:
            inventory.receive(
                s,
                location_id=loc.id,
                product_id=self.floor.products[product].id or 0,
                qty=qty,
                actor=self._actor("boss"),
            )

    @rule(k=st.integers(0, 100))
    def cancel_wave(self, k: int) -> None:
        with self.db.reading() as s:
            numbers = list(s.execute(text("SELECT number FROM wave ORDER BY id")).scalars())
        if numbers:
            try:
                wave_admin.cancel_wave(self.db, self._actor("boss"), numbers[k % len(numbers)])
            except WmsError as e:  # picked from already, or cancelled before: said
                assert e.message

    @rule(k=st.integers(0, 100), to=st.sampled_from(PICKERS))
    def reassign(self, k: int, to: str) -> None:
        with self.db.reading() as s:
            ids = list(s.execute(text("SELECT id FROM pick_list ORDER BY id")).scalars())
        if ids:
            try:
                wave_admin.reassign_list(self.db, self._actor("boss"), ids[k % len(ids)], to)
            except WmsError as e:  # a finished or cancelled list: said
                assert e.message

    # -- pickers

    @rule(who=st.sampled_from(PICKERS), resume=st.booleans())
    def claim(self, who: str, resume: bool) -> None:
        service.claim_next(
            self.db, self._actor(who), warehouse_id=self.floor.warehouse_id, resume=resume
        )

    @rule(who=st.sampled_from(PICKERS))
    def give_back(self, who: str) -> None:
        pl = self._held(who)
        if pl is not None:
            service.release_list(self.db, self._actor(who), pl.pick_list_id)

    @rule(
        who=st.sampled_from(PICKERS),
        pick=Pick,
        qty=st.none() | st.integers(0, 8),
        mode=ToteMode,
        tote=st.integers(0, 20),
        steps=st.sampled_from(["none", "none", "right", "wrong"]),
        foreign=st.integers(0, 9).map(lambda n: n == 0),
    )
    def confirm(
        self,
        who: str,
        pick: int,
        qty: int | None,
        mode: str,
        tote: int,
        steps: str,
        foreign: bool,
    ) -> None:
        found = self._task(who, pick, foreign)
        if found is None:
            return
        pl, task = found
        location = item = None
        if steps != "none":
            location = task.location_barcode if steps == "right" else "L-NOWHERE"
            item = self.floor.gtin(1 + task.product_id % PRODUCTS) if steps == "wrong" else None
            item = item or self.floor.gtin(self._n_of(task.product_id))
        code = self._tote(pl, task, mode, tote)
        actor = self._actor(who)
        n = task.remaining if qty is None else qty
        result = self._scan(
            lambda sid: service.confirm_pick(
                self.db,
                actor,
                scan_id=sid,
                task_id=task.task_id,
                qty=n,
                tote=code,
                location=location,
                item=item,
            )
        )
        if foreign:
            assert not result.accepted and result.code == "not_your_list", result

    def _n_of(self, product_id: int) -> int:
        return next(n for n, p in self.floor.products.items() if p.id == product_id)

    @rule(
        who=st.sampled_from(PICKERS),
        pick=Pick,
        step=st.sampled_from(["location", "item", "tote", "bogus"]),
        right=st.booleans(),
    )
    def step_scan(self, who: str, pick: int, step: str, right: bool) -> None:
        found = self._task(who, pick, False)
        if found is None:
            return
        pl, task = found
        code = {
            "location": task.location_barcode if right else "L-NOWHERE",
            "item": self.floor.gtin(self._n_of(task.product_id)) if right else "0000000000000",
            "tote": pl.totes.get(task.slot, TOTES[0]) if right else "T-OTHER-0001",
            "bogus": "??",
        }[step]
        actor = self._actor(who)
        self._scan(
            lambda sid: service.check_step(
                self.db, actor, scan_id=sid, task_id=task.task_id, step=step, code=code
            )
        )

    @rule(
        who=st.sampled_from(PICKERS),
        pick=Pick,
        found=st.integers(0, 8),
        mode=ToteMode,
        tote=st.integers(0, 20),
    )
    def short(self, who: str, pick: int, found: int, mode: str, tote: int) -> None:
        got = self._task(who, pick, False)
        if got is None:
            return
        pl, task = got
        code = self._tote(pl, task, mode, tote) if found else None
        actor = self._actor(who)
        self._scan(
            lambda sid: exc.report_short(
                self.db, actor, scan_id=sid, task_id=task.task_id, found=found, tote=code
            )
        )

    @rule(who=st.sampled_from(PICKERS), pick=Pick, damaged=st.integers(0, 8))
    def damaged(self, who: str, pick: int, damaged: int) -> None:
        got = self._task(who, pick, False)
        if got is None:
            return
        _pl, task = got
        actor = self._actor(who)
        self._scan(
            lambda sid: exc.report_damaged(
                self.db, actor, scan_id=sid, task_id=task.task_id, damaged=damaged
            )
        )

    @rule(
        who=st.sampled_from(PICKERS),
        pick=Pick,
        what=st.sampled_from(["empty", "skip", "full_tote"]),
    )
    def exception(self, who: str, pick: int, what: str) -> None:
        got = self._task(who, pick, False)
        if got is None:
            return
        _pl, task = got
        fn = {"empty": exc.report_empty, "skip": exc.skip_task, "full_tote": exc.full_tote}[what]
        actor = self._actor(who)
        self._scan(lambda sid: fn(self.db, actor, scan_id=sid, task_id=task.task_id))

    @rule(k=st.integers(0, 10_000))
    def retry_a_scan(self, k: int) -> None:
        """A terminal that lost the answer sends the same scan again: the stored answer
        comes back and nothing is applied twice (checked by `each_scan_applied_once`)."""
        if not self.answered:
            return
        scan_id = list(self.answered)[k % len(self.answered)]
        send, first = self.answered[scan_id]
        again = send(scan_id)
        assert again.replayed, again
        assert (again.accepted, again.code, again.message) == (
            first.accepted,
            first.code,
            first.message,
        )

    # -- after every step

    @invariant()
    def invariants_hold(self) -> None:
        type(self).steps += 1
        problems = check(self.db)
        assert problems == [], "\n".join(f"{p.kind}: {p.detail}" for p in problems)

    @invariant()
    def each_scan_applied_once(self) -> None:
        now = self._ledger_lines()
        assert set(now) <= set(self.lines_of), set(now) - set(self.lines_of)
        changed = {s: (n, now.get(s, 0)) for s, n in self.lines_of.items() if now.get(s, 0) != n}
        assert not changed, f"ledger lines of earlier scans changed: {changed}"


@pytest.mark.slow
@pytest.mark.timeout(3600)
@pytest.mark.parametrize("backend", BACKENDS)
def test_shift_state_machine(backend: str, request: pytest.FixtureRequest) -> None:
    prepared: Prepared = request.getfixturevalue(f"prepared_{backend}")
    machine = type(f"Shift_{backend}", (Shift,), {"prepared": prepared})
    started, cpu = time.monotonic(), time.process_time()
    server = _server_cpu(prepared)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            print_blob=True,
        ),
    )
    # Wall time depends on the machine's load; CPU (this process + its PostgreSQL backends)
    # is what the test costs on an idle machine.
    print(
        f"\n{backend}: {EXAMPLES} examples x {STEPS} steps ({machine.steps} steps run): "
        f"{time.monotonic() - started:.1f} s wall, {time.process_time() - cpu:.1f} s CPU here, "
        f"{_server_cpu(prepared) - server:.1f} s CPU in PostgreSQL"
    )


def _server_cpu(prepared: Prepared) -> float:
    """CPU seconds used so far by the PostgreSQL backends serving this test's database (0 on
    SQLite, or when the server is not on this machine)."""
    db = prepared.floor.db
    if db.dialect != "postgresql":
        return 0.0
    with db.reading() as s:
        pids = list(
            s.execute(
                text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            ).scalars()
        )
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total
