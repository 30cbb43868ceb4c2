"""`wms-terminal orders import` and the command line's answers to bad input."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, text
from sqlmodel import select

from tests import factories as f
from wms_terminal.cli import main
from wms_terminal.core.db import Database
from wms_terminal.core.models import AuditEntry, Customer, SalesOrder, Stock, StockMove, User

# Orders for the `stocked` fixture's SKU-00001 and SKU-00002 (the docs' examples use the demo's).
SAMPLE = Path(__file__).with_name("orders_sample.csv")


@pytest.fixture
def stocked(db: Database, wms_pin: str) -> Database:
    with db.transaction() as s:
        f.two_product_warehouse(s)
    return db


@pytest.fixture
def sup(stocked: Database) -> list[str]:
    """`--badge B` of a supervisor (WMS_PIN is set)."""
    with stocked.transaction() as s:
        return f.cli_user(s, "sue")


def _counts(db: Database) -> tuple[int, int, int, int]:
    with db.reading() as s:
        return (
            s.exec(select(func.count()).select_from(SalesOrder)).one(),
            s.exec(select(func.count()).select_from(Customer)).one(),
            s.exec(select(func.coalesce(func.sum(Stock.reserved), 0))).one(),
            s.exec(select(func.count()).select_from(StockMove)).one(),
        )


def test_json_file_imports(stocked: Database, db_url: str, sup: list[str], tmp_path: Path) -> None:
    doc = {
        "orders": [
            {
                "channel": "marketplace",
                "external_id": "MP-1",
                "currency": "USD",
                "customer": {"name": "Lee"},
                "ship_to": {"name": "Lee", "country": "US"},
                "lines": [{"sku": "SKU-00002", "qty": 3, "unit_price": "4.10"}],
                "flags": ["VIP"],
            }
        ]
    }
    path = tmp_path / "o.json"
    path.write_text(json.dumps(doc))
    assert main(["orders", "import", str(path), "--database", db_url, *sup]) == 0
    with stocked.reading() as s:
        order = s.exec(select(SalesOrder)).one()
        assert (order.channel, order.currency, str(order.total)) == ("marketplace", "USD", "12.30")


BROKEN_CSV = """channel,external_id,currency,customer_name,ship_name,sku,qty,unit_price
web,W1,EUR,Ann,Ann,SKU-00001,1,5.00
web,W2,EUR,Bob,Bob,SKU-00001,two,5.00
fax,W3,EUR,Cy,Cy,SKU-00001,1,5.00
web,W4,EUR,Di,Di,SKU-00001,1
web,W5,EUR,Ed,Ed,SKU-99999,1,5.00
"""


def test_broken_csv_reports_every_bad_line_and_changes_nothing(
    stocked: Database, db_url: str, tmp_path: Path, capsys
) -> None:
    path = tmp_path / "broken.csv"
    path.write_text(BROKEN_CSV)
    before = _counts(stocked)
    assert main(["orders", "import", str(path), "--database", db_url]) == 2
    err = capsys.readouterr().err
    assert "line 3: qty 'two' is not a whole number" in err
    assert "line 4: channel 'fax'" in err
    assert "line 5: expected 8 fields" in err
    assert "nothing imported" in err
    assert "Traceback" not in err
    assert _counts(stocked) == before


def test_unknown_sku_is_reported_after_syntax_and_nothing_is_written(
    stocked: Database, db_url: str, sup: list[str], tmp_path: Path, capsys
) -> None:
    path = tmp_path / "unknown.csv"
    path.write_text(
        BROKEN_CSV.splitlines()[0]
        + "\n"
        + "\n".join([BROKEN_CSV.splitlines()[1], BROKEN_CSV.splitlines()[5]])
        + "\n"
    )
    before = _counts(stocked)
    assert main(["orders", "import", str(path), "--database", db_url, *sup]) == 2
    assert "unknown SKU 'SKU-99999'" in capsys.readouterr().err
    assert _counts(stocked) == before


@pytest.mark.parametrize(
    "content,message",
    [
        ("\x00\x01garbage", "NUL"),
        ('{"orders": [', "broken JSON"),
    ],
)
def test_garbage_files_are_rejected(tmp_path: Path, capsys, content: str, message: str) -> None:
    path = tmp_path / ("x.json" if content.startswith("{") else "x.csv")
    path.write_text(content)
    assert (
        main(["orders", "import", str(path), "--database", "sqlite:///" + str(tmp_path / "n.db")])
        == 2
    )
    assert message in capsys.readouterr().err


def test_unreachable_database_is_a_clear_error(tmp_path: Path, capsys) -> None:
    url = "postgresql://postgres@127.0.0.1:1/nowhere"
    assert main(["orders", "import", str(SAMPLE), "--database", url]) == 3
    err = capsys.readouterr().err
    assert "cannot reach the database" in err and "Traceback" not in err


def test_database_without_schema_asks_for_upgrade(tmp_path: Path, capsys) -> None:
    sqlite3.connect(tmp_path / "blank.sqlite3").close()  # an empty file, no schema
    url = f"sqlite:///{tmp_path / 'blank.sqlite3'}"
    assert main(["orders", "import", str(SAMPLE), "--database", url]) == 4
    assert "run `wms-terminal db upgrade`" in capsys.readouterr().err


def test_database_at_another_schema_is_refused(db_url: str, capsys) -> None:
    from wms_terminal.core.db import make_engine

    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0000_old'"))
    engine.dispose()
    assert main(["orders", "import", str(SAMPLE), "--database", db_url]) == 4
    assert "is at schema 0000_old" in capsys.readouterr().err


def test_locked_sqlite_file_is_reported_busy_and_nothing_written(
    sqlite_template: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    path = tmp_path / "locked.sqlite3"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    db = Database(__import__("wms_terminal.core.db", fromlist=["make_engine"]).make_engine(url))
    with db.transaction() as s:
        f.two_product_warehouse(s)
        sup = f.cli_user(s, "sue")
    monkeypatch.setenv("WMS_PIN", f.CLI_PIN)
    monkeypatch.setenv("WMS_SQLITE_BUSY_TIMEOUT_MS", "100")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        code = main(["orders", "import", str(SAMPLE), "--database", url, *sup])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = capsys.readouterr().err
    assert code == 5, err
    assert "busy" in err and "Traceback" not in err
    assert _counts(db)[0] == 0
    db.dispose()


@pytest.mark.parametrize(
    "url,expected",
    [
        ("sqlite:////proc/nope/x.db", "no database at /proc/nope/x.db"),
        ("postgresql://postgres@127.0.0.1:notaport/x", "not a usable database URL"),
        ("postgresql+psycopg2://postgres@127.0.0.1/x", "no driver"),
        ("mysql://root@127.0.0.1/x", "unsupported database"),
    ],
)
def test_bad_database_urls_are_explained(url: str, expected: str, capsys) -> None:
    assert main(["db", "upgrade", "--database", url]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def test_unknown_revision_and_newer_schema(db_url: str, capsys) -> None:
    from wms_terminal.core.db import make_engine

    assert main(["db", "upgrade", "nonsense", "--database", db_url]) == 4
    assert "cannot migrate to 'nonsense'" in capsys.readouterr().err
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    assert main(["db", "upgrade", "--database", db_url]) == 4
    assert "migrated by a newer wms-terminal" in capsys.readouterr().err


def test_import_is_recorded_under_the_logged_in_user(
    stocked: Database, db_url: str, tmp_path: Path, capsys, monkeypatch
) -> None:
    with stocked.transaction() as s:
        badge = f.cli_user(s, "mia", "manager")
        picker = f.cli_user(s, "pat", "picker")
        uid = s.exec(select(User.id).where(User.username == "mia")).one()
    path = str(SAMPLE)
    cmd = ["orders", "import", path, "--database", db_url]
    assert main([*cmd, "--user", "mia"]) == 6  # the old PIN-less way in anyone's name
    assert "--user no longer logs in" in capsys.readouterr().err
    assert main(cmd) == 6
    assert "say who you are with --badge" in capsys.readouterr().err
    assert main([*cmd, *picker]) == 6
    assert "pat (picker) may not import orders" in capsys.readouterr().err
    monkeypatch.setenv("WMS_PIN", "9999")
    assert main([*cmd, *badge]) == 6
    assert "wrong PIN" in capsys.readouterr().err
    monkeypatch.delenv("WMS_PIN")
    assert main([*cmd, *badge]) == 6
    assert "no PIN: set WMS_PIN or give --pin-file" in capsys.readouterr().err
    assert _counts(stocked)[0] == 0
    pin_file = tmp_path / "pin"
    pin_file.write_text(f.CLI_PIN + "\n")
    assert main([*cmd, *badge, "--pin-file", str(pin_file)]) == 0
    with stocked.reading() as s:
        users = set(s.exec(select(StockMove.user_id)).all())
        audit = s.exec(select(AuditEntry).where(AuditEntry.action == "orders_imported")).one()
    assert users == {None, uid}  # receipts by the test set-up, reservations by mia
    assert audit.user_id == uid


def test_a_locked_badge_stays_locked_on_the_command_line(
    stocked: Database, db_url: str, sup: list[str], capsys, monkeypatch
) -> None:
    path = str(SAMPLE)
    cmd = ["orders", "import", path, "--database", db_url, *sup]
    monkeypatch.setenv("WMS_PIN", "0000")
    for left in (4, 3, 2, 1):
        assert main(cmd) == 6
        tries = "1 try" if left == 1 else f"{left} tries"
        assert capsys.readouterr().err.endswith(f"wrong PIN: {tries} left\n")
    assert main(cmd) == 6
    assert "badge now locked" in capsys.readouterr().err
    monkeypatch.setenv("WMS_PIN", f.CLI_PIN)  # the right PIN, too late
    assert main(cmd) == 6
    assert "too many wrong PINs: badge locked" in capsys.readouterr().err
    assert _counts(stocked)[0] == 0
    with stocked.reading() as s:
        tries = s.exec(select(AuditEntry.action).where(AuditEntry.entity == "user")).all()
    assert tries.count("login_failed") == 5 and "login" not in tries


def test_integration_account_with_a_secret(
    stocked: Database, db_url: str, sup: list[str], tmp_path: Path, capsys, monkeypatch
) -> None:
    from wms_terminal.core.auth import create_user

    secret = "s3cret-for-the-erp-link"
    with stocked.transaction() as s:
        erp = create_user(
            s, username="erp", name="ERP link", role="supervisor", pin=secret, kind="integration"
        )
        badge = erp.badge_code
    cmd = ["orders", "import", str(SAMPLE), "--database", db_url]
    assert main([*cmd, "--account", "erp"]) == 6
    assert "no secret: set WMS_SECRET or give --secret-file" in capsys.readouterr().err
    monkeypatch.setenv("WMS_SECRET", "not-the-secret-at-all")
    assert main([*cmd, "--account", "erp"]) == 6
    assert "account erp: wrong secret" in capsys.readouterr().err
    # An account cannot log in as a person with its badge, nor a person as an account.
    monkeypatch.setenv("WMS_PIN", secret)
    assert main([*cmd, "--badge", badge]) == 6
    assert "unknown badge" in capsys.readouterr().err
    assert main([*cmd, "--account", "sue"]) == 6
    assert "unknown integration account" in capsys.readouterr().err
    secret_file = tmp_path / "secret"
    secret_file.write_text(secret + "\n")
    assert main([*cmd, "--account", "erp", "--secret-file", str(secret_file), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["created"] == 2
    with stocked.reading() as s:
        audit = s.exec(select(AuditEntry).where(AuditEntry.action == "orders_imported")).one()
    assert audit.user_id == erp.id
