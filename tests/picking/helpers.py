"""Reading the state of the floor back for assertions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from wms_terminal.core.auth import SYSTEM
from wms_terminal.core.db import Database
from wms_terminal.picking.location_block import raise_count

if TYPE_CHECKING:
    from tests.picking.conftest import Floor

TABLES = (
    "stock",
    "reservation",
    "order_line",
    "sales_order",
    "pick_task",
    "pick_list",
    "tote",
    "count_task",
    "replenishment_task",
    "purchase_order",
    "notification",
)


def snapshot(db: Database) -> dict[str, Any]:
    """Every row of the tables a pick can touch, plus row counts of the append-only ones."""
    out: dict[str, Any] = {}
    with db.reading() as s:
        for table in TABLES:
            rows = s.execute(text(f"SELECT * FROM {table} ORDER BY 1")).all()
            out[table] = [tuple(r) for r in rows]
        for table in ("stock_ledger", "audit_log", "scan_record"):
            out[table] = s.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
    return out


def scalar(db: Database, sql: str, **params: Any) -> Any:
    with db.reading() as s:
        return s.execute(text(sql), params).scalar()


def rows(db: Database, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with db.reading() as s:
        return [tuple(r) for r in s.execute(text(sql), params).all()]


def stock(db: Database, location_id: int, product_id: int) -> tuple[int, int]:
    got = rows(
        db,
        "SELECT on_hand, reserved FROM stock WHERE location_id = :l AND product_id = :p",
        l=location_id,
        p=product_id,
    )
    return got[0] if got else (0, 0)


def count_task(floor: Floor, n: int = 1, *, where: str = "face") -> int:
    """A count of product n at its pick face (or reserve), raised as a short pick raises one:
    the location is blocked until it ends. Returns the count task's id."""
    loc = (floor.face if where == "face" else floor.reserve)[n]
    with floor.db.transaction() as s:
        assert loc.id is not None and floor.products[n].id is not None
        return raise_count(
            s,
            warehouse_id=floor.warehouse_id,
            location_id=loc.id,
            product_id=floor.products[n].id,
            reason="test",
            actor=SYSTEM,
        )
