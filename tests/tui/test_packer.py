"""The packer's screen at 80x24, driven as at a station: scanner bursts, typed keys, command
barcodes. Whole orders with a wrong item, an over-scan, a box override, a weight off accepted by a
supervisor, hold, short, a failed print retried and a reprint; a scale closing the package on the
last verify scan; untrusted text shown literally. SQLite."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from tests import factories as f
from tests.packing.conftest import Station, build_station
from tests.picking.helpers import rows, scalar
from tests.tui.helpers import screen_text, shown, type_slowly, wait_for
from tests.tui.picker_helpers import key, message, scan, settle
from textual import events

from wms_terminal.core.db import Database, make_engine
from wms_terminal.core.models import User
from wms_terminal.tui.app import WmsApp
from wms_terminal.tui.screens.packer import PackerScreen
from wms_terminal.tui.widgets.scan_input import ScanInput

SIZE = (80, 24)


@pytest.fixture
def station(sqlite_path: Path) -> Iterator[Station]:
    db = Database(make_engine(f"sqlite:///{sqlite_path}"))
    yield build_station(db)
    db.dispose()


async def _sign_in(pilot, app: WmsApp, station: Station) -> PackerScreen:
    with station.db.reading() as s:
        user = s.get(User, station.packer.user_id)
        assert user is not None
        badge = user.badge_code
    await type_slowly(pilot, badge)
    await type_slowly(pilot, f.CLI_PIN)
    await wait_for(pilot, lambda: app.screen.id == "mode-packer")
    screen = app.screen
    assert isinstance(screen, PackerScreen)
    await settle(pilot, app)
    return screen


def _prompt(app: WmsApp) -> str:
    return shown(app, "#pack-prompt")


async def test_a_whole_order_with_every_exception(station: Station) -> None:
    fl = station.floor
    order = fl.order([(1, 2), (2, 1)], flags=("GIFT", "VIP"))
    with station.db.transaction() as s:
        s.execute(
            text("UPDATE sales_order SET gift_message = :m"),
            {"m": "[b]Happy[/b] birthday [@click=app.quit]x\x1b[31m"},
        )
        s.execute(
            text("UPDATE product SET name = :n WHERE sku = :s"),
            {"n": "[red]Widget[/red]", "s": fl.sku(1)},
        )
    (tote,) = station.pick_all()
    app = WmsApp(station.db, terminal="PACK-1")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _sign_in(pilot, app, station)
        assert "Scan a tote or an order" in _prompt(app)
        await scan(pilot, app, tote)
        assert order in shown(app, "#pack-head")
        banner = shown(app, "#pack-banner")
        assert "VIP order" in banner and "GIFT" in banner
        assert "[b]Happy[/b] birthday [@click=app.quit]x<ESC>[31m" in banner
        lines = screen_text(app)
        assert "[red]Widget[/red]" in lines and fl.sku(2) in lines
        assert f"Totes here: {tote}" in shown(app, "#pack-totes")
        text_now = screen_text(app)
        assert "Verified" in text_now and "h help" in text_now  # all of it fits 80x24

        # A wrong item and an over-scan are refused; nothing is verified for them.
        await scan(pilot, app, fl.gtin(4))
        assert "wrong item" in message(app)
        for _ in range(3):  # the same code again after the scanner's double-read window
            await scan(pilot, app, fl.gtin(1))
            await pilot.pause(0.7)
        assert "too many" in message(app)
        assert scalar(station.db, "SELECT SUM(qty) FROM package_line") == 2
        await scan(pilot, app, fl.gtin(2))
        flow = screen.flow
        assert flow is not None and flow.expect.value == "box"
        assert "Scan the box" in _prompt(app) and "Box:" in shown(app, "#pack-box")
        # The packer overrides the suggestion by scanning another box.
        await scan(pilot, app, "BOX-M")
        assert "Expected weight" in shown(app, "#pack-box") and "BOX-M" in shown(app, "#pack-box")
        await key(pilot, app, "1.5")  # kg: far off the expected weight
        assert "supervisor" in _prompt(app).lower() and "expected" in message(app)
        assert scalar(station.db, "SELECT status FROM package") == "open"
        await scan(pilot, app, station.sup_badge)
        assert "PIN" in _prompt(app)
        await key(pilot, app, f.CLI_PIN)
        assert f.CLI_PIN not in screen_text(app)
        assert "Scan the printed label" in _prompt(app)
        sscc = scalar(station.db, "SELECT sscc FROM package")
        assert sscc in _prompt(app) and sscc in shown(app, "#pack-box")
        assert rows(station.db, "SELECT kind, status FROM print_job ORDER BY kind") == [
            ("packing_slip", "queued"),
            ("shipping_label", "queued"),
        ]
        assert scalar(station.db, "SELECT weight_g FROM package") == 1500
        await scan(pilot, app, str(sscc))
        assert "packed" in message(app) and "Scan a tote or an order" in _prompt(app)
    assert scalar(station.db, "SELECT status FROM sales_order") == "packed"
    assert scalar(station.db, "SELECT status FROM tote WHERE code = :c", c=tote) == "free"


async def test_hold_short_print_failure_retry_and_reprint(station: Station) -> None:
    fl = station.floor
    order = fl.order([(1, 3)])
    (tote,) = station.pick_all()
    app = WmsApp(station.db, terminal="PACK-1")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _sign_in(pilot, app, station)
        await key(pilot, app, "p")  # nothing closed yet
        assert "no package closed" in message(app)
        await scan(pilot, app, tote, fl.gtin(1))
        await key(pilot, app, "k")  # hold: a unit is missing
        assert "hold" in message(app) and "Scan a tote or an order" in _prompt(app)
        assert scalar(station.db, "SELECT status FROM package") == "held"
        await scan(pilot, app, order)
        assert "on hold" in message(app)
        await pilot.pause(0.7)
        await scan(pilot, app, order)  # again: resumed
        assert "Scan the next unit" in _prompt(app)
        await scan(pilot, app, fl.gtin(1))
        await scan(pilot, app, "CMD-SHORT")  # the third unit ships short
        assert "Scan the box" in _prompt(app)
        assert scalar(station.db, "SELECT qty_pack_short FROM order_line") == 1
        await scan(pilot, app, "MAILER")
        assert screen.flow is not None
        await key(pilot, app, str(2 * 101 + 40))
        assert "Scan the printed label" in _prompt(app), message(app)
        with station.db.transaction() as s:
            s.execute(
                text("UPDATE print_job SET status = 'failed', last_error = :e WHERE kind = :k"),
                {"e": "printer [b]down[/b]", "k": "shipping_label"},
            )
        await key(pilot, app, "")  # Enter: drawn again, with the station's print jobs
        assert "PRINT FAILED Label" in shown(app, "#pack-prints")
        assert "printer [b]down[/b]" in shown(app, "#pack-prints")
        await key(pilot, app, "r")
        assert "1 print job(s) queued again" in message(app)
        assert "PRINT FAILED" not in shown(app, "#pack-prints")
        assert "Printer retrying Label" in shown(app, "#pack-prints")  # queued again
        assert scalar(station.db, "SELECT status FROM print_job WHERE kind = 'shipping_label'") == (
            "queued"
        )
        await scan(pilot, app, "CMD-REPRINT")
        assert "queued to print again" in message(app)
        labels = rows(
            station.db, "SELECT DISTINCT package_id FROM print_job WHERE kind = 'shipping_label'"
        )
        assert len(labels) == 1
        assert (
            scalar(station.db, "SELECT COUNT(*) FROM print_job WHERE kind = 'shipping_label'") == 2
        )
        await scan(pilot, app, "CMD-DONE")  # the label is not here: go on without scanning it
        assert "packed" in message(app)
        await key(pilot, app, "o")
        await wait_for(pilot, lambda: app.screen.id != "mode-packer")
        assert app.actor is None


class _Scale:
    def __init__(self) -> None:
        self.grams = 0

    def read_grams(self, timeout: float = 2.0) -> int | None:
        return self.grams


async def test_a_scale_closes_the_package_on_the_last_verify_scan(station: Station) -> None:
    fl = station.floor
    fl.order([(2, 1)])
    (tote,) = station.pick_all()
    scale = _Scale()
    from wms_terminal.tui import modes

    saved = modes.MODES["packer"]
    modes.register("packer", lambda db, actor: PackerScreen(db, actor, scale=scale))
    try:
        app = WmsApp(station.db, terminal="PACK-2")
        async with app.run_test(size=SIZE) as pilot:
            await _sign_in(pilot, app, station)
            await scan(pilot, app, tote)
            scale.grams = 101 + 40  # the product and a mailer, as the flow expects
            await scan(pilot, app, fl.gtin(2))
            assert "Scan the printed label" in _prompt(app), message(app)
            assert scalar(station.db, "SELECT status FROM package") == "closed"
            assert scalar(station.db, "SELECT COUNT(*) FROM print_job") == 2
    finally:
        modes.register("packer", saved)


def _burst_at(app: WmsApp, code: str, at: float) -> None:
    """A scanner burst whose keys arrive 2 ms apart from `at` (monotonic), ended by Enter."""
    field = app.screen.query_one(ScanInput)
    for i, ch in enumerate(code + "\r"):
        event = events.Key("enter" if ch == "\r" else ch, ch)
        event.time = at + i * 0.002
        field.post_message(event)


async def test_identical_units_scanned_one_after_another_all_count(station: Station) -> None:
    """At packing two identical units in a row are normal: 0.3 s apart both count. Only the
    scanner's own repeat (the same code again within tens of ms) is dropped, and said so."""
    fl = station.floor
    fl.order([(1, 3)])
    (tote,) = station.pick_all()
    gtin = fl.gtin(1)
    app = WmsApp(station.db, terminal="PACK-1")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _sign_in(pilot, app, station)
        await scan(pilot, app, tote)
        assert "Scan the next unit" in _prompt(app)
        t0 = time.monotonic() + 1.0  # ahead of the keys just handled
        _burst_at(app, gtin, t0)
        _burst_at(app, gtin, t0 + 0.05 + 2 * 0.002 * len(gtin))  # a double read: dropped
        _burst_at(app, gtin, t0 + 0.35)  # the next unit, 0.35 s later: counted
        await settle(pilot, app)
        assert screen.query_one(ScanInput).decoder.double_reads == 1
        assert scalar(station.db, "SELECT SUM(qty) FROM package_line") == 2
        _burst_at(app, gtin, t0 + 0.7)  # and the third
        await settle(pilot, app)
        assert scalar(station.db, "SELECT SUM(qty) FROM package_line") == 3
        assert screen.flow is not None and screen.flow.expect.value == "box"
        assert screen.query_one(ScanInput).decoder.double_reads == 1
