"""The demo warehouse: `build_demo(db, orders=..., seed=...)` fills an empty database with a
deterministic, realistic warehouse (see `build` for what and how)."""

from wms_terminal.demo.build import (
    DEFAULT_ORDERS,
    DEFAULT_SEED,
    DEMO_WAVE_ORDERS,
    DemoSummary,
    build_demo,
    demo_users,
)

__all__ = [
    "DEFAULT_ORDERS",
    "DEFAULT_SEED",
    "DEMO_WAVE_ORDERS",
    "DemoSummary",
    "build_demo",
    "demo_users",
]
