"""Frozen views of an order at the packing station: no session, no ORM objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from wms_terminal.packing.boxes import Suggestion

GIFT, VIP, REPLACEMENT = "GIFT", "VIP", "REPLACEMENT"


@dataclass(frozen=True)
class LineView:
    line_id: int
    line_no: int
    product_id: int
    sku: str
    name: str
    ordered: int
    ready: int  # picked on lists that are done: in totes that reached packing
    packed: int  # verified into packages (open, held or closed)
    short: int  # found missing or damaged at packing
    unit_price: Decimal
    weight_g: int
    dims_mm: tuple[int, int, int]

    @property
    def remaining(self) -> int:
        return max(0, self.ready - self.packed - self.short)


@dataclass(frozen=True)
class ToteState:
    code: str
    status: str
    units: int  # of this order

    @property
    def arrived(self) -> bool:
        return self.status in ("at_packing", "at_sorting")


@dataclass(frozen=True)
class PackageView:
    package_id: int
    seq: int
    status: str
    hold_reason: str
    lines: MappingProxyType[int, int]  # order line id -> units verified into it
    sscc: str | None = None
    tracking: str = ""

    @property
    def units(self) -> int:
        return sum(self.lines.values())


@dataclass(frozen=True)
class OrderView:
    order_id: int
    number: str
    status: str
    warehouse_id: int
    currency: str
    customer: str
    country: str
    flags: tuple[str, ...]
    gift_message: str
    lines: tuple[LineView, ...]
    totes: tuple[ToteState, ...]
    units_out: int  # units still on lists being picked
    package: PackageView | None  # the open or held package
    closed_packages: int
    origin_country: str = ""  # the shipping warehouse's
    carrier_service_id: int | None = None  # the service the order asks for
    ship_by: datetime | None = None

    @property
    def gift(self) -> bool:
        return GIFT in self.flags

    @property
    def vip(self) -> bool:
        return VIP in self.flags

    @property
    def replacement(self) -> bool:
        return REPLACEMENT in self.flags

    @property
    def remaining(self) -> int:
        return sum(line.remaining for line in self.lines)

    @property
    def totes_out(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.totes if not t.arrived)

    @property
    def totes_arrived(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.totes if t.arrived)

    @property
    def special(self) -> tuple[str, ...]:
        """What makes the order stand out, for the screen (VIP first)."""
        out = []
        if self.vip:
            out.append("VIP order")
        if self.replacement:
            out.append(f"REPLACEMENT order ({REPLACEMENT}): check the replaced item")
        if self.gift:
            out.append("GIFT: slip without prices, gift message enclosed")
        return tuple(out)

    def line_for(self, product_id: int, units: int) -> LineView | None:
        """The first line of the product with room for `units`, else its first line."""
        mine = [line for line in self.lines if line.product_id == product_id]
        return next((x for x in mine if x.remaining >= units), mine[0] if mine else None)

    def to_json(self) -> dict[str, Any]:
        return {
            "order": self.number,
            "status": self.status,
            "flags": list(self.flags),
            "gift_message": self.gift_message,
            "lines": [
                {
                    "sku": x.sku,
                    "ordered": x.ordered,
                    "ready": x.ready,
                    "packed": x.packed,
                    "short": x.short,
                }
                for x in self.lines
            ],
            "totes_arrived": list(self.totes_arrived),
            "totes_out": list(self.totes_out),
            "units_out": self.units_out,
        }


class Expect(StrEnum):
    TOTE = "tote"
    ORDER = "order"
    PRODUCT = "product"
    BOX = "box"
    WEIGHT = "weight"
    BADGE = "badge"
    LABEL = "label"


HELP = (
    "Scan every unit. CMD-DONE: box full, close it. CMD-SHORT / CMD-DAMAGED: ship the rest "
    "short. CMD-SKIP: hold the order. CMD-CANCEL: back."
)


@dataclass(frozen=True)
class LineRow:
    sku: str
    name: str
    ready: int
    verified: int
    remaining: int


@dataclass(frozen=True)
class PackView:
    expect: str
    prompt: str
    barcode: str | None = None
    order: str | None = None
    special: tuple[str, ...] = ()
    gift_message: str = ""
    lines: tuple[LineRow, ...] = ()
    totes_arrived: tuple[str, ...] = ()
    totes_out: tuple[str, ...] = ()
    package: int | None = None  # package n of the order
    suggestion: Suggestion | None = None  # for the current package (box step) or the order
    expected_kg: float | None = None
    sscc: str | None = None
    tracking: str | None = None
    message: str = ""
    error: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Plain data (the headless driver's prompt, logs): the box plan as box codes and
        each unit's place."""
        out: dict[str, Any] = {
            "expect": self.expect,
            "prompt": self.prompt,
            "barcode": self.barcode,
            "order": self.order,
            "special": list(self.special),
            "gift_message": self.gift_message,
            "lines": [
                {"sku": x.sku, "ready": x.ready, "verified": x.verified, "left": x.remaining}
                for x in self.lines
            ],
            "totes_arrived": list(self.totes_arrived),
            "totes_out": list(self.totes_out),
            "package": self.package,
            "expected_kg": self.expected_kg,
            "sscc": self.sscc,
            "tracking": self.tracking,
            "message": self.message,
            "error": self.error,
        }
        if self.suggestion is not None:
            out["boxes"] = [p.to_json() for p in self.suggestion.packages]
        return out
