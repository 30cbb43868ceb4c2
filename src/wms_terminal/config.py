"""Settings read from the environment, with documented defaults.

WMS_DATABASE_URL   database URL (default: the SQLite file wms.sqlite3 in the user's data directory;
                   `wms-terminal demo`, `run --demo` and `make run` use the same default)
WMS_TERMINAL_ID    name of this terminal in the ledger and audit log (default: host name)
WMS_COUNT_RECOUNT_THRESHOLD  units a count may differ before a second count is asked (default 5)
WMS_IDLE_LOGOUT_S  seconds without a key or scan before the terminal app signs its user out
                   (default 600; 0 never)
WMS_CAMERA         a station's camera for `run` (device index, video file or stream URL; `run
                   --camera` overrides it; default none): tui/camera_feed.py
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
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
        terminal = os.environ.get("WMS_TERMINAL_ID") or socket.gethostname()
        return cls(database_url=normalise_database_url(url), terminal_id=terminal, url_given=given)


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
