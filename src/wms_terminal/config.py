"""Settings read from the environment, with documented defaults.

WMS_DATABASE_URL   database URL (default: the SQLite file wms.sqlite3 in the user's data directory;
                   `wms-terminal demo`, `run --demo` and `make run` use the same default)
WMS_TERMINAL_ID    name of this terminal in the ledger and audit log (default: host name)
WMS_COUNT_RECOUNT_THRESHOLD  units a count may differ before a second count is asked (default 5)
WMS_IDLE_LOGOUT_S  seconds without a key or scan before the terminal app signs its user out
                   (default 600; 0 never)
WMS_GS1_COMPANY_PREFIX  the company's GS1 prefix (6 to 12 digits) in every SSCC the packing
                   station assigns (default 8712345, the demo company's)
WMS_PACK_WEIGHT_TOLERANCE  how far a package's weight may be from the expected weight before a
                   supervisor confirms it: "5%" (of the expected weight) or grams, or both as
                   "5%,50" (the larger applies; default "5%,50")
WMS_RETURN_WINDOW_DAYS  days after shipment a return may be opened, per channel:
                   "web=30,marketplace=14" (channels not named keep the default, 30)
WMS_RESTOCKING_FEE  percent of a unit's price kept per grade of a returned unit:
                   "refurbish=10,scrap=20" (grades not named: 0)
WMS_REFUND_SHIPPING  refund the order's shipping with a return: fault (when the reason is the
                   shop's fault; default), always or never (once per order)
WMS_WAREHOUSE_TZ   time zone of carrier cut-off times (default Europe/Amsterdam)
WMS_PAYMENT_CHANNELS  channels whose orders wait for payment authorisation before release:
                   "web,marketplace" (default none): core/release_rule.py
WMS_CAMERA         a station's camera for `run` (device index, video file or stream URL; `run
                   --camera` overrides it; default none): tui/camera_feed.py
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import platformdirs

from wms_terminal.core.errors import ConfigurationError

APP_NAME = "wms-terminal"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_database_url() -> str:
    return f"sqlite:///{default_data_dir() / 'wms.sqlite3'}"


def normalise_database_url(url: str) -> str:
    """Accept the plain libpq form and pick psycopg 3 as the driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def given_database_url(database_url: str | None = None) -> str:
    """The URL as the user gave it (--database, else WMS_DATABASE_URL, else the default)."""
    return database_url or os.environ.get("WMS_DATABASE_URL") or default_database_url()


@dataclass(frozen=True)
class Settings:
    database_url: str
    terminal_id: str
    url_given: bool = True  # False: the default file, which commands that create may create

    @classmethod
    def from_env(cls, database_url: str | None = None) -> Settings:
        given = bool(database_url or os.environ.get("WMS_DATABASE_URL"))
        url = given_database_url(database_url)
        return cls(
            database_url=normalise_database_url(url), terminal_id=terminal_id(), url_given=given
        )


def terminal_id() -> str:
    """This terminal's name in the audit trail: WMS_TERMINAL_ID, else the host name."""
    return os.environ.get("WMS_TERMINAL_ID") or socket.gethostname()


def count_recount_threshold() -> int:
    """WMS_COUNT_RECOUNT_THRESHOLD: a count that differs from the system by more units than this
    asks for a second, blind count by another user (default 5; 0 asks on any difference)."""
    raw = os.environ.get("WMS_COUNT_RECOUNT_THRESHOLD", "").strip()
    if not raw:
        return 5
    if not raw.isdigit() or len(raw) > 9:
        raise ConfigurationError(
            f"WMS_COUNT_RECOUNT_THRESHOLD must be a whole number of units, not {raw!r}"
        )
    return int(raw)


def idle_logout_seconds() -> float:
    """WMS_IDLE_LOGOUT_S: seconds without a key or a scan before the app signs its user out
    (default 600; 0 never)."""
    raw = os.environ.get("WMS_IDLE_LOGOUT_S", "").strip()
    if not raw:
        return 600.0
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86_400:
        raise ConfigurationError(
            f"WMS_IDLE_LOGOUT_S must be a number of seconds from 0 to 86400, not {raw!r}"
        )
    return value


def gs1_company_prefix() -> str:
    """WMS_GS1_COMPANY_PREFIX: the GS1 company prefix of the SSCCs (6 to 12 digits)."""
    raw = os.environ.get("WMS_GS1_COMPANY_PREFIX", "").strip() or "8712345"
    if not (raw.isascii() and raw.isdigit() and 6 <= len(raw) <= 12):
        raise ConfigurationError(f"WMS_GS1_COMPANY_PREFIX must be 6 to 12 digits, not {raw!r}")
    return raw


def pack_weight_tolerance() -> tuple[float, int]:
    """WMS_PACK_WEIGHT_TOLERANCE as (percent of the expected weight, grams)."""
    raw = os.environ.get("WMS_PACK_WEIGHT_TOLERANCE", "").strip() or "5%,50"
    pct, grams = 0.0, 0
    try:
        for part in (p.strip() for p in raw.split(",")):
            if part.endswith("%"):
                pct = float(part[:-1])
            else:
                grams = int(part)
        if not (0 <= pct <= 100 and 0 <= grams <= 100_000):
            raise ValueError(raw)
    except ValueError:
        raise ConfigurationError(
            f'WMS_PACK_WEIGHT_TOLERANCE must be like "5%", "50" or "5%,50", not {raw!r}'
        ) from None
    return pct, grams


def warehouse_timezone() -> str:
    return os.environ.get("WMS_WAREHOUSE_TZ", "").strip() or "Europe/Amsterdam"


DEFAULT_RETURN_WINDOW_DAYS = 30


def return_window_days() -> dict[str, int]:
    """WMS_RETURN_WINDOW_DAYS as {channel: days}; every channel not named gets 30."""
    from wms_terminal.core.models.orders import Channel

    windows = dict.fromkeys(Channel.ALL, DEFAULT_RETURN_WINDOW_DAYS)
    raw = os.environ.get("WMS_RETURN_WINDOW_DAYS", "").strip()
    for part in (p.strip() for p in raw.split(",") if p.strip()):
        channel, _, days = part.partition("=")
        channel, days = channel.strip(), days.strip()
        if channel not in windows or not days.isdigit() or len(days) > 4:
            raise ConfigurationError(
                'WMS_RETURN_WINDOW_DAYS must be like "web=30,marketplace=14" (channels: '
                f"{', '.join(Channel.ALL)}), not {raw!r}"
            )
        windows[channel] = int(days)
    return windows


def restocking_fee_percent() -> dict[str, Decimal]:
    """WMS_RESTOCKING_FEE as {grade: percent}; every grade not named keeps 0."""
    from wms_terminal.core.returns import Grade

    fees = dict.fromkeys(Grade.ALL, Decimal(0))
    raw = os.environ.get("WMS_RESTOCKING_FEE", "").strip()
    for part in (p.strip() for p in raw.split(",") if p.strip()):
        grade, _, pct = part.partition("=")
        try:
            value = Decimal(pct.strip())
        except ArithmeticError:
            value = Decimal(-1)
        if grade.strip() not in fees or not 0 <= value <= 100:
            raise ConfigurationError(
                f'WMS_RESTOCKING_FEE must be like "refurbish=10,scrap=20" (grades: '
                f"{', '.join(Grade.ALL)}; percent 0 to 100), not {raw!r}"
            )
        fees[grade.strip()] = value
    return fees


def refund_shipping() -> str:
    """WMS_REFUND_SHIPPING: fault (default), always or never."""
    from wms_terminal.core.returns import ShippingRule

    raw = os.environ.get("WMS_REFUND_SHIPPING", "").strip().lower() or ShippingRule.FAULT
    if raw not in ShippingRule.ALL:
        raise ConfigurationError(
            f"WMS_REFUND_SHIPPING must be one of {', '.join(ShippingRule.ALL)}, not {raw!r}"
        )
    return raw


def payment_channels() -> frozenset[str]:
    """WMS_PAYMENT_CHANNELS: the channels whose orders wait for the payment provider's
    authorisation before release, like "web,marketplace" (default: none)."""
    from wms_terminal.core.models.orders import Channel

    raw = os.environ.get("WMS_PAYMENT_CHANNELS", "").strip()
    named = {p.strip() for p in raw.split(",") if p.strip()}
    unknown = sorted(named - set(Channel.ALL))
    if unknown:
        raise ConfigurationError(
            f'WMS_PAYMENT_CHANNELS must be like "web,marketplace" (channels: '
            f"{', '.join(Channel.ALL)}), not {raw!r}"
        )
    return frozenset(named)
