"""The start-up schema check decides a database at head without loading Alembic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from wms_terminal.core import migrate
from wms_terminal.core.db import make_engine
from wms_terminal.core.errors import SchemaOutOfDate


def test_the_head_read_from_the_files_is_alembics_head() -> None:
    assert migrate.head_in_files() == migrate.head_revision()


def test_a_database_at_head_is_checked_without_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'head.sqlite3'}"
    migrate.upgrade(make_engine(url))
    probe = (
        "import sys\n"
        "from wms_terminal.core import migrate\n"
        "from wms_terminal.core.db import make_engine\n"
        f"migrate.ensure_current(make_engine({url!r}))\n"
        "print('alembic' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "False"


def test_an_older_or_missing_schema_is_still_refused(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with pytest.raises(SchemaOutOfDate, match="no schema yet"):
        migrate.ensure_current(engine)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    with pytest.raises(SchemaOutOfDate, match="at schema 0001, this program needs"):
        migrate.ensure_current(engine)
