"""The demo's demand history: daily units per product and warehouse over the weeks before its open
orders, written to `demand_history` (the history an earlier system would hand over), so that
`wms-terminal forecast run` and `forecast backtest` have weeks to learn from.

Deterministic for a seed: each product's demand continues the rate of the open orders (the units
they ask for per day, shared out by the catalogue's popularity weights and by each warehouse's
part of the ordered units), with a weekly pattern (quiet weekends) and a drift per product (some
rise, some fade). Order lines per day are Poisson; a line holds 1 unit plus a Poisson 0.9 more.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

# Days of history before the first day of the open orders.
HISTORY_DAYS = 70
# Monday .. Sunday.
WEEKDAY = (1.10, 1.05, 1.00, 1.00, 1.05, 0.85, 0.75)
EXTRA_UNITS_PER_LINE = 0.9


def demand_rows(
    rng: random.Random,
    *,
    product_ids: list[int],
    popularity: list[float],
    warehouse_units: dict[int, float],
    units_per_day: float,
    first_open_day: date,
    days: int = HISTORY_DAYS,
) -> list[dict[str, Any]]:
    """Rows of `demand_history` (warehouse_id, product_id, day, qty) for the `days` days before
    `first_open_day`; days without demand are left out."""
    import numpy as np

    total = sum(warehouse_units.values())
    if total <= 0 or units_per_day <= 0 or not product_ids:
        return []
    gen = np.random.default_rng(rng.getrandbits(64))
    start = first_open_day - timedelta(days=days)
    day_factor = np.array([WEEKDAY[(start + timedelta(days=t)).weekday()] for t in range(days)])
    weights = np.asarray(popularity, dtype=float)
    drift = gen.uniform(-0.6, 0.6, size=len(product_ids))  # change over the period, per product
    progress = np.linspace(-1.0, 0.0, days)  # ends at the open orders' rate
    trend = np.clip(1.0 + np.outer(drift, progress), 0.1, None)  # products x days
    rows: list[dict[str, Any]] = []
    per_line = 1.0 + EXTRA_UNITS_PER_LINE
    for wid, units in sorted(warehouse_units.items()):
        share = units / total
        line_rate = units_per_day * share / per_line
        lam = line_rate * np.outer(weights, day_factor) * trend
        lines = gen.poisson(lam)
        qty = lines + gen.poisson(EXTRA_UNITS_PER_LINE * lines)
        for i, t in zip(*np.nonzero(qty), strict=True):
            rows.append(
                {
                    "warehouse_id": wid,
                    "product_id": product_ids[i],
                    "day": start + timedelta(days=int(t)),
                    "qty": int(qty[i, t]),
                }
            )
    return rows
