"""Reading the state of the floor back for assertions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from wms_terminal.core.db import Database

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
