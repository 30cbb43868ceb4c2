"""Reorder points from a forecast: the demand expected over the supplier's lead time plus safety
stock for a service level (the chance that a lead time's demand fits in the reorder point),
with demand over the lead time taken as normal: ROP = d L + z sigma sqrt(L), z from scipy."""

from __future__ import annotations

import math

from wms_terminal.core.errors import ValidationError

DEFAULT_SERVICE_LEVEL = 0.95
DEFAULT_LEAD_TIME_DAYS = 7  # a product without a supplier (the supplier table's default)


def z_score(service_level: float) -> float:
    if not 0.5 <= service_level < 1.0:
        raise ValidationError(
            f"service level {service_level} is not a share between 0.5 and 1 (0.95 is 95 %)"
        )
    from scipy.stats import norm

    return float(norm.ppf(service_level))


def reorder_point(daily: float, sigma: float, lead_time_days: int, z: float) -> int:
    """Units at or under which to reorder (whole units, rounded up)."""
    lead = max(0, lead_time_days)
    return max(0, math.ceil(daily * lead + z * sigma * math.sqrt(lead) - 1e-9))
