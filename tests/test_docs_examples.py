"""The order files in the docs import into the demo warehouse exactly as they are written."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import factories as f
from tests.conftest import BACKENDS
from wms_terminal.cli import main
from wms_terminal.core.db import Database, make_engine
from wms_terminal.demo import build_demo

DOCS = Path(__file__).parents[1] / "docs"


@pytest.fixture(params=BACKENDS)
def demo_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The demo warehouse without orders (catalogue, carriers, rates, stock)."""
    if request.param == "sqlite":
        path = tmp_path / "demo.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_scratch_url")
        from wms_terminal.core import migrate

        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
    db = Database(make_engine(url))
    build_demo(db, orders=0, seed=3)
    db.dispose()
    yield url


def _doc_json_example() -> str:
    text = (DOCS / "order-import.md").read_text()
    found = re.search(r"```json\n(.*?)```", text, re.S)
    assert found, "docs/order-import.md has a JSON example"
    return found.group(1)


def test_every_documented_order_file_imports_into_the_demo(
    demo_url: str, tmp_path: Path, wms_pin: str, capsys: Any
) -> None:
    db = Database(make_engine(demo_url))
    with db.transaction() as s:
        badge = f.cli_user(s, "docs", "manager")
    db.dispose()
    inline = tmp_path / "from-order-import-md.json"
    inline.write_text(_doc_json_example())
    files = [DOCS / "examples" / "orders.csv", DOCS / "examples" / "orders.json", inline]
    created = []
    for path in files:
        code = main(["orders", "import", str(path), "--database", demo_url, *badge, "--json"])
        captured = capsys.readouterr()
        assert code == 0, f"{path.name}: {captured.err}"
        summary = json.loads(captured.out)
        assert (
            summary["created"] >= 1
            and summary["created"] + summary["already_present"] == (summary["orders"])
        )
        created.append(summary["created"])
    assert created == [2, 1, 1]
    # Importing a file again creates nothing.
    args = ["orders", "import", str(files[0]), "--database", demo_url, *badge, "--json"]
    assert main(args) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["created"], again["already_present"]) == (0, 2)
