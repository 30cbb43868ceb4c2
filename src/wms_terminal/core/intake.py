"""Order intake: validated orders in, customers and orders written, stock reserved.

Each order goes to the warehouse that can ship it complete, the nearest to its destination when
several can; when none can, to the one that can ship the most, and the rest is back-ordered.
Orders are written in short chunks (one transaction each) so that terminals keep working during a
large import; importing the same orders again creates nothing (unique channel + external id).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence

from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlmodel import Session

from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database, first_line
from wms_terminal.core.errors import (
    DatabaseBusy,
    DatabaseUnavailable,
    ValidationError,
    WmsError,
)
from wms_terminal.core.intake_chunk import ImportResult, Part, PlanOutdated, Refs, write_chunk
from wms_terminal.core.intake_refs import load_refs, present_keys, refs_and_existing
from wms_terminal.core.money import is_currency
from wms_terminal.core.order_files import ImportFileError, OrderInput, Problem

CHUNK = 250
log = logging.getLogger(__name__)


class ImportInterrupted(DatabaseUnavailable):
    """The database went away part-way: whole chunks are in, running the import again ends it."""

    def __init__(self, name: str, done: ImportResult, todo: int, cause: BaseException) -> None:
        self.done = done
        numbers = done.order_numbers
        got = (
            f"after {done.created:,} of {todo:,} new order(s) were written "
            f"({numbers[0]} to {numbers[-1]}; whole orders only)"
            if numbers
            else f"before any of {todo:,} new order(s) was written"
        )
        super().__init__(
            f"{name}: the import stopped {got}: database unavailable ({first_line(cause)}). "
            "Run the same import again to finish it: orders already imported are recognised "
            "by channel and external id and skipped."
        )


def import_orders(
    db: Database,
    orders: Sequence[OrderInput],
    *,
    actor: Actor,
    name: str = "import",
    chunk_size: int = CHUNK,
    progress: Callable[[int], None] | None = None,
    summary: bool = True,
) -> ImportResult:
    """Validate references for every order first; then write the new ones in chunks.

    `summary`: also audit the whole import in one entry (each chunk has its own entry anyway;
    the API's small batches do without)."""
    require(actor, "import_orders")
    with db.reading() as session:
        refs, present = refs_and_existing(session, orders)
    problems = _reference_problems(orders, refs)
    if problems:
        raise ImportFileError(name, problems)
    todo = [o for o in orders if (o.channel, o.external_id) not in present]
    result = ImportResult(already_present=len(orders) - len(todo))
    try:
        for start in range(0, len(todo), chunk_size):
            chunk = todo[start : start + chunk_size]
            where = Part(name, start, len(todo))
            _write_chunk_retrying(db, chunk, refs, actor, result, where)
            if progress:
                progress(start + len(chunk))
    except (DatabaseUnavailable, OperationalError, InterfaceError) as exc:
        _audit_interruption(db, actor, name, result, len(todo))
        raise ImportInterrupted(name, result, len(todo), exc) from exc
    if result.created and summary:
        db.run(
            lambda s: record(
                s,
                action="orders_imported",
                user_id=actor.user_id,
                terminal=actor.terminal,
                entity="import",
                entity_id=name[:64],
                created=result.created,
                already_present=result.already_present,
                backordered_lines=result.backordered_lines,
            )
        )
    return result


def _audit_interruption(
    db: Database, actor: Actor, name: str, result: ImportResult, todo: int
) -> None:
    """Best effort: the database may still be gone (each written chunk has its own entry)."""
    try:
        db.run(
            lambda s: record(
                s,
                action="orders_import_interrupted",
                user_id=actor.user_id,
                terminal=actor.terminal,
                entity="import",
                entity_id=name[:64],
                created=result.created,
                of=todo,
            )
        )
    except (WmsError, DBAPIError):
        log.warning("import %s interrupted after %d orders; not audited", name, result.created)


def import_in(
    session: Session,
    order: OrderInput,
    *,
    actor: Actor,
    name: str,
    prefer_warehouse: int | None = None,
) -> str:
    """One order written in the caller's transaction (an accepted quote, with the quote's own
    status change): the same reference checks and writing as an import; its number."""
    require(actor, "import_orders")
    refs = load_refs(session, [order])
    problems = _reference_problems([order], refs)
    if problems:
        raise ImportFileError(name, problems)
    if present_keys(session, [order]):
        raise ValidationError(f"{name}: an order {order.channel}/{order.external_id} exists")
    part = write_chunk(
        session,
        [order],
        refs,
        actor,
        planned=False,
        part=Part(name, 0, 1),
        prefer_warehouse=prefer_warehouse,
    )
    return part.order_numbers[0]


def _write_chunk_retrying(
    db: Database,
    chunk: list[OrderInput],
    refs: Refs,
    actor: Actor,
    result: ImportResult,
    where: Part,
) -> None:
    planned = True
    for _ in range(4):
        try:
            part = db.run(
                functools.partial(
                    write_chunk, chunk=chunk, refs=refs, actor=actor, planned=planned, part=where
                ),
                what="order import",
            )
        except PlanOutdated:
            planned = False  # another terminal moved stock meanwhile: go row by row
            continue
        except IntegrityError:
            # Another import wrote some of these orders meanwhile: drop them and write the rest.
            with db.reading() as session:
                done = present_keys(session, chunk)
            if not done:
                raise  # not a duplicate order: a real constraint broke, report it
            result.already_present += len(done)
            chunk = [o for o in chunk if (o.channel, o.external_id) not in done]
            if not chunk:
                return
            continue
        result.created += part.created
        result.lines += part.lines
        result.backordered_lines += part.backordered_lines
        result.purchase_orders += part.purchase_orders
        result.order_numbers += part.order_numbers
        result.written.update(part.written)
        for code, numbers in part.warehouses.items():
            result.warehouses.setdefault(code, []).extend(numbers)
        result.held.update(part.held)
        return
    raise DatabaseBusy("order import kept colliding with another import; run it again")


def check_references(db: Database, orders: Sequence[OrderInput]) -> list[Problem]:
    """What the database does not know of these orders (SKUs, flags, carrier services, rates).

    Orders that also have format problems may be given: blank or malformed values are skipped
    here (they are reported by the file check), so one pass reports everything."""
    with db.reading() as session:
        return _reference_problems(orders, load_refs(session, orders))


def _reference_problems(orders: Sequence[OrderInput], refs: Refs) -> list[Problem]:
    problems: list[Problem] = []
    for o in orders:
        for ln in o.lines:
            if ln.sku and ln.sku not in refs.products:
                problems.append(Problem(ln.source or o.source, f"unknown SKU {ln.sku!r}"))
        for flag in o.flags:
            if flag not in refs.flags:
                problems.append(Problem(o.source, f"unknown special-order flag {flag!r}"))
        if o.carrier_service and o.carrier_service not in refs.services:
            problems.append(Problem(o.source, f"unknown carrier service {o.carrier_service!r}"))
        if is_currency(o.currency) and o.currency not in refs.rates:
            problems.append(Problem(o.source, f"no exchange rate for currency {o.currency}"))
    if not refs.warehouses:
        problems.append(Problem("database", "no warehouse is set up"))
    return problems
