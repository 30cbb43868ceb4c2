"""Orders handed in one at a time by channels as they happen (the API's POST /v1/orders).

Each order is a JSON object in the import format (docs/order-import.md) and goes through the same
code as `orders import`: the same checks, every problem at once (paths relative to the order:
`lines[1]`, `order`), the same intake (warehouse choice, reservation, back-orders, reorder
points, audit) and the same idempotency: a channel's external id already present creates nothing
and answers with its order.

`OrderQueue` writes the orders that arrive together in one intake transaction (group commit):
each request waits for its own answer, and orders sent at the same moment by several clients
share one transaction instead of queueing for the write lock one by one. An order alone is
written at once (no waiting for company).
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from typing import Any

from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.errors import DatabaseBusy
from wms_terminal.core.intake import check_references, import_orders
from wms_terminal.core.order_files import (
    ImportFileError,
    OrderInput,
    Problem,
    read_json_document,
)
from wms_terminal.core.order_status import find_by_channel

ORDER = "order"
MAX_BATCH = 100
MAX_GATHER_S = 0.005  # the longest an order waits for others to share its transaction
WAIT_S = 120.0  # a request gives up waiting for the writer (a database stuck busy) after this
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Submitted:
    number: str
    status: str
    created: bool  # False: already present (same channel and external id)


def check_order(db: Database, doc: Any) -> OrderInput:
    """The order `doc` validated as the import does; ImportFileError lists every problem."""
    parsed = read_json_document({"orders": [doc]}, ORDER)
    if parsed.problems:
        problems = parsed.problems + check_references(db, parsed.orders)
        raise ImportFileError(ORDER, [_relative(p) for p in problems])
    (order,) = parsed.orders
    return order


def write_orders(
    db: Database, actor: Actor, orders: Sequence[OrderInput]
) -> list[Submitted | ImportFileError]:
    """Take in checked orders together; per order its outcome (an order whose references the
    database does not know gets its problems; the others are written regardless)."""
    require(actor, "import_orders")
    first: dict[tuple[str, str], int] = {}
    for n, o in enumerate(orders):
        first.setdefault((o.channel, o.external_id), n)
    todo = {n: _sourced(orders[n], n) for n in sorted(first.values())}
    refused: dict[int, ImportFileError] = {}
    written: dict[tuple[str, str], tuple[str, str]] = {}
    while todo:
        try:
            result = import_orders(
                db, list(todo.values()), actor=actor, name=f"api {actor.username}", summary=False
            )
        except ImportFileError as exc:
            for n, problems in _by_order(exc.problems, todo).items():
                refused[n] = ImportFileError(ORDER, [_relative(p) for p in problems])
                del todo[n]
            continue
        written = result.written
        break
    present: dict[tuple[str, str], tuple[str, str]] = {}
    missing = [key for key, n in first.items() if n not in refused and key not in written]
    if missing:  # already there before (or written by another request meanwhile)
        with db.reading() as s:
            for key in missing:
                hit = find_by_channel(s, *key)
                if hit is None:
                    raise RuntimeError(f"order {key[0]} {key[1]} not found after intake")
                present[key] = hit
    out: list[Submitted | ImportFileError] = []
    for n, o in enumerate(orders):
        key = (o.channel, o.external_id)
        k = first[key]
        if k in refused:
            out.append(refused[k])
        elif key in written:
            out.append(Submitted(*written[key], created=n == k))
        else:
            out.append(Submitted(*present[key], created=False))
    return out


@dataclass
class _Pending:
    actor: Actor
    order: OrderInput
    answer: Future[Submitted]


class OrderQueue:
    """One writer thread taking in what the request threads hand it, in batches of what is
    waiting (at most MAX_BATCH, per account)."""

    def __init__(self, db: Database, *, max_batch: int = MAX_BATCH) -> None:
        self._db = db
        self._max = max_batch
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="wms-order-queue", daemon=True)
        self._thread.start()

    def submit(self, actor: Actor, order: OrderInput) -> Submitted:
        """Blocks until the order is written (or refused: its ImportFileError is raised)."""
        if not self._thread.is_alive():
            raise DatabaseBusy("the order intake has stopped; try again when the server restarts")
        pending = _Pending(actor, order, Future())
        self._queue.put(pending)
        try:
            return pending.answer.result(timeout=WAIT_S)
        except FutureTimeout:
            # Still queued or being written: sending the order again is safe (idempotent).
            raise DatabaseBusy("the order intake is busy; try again") from None

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        gather = 0.0  # how long to wait for company: only once orders have come together
        while True:
            item = self._queue.get()
            if item is None:
                return
            batch, stop = self._collect(item, gather)
            started = time.monotonic()
            by_actor: dict[Actor, list[_Pending]] = {}
            for p in batch:
                by_actor.setdefault(p.actor, []).append(p)
            for actor, items in by_actor.items():
                self._write(actor, items)
            # Clients that sent together will send again together: a short wait (a fraction
            # of a write) lets their next orders share one transaction. A lone client's
            # orders are never held back.
            took = time.monotonic() - started
            gather = min(MAX_GATHER_S, took * 0.2) if len(batch) > 1 else 0.0
            if stop:
                return

    def _collect(self, first: _Pending, gather: float) -> tuple[list[_Pending], bool]:
        """`first` and what waits behind it (up to `gather` seconds more); True: stop after."""
        batch = [first]
        deadline = time.monotonic() + gather
        while len(batch) < self._max:
            try:
                left = deadline - time.monotonic()
                more = self._queue.get(timeout=left) if left > 0 else self._queue.get_nowait()
            except queue.Empty:
                break
            if more is None:
                return batch, True
            batch.append(more)
        return batch, False

    def _write(self, actor: Actor, items: list[_Pending]) -> None:
        try:
            outcomes = write_orders(self._db, actor, [p.order for p in items])
        except BaseException as exc:  # every waiting request gets the failure, none hangs
            for p in items:
                p.answer.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        for p, outcome in zip(items, outcomes, strict=True):
            if isinstance(outcome, ImportFileError):
                p.answer.set_exception(outcome)
            else:
                p.answer.set_result(outcome)


def _sourced(order: OrderInput, n: int) -> OrderInput:
    """The order as `orders[n]` of the batch, so that problems name it."""
    where = f"orders[{n}]"
    lines = tuple(replace(ln, source=f"{where}.lines[{j}]") for j, ln in enumerate(order.lines))
    return replace(order, source=where, lines=lines)


_INDEX = re.compile(r"^orders\[(\d+)\]")


def _by_order(problems: list[Problem], todo: dict[int, OrderInput]) -> dict[int, list[Problem]]:
    """Problems per batch position; one naming no order (no warehouse set up) is every order's."""
    out: dict[int, list[Problem]] = {}
    for p in problems:
        m = _INDEX.match(p.where)
        targets = [int(m.group(1))] if m and int(m.group(1)) in todo else list(todo)
        for n in targets:
            out.setdefault(n, []).append(p)
    return out


_PREFIX = re.compile(r"^orders(\[\d+\])?\.?")


def _relative(problem: Problem) -> Problem:
    """`orders[0].lines[1]` -> `lines[1]`; `orders[0]` -> `order`."""
    where = _PREFIX.sub("", problem.where) if problem.where.startswith("orders") else problem.where
    return Problem(where or ORDER, problem.reason)
