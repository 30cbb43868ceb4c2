"""Reference data of the demo: currency rates, special-order flags, carriers with their services
and cut-off times, box types."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from decimal import Decimal

# Rate to EUR (the base currency): one unit of the currency is worth this many euros.
RATES: dict[str, Decimal] = {"EUR": Decimal("1.00"), "USD": Decimal("0.92"), "GBP": Decimal("1.17")}

# (code, name, wave priority): VIP goes first in a wave.
FLAGS: tuple[tuple[str, str, int], ...] = (
    ("VIP", "VIP customer", 100),
    ("REPLACEMENT", "Replacement for a damaged or lost order", 50),
    ("GIFT", "Gift (wrap, no prices on the slip)", 10),
)


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    name: str
    cutoff: time
    transit_days: int
    base_rate: Decimal  # EUR
    express: bool
    max_weight_g: int = 30_000
    is_return: bool = False  # the carrier's return service: for parcels customers send back


@dataclass(frozen=True)
class CarrierSpec:
    code: str
    name: str
    gs1_prefix: str
    services: tuple[ServiceSpec, ...]


CARRIERS: tuple[CarrierSpec, ...] = (
    CarrierSpec(
        "DHL",
        "DHL Parcel",
        "8712345",
        (
            ServiceSpec("DHL-STD", "DHL Parcel Standard", time(17, 0), 2, Decimal("4.95"), False),
            ServiceSpec("DHL-EXP", "DHL Express 12:00", time(15, 0), 1, Decimal("12.50"), True),
            ServiceSpec(
                "DHL-RET", "DHL Retoure", time(17, 0), 3, Decimal("4.50"), False, is_return=True
            ),
        ),
    ),
    CarrierSpec(
        "UPS",
        "UPS",
        "8754321",
        (
            ServiceSpec("UPS-STD", "UPS Standard", time(17, 30), 3, Decimal("6.20"), False),
            ServiceSpec("UPS-SAVER", "UPS Express Saver", time(16, 0), 1, Decimal("14.90"), True),
            ServiceSpec(
                "UPS-RET", "UPS Returns", time(17, 30), 3, Decimal("5.90"), False, is_return=True
            ),
        ),
    ),
)


# Rate brackets per zone: (zone, up to grams, times the service's base rate).
RATE_BRACKETS: tuple[tuple[str, int, Decimal], ...] = (
    ("domestic", 2_000, Decimal("1.0")),
    ("domestic", 10_000, Decimal("1.4")),
    ("domestic", 30_000, Decimal("2.0")),
    ("eu", 2_000, Decimal("1.8")),
    ("eu", 10_000, Decimal("2.4")),
    ("eu", 30_000, Decimal("3.2")),
    ("world", 2_000, Decimal("4.0")),
    ("world", 10_000, Decimal("5.5")),
    ("world", 30_000, Decimal("8.0")),
)


def carrier_rates() -> tuple[tuple[str, str, int, Decimal], ...]:
    """(service code, zone, up to grams, price EUR) of every demo service."""
    return tuple(
        (s.code, z, grams, (s.base_rate * k).quantize(Decimal("0.01")))
        for c in CARRIERS
        for s in c.services
        for z, grams, k in RATE_BRACKETS
    )


def box_types() -> tuple[tuple[str, str, int, int, int, int, int, Decimal], ...]:
    """(code, name, inner length, width, height in mm, max weight g, tare g, cost EUR) of the
    demo's shipping boxes, from the definition file (assets/demo/warehouse.toml)."""
    from wms_terminal.demo.floor import definition

    return tuple(
        (
            b["code"],
            b["name"],
            *b["inner_mm"],
            b["max_weight_g"],
            b["tare_weight_g"],
            Decimal(b["cost"]),
        )
        for b in definition()["box_type"]
    )


GIFT_MESSAGES = (
    "Happy birthday! Love, {sender}",
    "Congratulations on the new home! {sender}",
    "Thinking of you. x {sender}",
    "Thank you for everything - {sender}",
    "Merry Christmas and a happy new year! {sender}",
    "Welcome to the world, little one! {sender}",
    "Get well soon! {sender}",
    "For the best colleague ever. {sender}",
)
