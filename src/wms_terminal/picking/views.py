"""Frozen views handed to screens, the headless driver and tests: no session, no ORM objects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


def _frozen(data: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(data or {}))


@dataclass(frozen=True)
class ScanResult:
    """The stored outcome of one scan (or operator action) under its scan id."""

    scan_id: str
    accepted: bool
    code: str
    message: str
    data: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    replayed: bool = False

    def to_outcome(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "data": dict(self.data)}

    @classmethod
    def from_outcome(
        cls, scan_id: str, accepted: bool, outcome: Mapping[str, Any], *, replayed: bool
    ) -> ScanResult:
        return cls(
            scan_id=scan_id,
            accepted=accepted,
            code=str(outcome.get("code", "")),
            message=str(outcome.get("message", "")),
            data=_frozen(outcome.get("data")),
            replayed=replayed,
        )


@dataclass(frozen=True)
class TaskView:
    task_id: int
    seq: int
    order_id: int
    order_number: str
    order_line_id: int
    product_id: int
    sku: str
    product_name: str
    location_id: int
    location_code: str
    location_barcode: str
    zone_id: int
    qty: int
    qty_picked: int
    status: str
    tote_slot: int | None
    tote_code: str | None

    @property
    def remaining(self) -> int:
        return self.qty - self.qty_picked if self.status == "open" else 0

    @property
    def slot(self) -> int:
        return self.tote_slot or 1


@dataclass(frozen=True)
class PickListView:
    pick_list_id: int
    warehouse_id: int
    warehouse_code: str
    wave_number: str | None
    strategy: str
    status: str
    zone_id: int | None
    claimed_by: int | None
    routing_method: str
    route_length_m: float
    tote_count: int
    tasks: tuple[TaskView, ...]
    # Tote code in use per slot (slot 1 on single-tote lists); absent until a tote is scanned.
    totes: Mapping[int, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def open_tasks(self) -> tuple[TaskView, ...]:
        return tuple(t for t in self.tasks if t.status == "open")

    @property
    def next_task(self) -> TaskView | None:
        tasks = self.open_tasks
        return tasks[0] if tasks else None

    @property
    def multi_slot(self) -> bool:
        return any(t.tote_slot not in (None, 1) for t in self.tasks)


@dataclass(frozen=True)
class FlowView:
    """What a picker's screen shows now."""

    step: str
    prompt: str
    pick_list_id: int | None = None
    task_id: int | None = None
    location: str = ""
    product: str = ""
    sku: str = ""
    qty: int = 0
    tote_slot: int | None = None
    tote: str | None = None
    done: int = 0
    total: int = 0
    message: str = ""
    error: str = ""

    @property
    def progress(self) -> str:
        return f"{self.done}/{self.total}"


@dataclass(frozen=True)
class CountView:
    """One count task. Screens for counters show no quantity (the count is blind); `system_qty`,
    `expected_qty` and `first_qty` are for supervisors."""

    count_id: int
    warehouse_id: int
    status: str
    reason: str
    location_id: int
    location_code: str
    location_barcode: str
    product_id: int
    sku: str
    product_name: str
    system_qty: int
    claimed_by: str | None = None
    first_qty: int | None = None
    first_by: str | None = None
    counted_qty: int | None = None
    counted_by: str | None = None
    expected_qty: int | None = None
    created_at: str = ""
    done_at: str = ""
    note: str = ""

    @property
    def second(self) -> bool:
        """The count asked now is the second (blind) one."""
        return self.first_qty is not None

    def as_data(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}
