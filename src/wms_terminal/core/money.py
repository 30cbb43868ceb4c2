"""Currencies: ISO 4217 codes and minor units (from babel's CLDR data), rounding per currency.

Amounts are Decimals throughout. Each currency rounds to its own minor unit: EUR 2 decimals, JPY 0,
KWD and BHD 3. Exchange rates keep 8 decimals (JPY -> EUR 0.0062 stays 0.0062).
"""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision, list_currencies

from wms_terminal.core.models._base import MONEY_SCALE

BASE_CURRENCY = "EUR"


@functools.cache
def _known() -> frozenset[str]:
    return frozenset(c for c in list_currencies() if len(c) == 3 and c.isalpha())


def is_currency(code: str) -> bool:
    """An ISO 4217 currency code (upper case)."""
    return code in _known()


@functools.cache
def minor_units(currency: str) -> int:
    """Decimals of the currency's minor unit: EUR 2, JPY 0, KWD 3 (at most what a column holds)."""
    return min(int(get_currency_precision(currency)), MONEY_SCALE)


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Rounded half up to the currency's minor unit."""
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def fits(amount: Decimal, currency: str) -> bool:
    """True when the amount has no more decimals than the currency's minor unit."""
    return amount == amount.quantize(quantum(currency))


def to_base(amount: Decimal, currency: str, rate_to_base: Decimal) -> Decimal:
    """An amount in the base currency (EUR), rounded to its minor unit."""
    return round_money(amount * rate_to_base, BASE_CURRENCY)
