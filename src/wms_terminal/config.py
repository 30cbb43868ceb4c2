"""Settings read from the environment, with documented defaults.

WMS_DATABASE_URL   database URL (default: SQLite file in the user's data directory)
WMS_TERMINAL_ID    name of this terminal in the ledger and audit log (default: host name)
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

import platformdirs

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


@dataclass(frozen=True)
class Settings:
    database_url: str
    terminal_id: str

    @classmethod
    def from_env(cls, database_url: str | None = None) -> Settings:
        url = database_url or os.environ.get("WMS_DATABASE_URL") or default_database_url()
        terminal = os.environ.get("WMS_TERMINAL_ID") or socket.gethostname()
        return cls(database_url=normalise_database_url(url), terminal_id=terminal)
