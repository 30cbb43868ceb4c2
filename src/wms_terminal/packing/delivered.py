"""The carrier's delivered events: a file of tracking number + delivered_at sets each package's
delivery date (`wms-terminal shipments delivered FILE`).

CSV (header `tracking_number,delivered_at`) or JSON (a list of {"tracking_number",
"delivered_at"}, or {"deliveries": [...]}). `delivered_at` is ISO 8601; without a zone it is UTC,
a bare date is midnight UTC. Every row is checked first and every problem reported at once
(`ImportFileError`); a file with a problem sets nothing. Re-running a file changes nothing: a
package already delivered at the same moment is counted as unchanged; a different moment for a
delivered package is a problem (the first event stands).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session, col, select

from wms_terminal.core import events
from wms_terminal.core.audit import record
from wms_terminal.core.auth import Actor, require
from wms_terminal.core.db import Database
from wms_terminal.core.errors import ValidationError
from wms_terminal.core.models import Package
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.order_input import ImportFileError, Problem

COLUMNS = ("tracking_number", "delivered_at")
CLOCK_SKEW = timedelta(minutes=10)  # a carrier's clock a little ahead of ours is not a problem


@dataclass(frozen=True)
class Delivery:
    where: str  # "line 3", "deliveries[2]"
    tracking_number: str
    delivered_at: datetime


@dataclass(frozen=True)
class DeliveredReport:
    delivered: int
    unchanged: int


def read_deliveries(path: str | Path) -> tuple[list[Delivery], list[Problem]]:
    p = Path(path)
    try:
        content = p.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ValidationError(f"cannot read {p}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ImportFileError(str(p), [Problem(f"byte {exc.start}", "file is not UTF-8")]) from exc
    if content.lstrip()[:1] in ("[", "{"):
        rows = _json_rows(content, str(p))
    else:
        rows = _csv_rows(content, str(p))
    return check_rows(rows)


def check_rows(rows: list[tuple[str, dict[str, object]]]) -> tuple[list[Delivery], list[Problem]]:
    """The deliveries of `rows` ((where, {"tracking_number", "delivered_at"})), and every
    problem in them."""
    deliveries: list[Delivery] = []
    problems: list[Problem] = []
    for where, raw in rows:
        tracking = str(raw.get("tracking_number") or "").strip()
        stamp = str(raw.get("delivered_at") or "").strip()
        if not tracking:
            problems.append(Problem(where, "tracking_number is empty"))
        elif len(tracking) > 40 or not tracking.isprintable():
            problems.append(Problem(where, "tracking_number is not a tracking number"))
        when = _moment(stamp)
        if when is None:
            problems.append(Problem(where, f"delivered_at {stamp[:40]!r} is not an ISO date/time"))
        if tracking and when is not None:
            deliveries.append(Delivery(where, tracking, when))
    if not rows:
        problems.append(Problem("file", "no deliveries in the file"))
    return deliveries, problems


def json_rows(data: object, name: str) -> list[tuple[str, dict[str, object]]]:
    """Rows of decoded JSON: a list of deliveries, or {"deliveries": [...]}."""
    key = "deliveries"
    if isinstance(data, dict):
        data = data.get(key)
    if not isinstance(data, list):
        raise ImportFileError(name, [Problem("file", f"expected a list or {{{key!r}: [...]}}")])
    return [(f"{key}[{i}]", item if isinstance(item, dict) else {}) for i, item in enumerate(data)]


def _csv_rows(content: str, name: str) -> list[tuple[str, dict[str, object]]]:
    reader = csv.DictReader(io.StringIO(content))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ImportFileError(name, [Problem("line 1", f"missing column(s): {', '.join(missing)}")])
    reader.fieldnames = header
    return [(f"line {reader.line_num}", dict(row)) for row in reader if any(row.values())]


def _json_rows(content: str, name: str) -> list[tuple[str, dict[str, object]]]:
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        raise ImportFileError(name, [Problem(f"line {exc.lineno}", "broken JSON")]) from exc
    return json_rows(data, name)


def _moment(text: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _delivered_event(session: Session, pkg: Package, d: Delivery) -> None:
    """The integrations' `order.delivered` event of one package (`complete`: the order's last
    shipped package without a delivery date got one)."""
    number, external_id, channel, waiting = session.execute(
        text(
            "SELECT so.number, so.external_id, so.channel, (SELECT COUNT(*) FROM package p "
            "WHERE p.order_id = so.id AND p.status <> 'cancelled' AND p.delivered_at IS NULL) "
            "FROM sales_order so WHERE so.id = :o"
        ),
        {"o": pkg.order_id},
    ).one()
    events.emit(
        session,
        events.ORDER_DELIVERED,
        warehouse_id=pkg.warehouse_id,
        order=str(number),
        external_id=str(external_id or ""),
        channel=str(channel or ""),
        sscc=pkg.sscc,
        tracking_number=d.tracking_number,
        delivered_at=d.delivered_at.isoformat(),
        complete=int(waiting) == 0,
    )


def mark_delivered(
    db: Database, actor: Actor, path: str | Path, *, now: datetime | None = None
) -> DeliveredReport:
    """Check the whole file against the packages, then set every delivery date in one
    transaction; any problem raises `ImportFileError` and sets nothing."""
    require(actor, "pack")
    deliveries, problems = read_deliveries(path)
    return record_deliveries(db, actor, deliveries, problems, source=str(path), now=now)


def record_deliveries(
    db: Database,
    actor: Actor,
    deliveries: list[Delivery],
    problems: list[Problem],
    *,
    source: str,
    now: datetime | None = None,
) -> DeliveredReport:
    """`mark_delivered` of rows read elsewhere (the integration API): `problems` found in them
    are reported with the packages' own, and any problem sets nothing."""
    require(actor, "pack")
    at = now or utcnow()

    def apply(session: Session) -> DeliveredReport:
        found = list(problems)
        seen: dict[str, Delivery] = {}
        changes: list[tuple[Package, Delivery]] = []
        unchanged = 0
        for d in deliveries:
            before = seen.get(d.tracking_number)
            if before is not None:
                if before.delivered_at != d.delivered_at:
                    found.append(Problem(d.where, f"{d.tracking_number} also in {before.where}"))
                continue
            seen[d.tracking_number] = d
            pkg = session.exec(
                select(Package)
                .where(col(Package.tracking_number) == d.tracking_number)
                .where(col(Package.status) != "cancelled")
                .with_for_update()
            ).first()
            if pkg is None:
                found.append(Problem(d.where, f"no package with tracking {d.tracking_number}"))
            elif pkg.status != "shipped" or pkg.shipped_at is None:
                found.append(Problem(d.where, f"{d.tracking_number} is {pkg.status}, not shipped"))
            elif d.delivered_at > at + CLOCK_SKEW:
                found.append(Problem(d.where, "delivered_at is in the future"))
            elif d.delivered_at < pkg.shipped_at - CLOCK_SKEW:
                found.append(Problem(d.where, "delivered_at is before the package shipped"))
            elif pkg.delivered_at is not None:
                if pkg.delivered_at != d.delivered_at:
                    found.append(
                        Problem(
                            d.where,
                            f"{d.tracking_number} was already delivered at "
                            f"{pkg.delivered_at:%Y-%m-%d %H:%M} UTC",
                        )
                    )
                else:
                    unchanged += 1
            else:
                changes.append((pkg, d))
        if found:
            raise ImportFileError(source, found)
        for pkg, d in changes:
            pkg.delivered_at = d.delivered_at
            session.add(pkg)
            session.flush()
            _delivered_event(session, pkg, d)
            record(
                session,
                action="package_delivered",
                user_id=actor.user_id,
                terminal=actor.terminal,
                warehouse_id=pkg.warehouse_id,
                entity="package",
                entity_id=str(pkg.id),
                tracking_number=d.tracking_number,
                delivered_at=d.delivered_at.isoformat(),
            )
        session.flush()
        return DeliveredReport(delivered=len(changes), unchanged=unchanged)

    return db.run(apply, what="record deliveries")
