"""Soak (`make soak`, not in CI): picker processes on PostgreSQL killed with SIGKILL at random.

A demo warehouse is built in a scratch PostgreSQL database and one wave released. PICKERS worker
processes (this file, `worker` mode) each log in as their own picker, claim lists and work them
through the services: confirm (whole or part), short picks and skips. Before a worker sends a scan
it writes the scan id and its arguments to its journal (fsync), after the answer it writes the
answer. The supervisor kills a random worker with SIGKILL at random moments (at least KILLS times)
and restarts it at once; a restarted worker first sends again every scan of its journal that has
no answer (same id, same arguments) and the last answered ones (their stored answers must come
back unchanged), then carries on. At the end:

* every scan id in the journals is in scan_record exactly once;
* every accepted confirm has exactly one pick line in the ledger and every other scan the lines
  its kind allows (a short: at most one pick, one give-back and one write-off ...), and each pick
  task's picked units equal the sum of its accepted scans' units: every scan applied exactly once;
* a retried scan returned the first answer (replayed), never a second application;
* `core.invariants.check` finds nothing.

    .venv/bin/python bench/soak.py [--pickers 8] [--kills 50] [--orders 1000] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import text

from wms_terminal.config import normalise_database_url
from wms_terminal.core import migrate
from wms_terminal.core.auth import Actor, create_user
from wms_terminal.core.db import Database, make_engine
from wms_terminal.core.errors import WmsError
from wms_terminal.core.invariants import check

PG_ADMIN = os.environ.get("WMS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
HERE = Path(__file__).resolve()


# ---------------------------------------------------------------------------- worker


class Journal:
    """Append-only JSON lines, synced before the scan they announce is sent."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: list[dict[str, Any]] = []
        if path.exists():
            for line in path.read_text().splitlines():
                try:
                    self.entries.append(json.loads(line))
                except json.JSONDecodeError:  # the line being written when killed
                    continue
        self.file = path.open("a")

    def write(self, **entry: Any) -> None:
        self.file.write(json.dumps(entry) + "\n")
        self.file.flush()
        os.fsync(self.file.fileno())
        self.entries.append(entry)


def _send(db: Database, actor: Actor, entry: dict[str, Any]) -> Any:
    from wms_terminal.picking import exceptions, service

    op, sid, task = entry["op"], entry["scan"], entry["task"]
    if op == "confirm":
        return service.confirm_pick(
            db, actor, scan_id=sid, task_id=task, qty=entry["qty"], tote=entry["tote"]
        )
    if op == "short":
        return exceptions.report_short(
            db, actor, scan_id=sid, task_id=task, found=entry["qty"], tote=entry["tote"]
        )
    if op == "skip":
        return exceptions.skip_task(db, actor, scan_id=sid, task_id=task)
    raise ValueError(op)


def worker(args: argparse.Namespace) -> int:
    from wms_terminal.picking import service

    db = Database(make_engine(args.database, pool_size=2))
    journal = Journal(Path(args.journal))
    with db.reading() as s:
        uid, wid = s.execute(
            text("SELECT id, warehouse_id FROM app_user WHERE username = :u"),
            {"u": f"soak{args.picker}"},
        ).one()
    actor = Actor(int(uid), f"soak{args.picker}", "picker", terminal=f"soak-{args.picker}")
    rng = random.Random(f"{args.seed}-{args.picker}-{len(journal.entries)}")
    journal.write(ev="start")
    sent = [e for e in journal.entries if e.get("ev") == "send"]
    answered = {e["scan"]: e for e in journal.entries if e.get("ev") == "got"}
    # Scans sent before the kill without an answer: send them again, same id and arguments.
    for entry in sent:
        if entry["scan"] not in answered:
            r = _send(db, actor, entry)
            journal.write(
                ev="got",
                scan=entry["scan"],
                accepted=r.accepted,
                code=r.code,
                replayed=r.replayed,
                retry=True,
            )
    # The last answered ones too (a terminal that lost the answer): the stored answer returns.
    for entry in [e for e in sent if e["scan"] in answered][-2:]:
        r = _send(db, actor, entry)
        first = answered[entry["scan"]]
        journal.write(
            ev="replay",
            scan=entry["scan"],
            same=bool(r.replayed and r.accepted == first["accepted"] and r.code == first["code"]),
        )
    seq = len(sent)
    idle = 0
    while True:
        lid = service.claim_next(db, actor, warehouse_id=int(wid))
        if lid is None:
            idle += 1
            if idle > 3:
                journal.write(ev="finished")
                return 0
            time.sleep(0.2)
            continue
        idle = 0
        pl = service.get_list(db, lid)
        task = pl.next_task
        if task is None:
            continue
        roll = rng.random()
        op = "confirm" if roll < 0.9 else ("short" if roll < 0.95 else "skip")
        qty = task.remaining if rng.random() < 0.8 else rng.randint(1, task.remaining)
        if op == "short":
            qty = rng.randint(0, task.remaining - 1)
        tote = pl.totes.get(task.slot)
        if tote is None:
            with db.reading() as s:
                tote = s.execute(
                    text(
                        "SELECT code FROM tote WHERE status = 'free' AND warehouse_id = :w "
                        "ORDER BY id LIMIT 1 OFFSET :k"
                    ),
                    {"w": wid, "k": rng.randint(0, 20)},
                ).scalar()
            tote_arg: str | None = tote
        else:
            tote_arg = None
        seq += 1
        entry = {
            "ev": "send",
            "scan": f"soak-{args.picker}-{seq}",
            "op": op,
            "task": task.task_id,
            "qty": qty,
            "tote": tote_arg,
        }
        journal.write(**entry)
        r = _send(db, actor, entry)
        journal.write(
            ev="got",
            scan=entry["scan"],
            accepted=r.accepted,
            code=r.code,
            replayed=r.replayed,
            retry=False,
        )


# ---------------------------------------------------------------------------- supervisor


def _scratch(name: str) -> str:
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0]
    return normalise_database_url(f"{base}/{name}")


def _setup(url: str, args: argparse.Namespace) -> tuple[int, int]:
    """Demo warehouse, the soak pickers, one wave released; returns (lists, picks)."""
    from wms_terminal.demo import build_demo
    from wms_terminal.picking.wave_release import release_wave
    from wms_terminal.picking.wave_selection import WaveFilter

    db = Database(make_engine(url))
    migrate.upgrade(db.engine)
    build_demo(db, orders=args.orders, seed=args.seed)
    with db.transaction() as s:
        wid, code = s.execute(text("SELECT id, code FROM warehouse ORDER BY id LIMIT 1")).one()
        boss = s.execute(text("SELECT id FROM app_user WHERE role = 'supervisor'")).scalar_one()
        for n in range(args.pickers):
            create_user(
                s,
                username=f"soak{n}",
                name=f"Soak {n}",
                role="picker",
                pin="2468",
                warehouse_id=int(wid),
            )
        # One tote per list at most: enough totes that none runs out while nothing empties them.
        s.execute(
            text(
                "INSERT INTO tote (warehouse_id, code, status) "
                "SELECT :w, 'T-' || :c || '-' || LPAD(CAST(g AS TEXT), 5, '0'), 'free' "
                "FROM generate_series(10000, 12000) g"
            ),
            {"w": wid, "c": code},
        )
    wave = release_wave(
        db,
        Actor(int(boss), "supervisor", "supervisor", "soak"),
        WaveFilter(warehouse=str(code)),
        strategy=args.strategy,
    )
    db.dispose()
    return len(wave.pick_list_ids), wave.picks


def _spawn(url: str, n: int, folder: Path, seed: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            str(HERE),
            "worker",
            "--database",
            url,
            "--picker",
            str(n),
            "--journal",
            str(folder / f"picker{n}.jsonl"),
            "--seed",
            str(seed),
        ],
        stdout=subprocess.DEVNULL,
        stderr=(folder / f"picker{n}.err").open("ab"),
    )


def _answers(folder: Path, n: int) -> int:
    """Answers a worker has journaled so far (a restarted worker adds to them once it works)."""
    path = folder / f"picker{n}.jsonl"
    return path.read_text().count('"ev": "got"') if path.exists() else 0


def supervise(args: argparse.Namespace) -> int:
    url = args.database or _scratch(f"wms_soak_{os.getpid()}")
    folder = Path(args.folder or f"/tmp/wms-soak-{os.getpid()}")
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    lists, picks = _setup(url, args)
    print(f"database {url}; wave of {lists} lists, {picks} picks ({time.monotonic() - t0:.0f} s)")
    rng = random.Random(args.seed)
    procs = {n: _spawn(url, n, folder, args.seed) for n in range(args.pickers)}
    answers = {n: 0 for n in procs}
    kills = crashed = 0
    t1 = time.monotonic()
    while True:
        for n, p in list(procs.items()):
            if p.poll() is not None and p.returncode != 0 and p.returncode != -signal.SIGKILL:
                crashed += 1  # a worker that failed on its own: restart it, count it
                procs[n] = _spawn(url, n, folder, args.seed)
        if kills < args.kills:
            alive = [n for n, p in procs.items() if p.poll() is None]
            # Kill only a worker that is working again (has an answer since its restart), at a
            # random moment: mid-transaction, between a commit and its journal line, or idle.
            ready = [n for n in alive if _answers(folder, n) > answers[n]]
            if not ready:
                time.sleep(0.05)
                continue
            time.sleep(rng.uniform(0.0, args.max_gap))
            n = rng.choice(ready)
            if procs[n].poll() is None:
                procs[n].send_signal(signal.SIGKILL)
                procs[n].wait()
                kills += 1
                answers[n] = _answers(folder, n)
                procs[n] = _spawn(url, n, folder, args.seed)
            continue
        if all(p.poll() is not None for p in procs.values()):
            break
        if time.monotonic() - t1 > args.timeout:
            print("timed out waiting for the pickers")
            for p in procs.values():
                p.kill()
            break
        time.sleep(0.2)
    print(f"{kills} kills, {crashed} worker crashes, {time.monotonic() - t1:.0f} s of picking")
    return verify(url, folder, kills, args)


def verify(url: str, folder: Path, kills: int, args: argparse.Namespace) -> int:
    sends: dict[str, dict[str, Any]] = {}
    answers: dict[str, list[dict[str, Any]]] = {}
    replays = Counter[str]()
    for path in sorted(folder.glob("picker*.jsonl")):
        for e in Journal(path).entries:
            if e.get("ev") == "send":
                sends[e["scan"]] = e
            elif e.get("ev") == "got":
                answers.setdefault(e["scan"], []).append(e)
            elif e.get("ev") == "replay":
                replays["same" if e["same"] else "DIFFERENT"] += 1
    db = Database(make_engine(url))
    with db.reading() as s:
        records = {
            str(sid): (bool(acc), dict(out or {}))
            for sid, acc, out in s.execute(
                text(
                    "SELECT scan_id, accepted, outcome FROM scan_record WHERE scan_id LIKE 'soak-%'"
                )
            )
        }
        lines: dict[str, Counter[str]] = {}
        for sid, kind, n in s.execute(
            text(
                "SELECT scan_id, kind, COUNT(*) FROM stock_ledger WHERE scan_id LIKE 'soak-%' "
                "GROUP BY scan_id, kind"
            )
        ):
            lines.setdefault(str(sid), Counter())[str(kind)] = int(n)
        task_picked = {
            int(t): int(q) for t, q in s.execute(text("SELECT id, qty_picked FROM pick_task"))
        }
        open_lists = s.execute(
            text("SELECT COUNT(*) FROM pick_list WHERE status IN ('open', 'claimed')")
        ).scalar_one()
    errors: list[str] = []
    missing = [sid for sid in sends if sid not in records]
    # A scan sent and killed before its transaction committed has no record only if nobody
    # retried it: every restarted worker retries, so every sent scan must have one.
    if missing:
        errors.append(f"{len(missing)} sent scans never stored, e.g. {missing[:3]}")
    retried = sum(1 for a in answers.values() for e in a if e.get("retry"))
    twice_applied = []
    by_task: Counter[int] = Counter()
    for sid, e in sends.items():
        got = lines.get(sid, Counter())
        accepted = records.get(sid, (False, {}))[0]
        if e["op"] == "confirm":
            want = Counter({"pick": 1}) if accepted else Counter()
            if got != want:
                twice_applied.append((sid, dict(got)))
            if accepted:
                by_task[e["task"]] += e["qty"]
        elif any(n > 1 for k, n in got.items() if k != "reservation"):
            twice_applied.append((sid, dict(got)))
        if e["op"] == "short" and accepted:
            by_task[e["task"]] += e["qty"]
    if twice_applied:
        errors.append(f"{len(twice_applied)} scans with wrong ledger lines: {twice_applied[:5]}")
    # Picked units per task equal the accepted scans for it (tasks the soak touched).
    wrong_tasks = {
        t: (q, task_picked.get(t)) for t, q in by_task.items() if task_picked.get(t) != q
    }
    if wrong_tasks:
        errors.append(
            f"{len(wrong_tasks)} tasks picked != their scans: {list(wrong_tasks.items())[:5]}"
        )
    if replays["DIFFERENT"]:
        errors.append(f"{replays['DIFFERENT']} replays answered differently from the first time")
    problems = check(db)
    db.dispose()
    accepted_n = sum(1 for sid in sends if records.get(sid, (False, {}))[0])
    ledger_n = sum(sum(c.values()) for c in lines.values())
    ops = Counter(e["op"] for e in sends.values())
    exact_once = sum(
        1
        for sid, e in sends.items()
        if e["op"] == "confirm"
        and records.get(sid, (False, {}))[0]
        and lines.get(sid) == Counter({"pick": 1})
    )
    print(
        f"scans sent {len(sends)} ({dict(ops)}), stored {len(records)}, accepted {accepted_n}, "
        f"refused {len(records) - accepted_n}; ledger lines under soak scan ids {ledger_n}; "
        f"confirms with exactly one pick line {exact_once}; "
        f"scans resent after a kill {retried}; answered replays {replays['same']} same, "
        f"{replays['DIFFERENT']} different; lists still open {open_lists}"
    )
    print(f"check: {'clean' if not problems else f'{len(problems)} problem(s)'}")
    for p in problems[:20]:
        print(f"  {p.kind}: {p.detail}")
    if kills < args.kills:
        errors.append(f"only {kills} kills (wanted {args.kills}): the wave ran out first")
    for err in errors:
        print(f"FAIL: {err}")
    ok = not errors and not problems
    print("soak: OK" if ok else "soak: FAILED")
    if ok and not args.keep:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="mode")
    w = sub.add_parser("worker")
    w.add_argument("--database", required=True)
    w.add_argument("--picker", type=int, required=True)
    w.add_argument("--journal", required=True)
    w.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", help="an existing, empty PostgreSQL database URL")
    parser.add_argument("--pickers", type=int, default=8)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--strategy", default="per-order")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-gap", type=float, default=1.0, help="seconds between kills (max)")
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--folder", help="where the journals go")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args(argv)
    if args.mode == "worker":
        try:
            return worker(args)
        except WmsError as exc:
            print(f"worker {args.picker}: {exc.message}", file=sys.stderr)
            return 1
    return supervise(args)


if __name__ == "__main__":
    raise SystemExit(main())
