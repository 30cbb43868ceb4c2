"""assets/ (beside src/ and tests/) holds the app's stylesheet, the e-mail templates and the demo
warehouse definition; the program finds them at run time, and the wheel ships them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from wms_terminal.demo import floor, reference
from wms_terminal.resources import ASSETS, asset
from wms_terminal.tui.app import WmsApp

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = (
    "demo/warehouse.toml",
    "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
    "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd",
    "ubl-2.1/common/UBL-CommonAggregateComponents-2.1.xsd",
    "ubl-2.1/LICENSE-UBL.txt",
    "styles/app.tcss",
    "templates/email/en/notice.txt",
    "templates/email/en/purchase_order.txt",
    "templates/email/en/refund_issued.txt",
    "templates/email/en/quote_sent.txt",
    "templates/email/en/return_authorised.txt",
    "templates/email/en/return_received.txt",
    "templates/email/en/track_trace.txt",
    "templates/email/de/track_trace.txt",
    "templates/email/de/track_trace.html",
    "templates/email/en/stock_health.txt",
    "templates/email/base.html",
)


def test_the_program_reads_its_files_from_assets_beside_src() -> None:
    assert ASSETS.resolve() == (ROOT / "assets").resolve()
    for name in SHIPPED:
        assert asset(*name.split("/")).is_file()
    assert Path(WmsApp.CSS_PATH).resolve() == (ROOT / "assets/styles/app.tcss").resolve()


def test_the_demo_builder_reads_the_warehouse_definition() -> None:
    codes = [w.code for w in floor.warehouses()]
    assert codes == ["MAIN", "DAV"]
    main = floor.warehouses()[0]
    assert (main.aisles, main.bays, len(main.zones()), main.totes) == (20, 30, 3, 200)
    assert [b[0] for b in reference.box_types()] == ["MAILER", "BOX-S", "BOX-M", "BOX-L", "BOX-XL"]


@pytest.mark.slow
def test_the_wheel_ships_the_assets(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"wms_terminal/assets/{name}" for name in SHIPPED} <= names
