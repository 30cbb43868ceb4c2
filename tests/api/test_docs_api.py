"""docs/api.md's example order is a valid order of the import format, and its permission table
names permissions that exist."""

from __future__ import annotations

import json
import re
from pathlib import Path

from wms_terminal.core.auth import GRANTABLE
from wms_terminal.core.order_files import read_json_document

DOC = Path(__file__).parents[2] / "docs" / "api.md"


def test_the_documented_order_is_valid() -> None:
    body = re.search(r"-d '(\{.*?\})'", DOC.read_text(), re.S)
    assert body, "docs/api.md has a curl example with a body"
    doc = json.loads(body.group(1))
    parsed = read_json_document({"orders": [doc]}, "docs")
    assert parsed.problems == [] and len(parsed.orders) == 1


def test_every_documented_permission_exists() -> None:
    table = re.findall(r"^\| `([a-z_]+)` \| `(?:GET|POST)", DOC.read_text(), re.M)
    assert {"import_orders", "cancel_order", "read_orders", "read_stock"} <= set(table)
    assert set(table) <= GRANTABLE
