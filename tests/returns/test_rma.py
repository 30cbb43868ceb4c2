"""Return authorisations: `wms-terminal returns open` and `returns show` (fixed contracts), the
return window, what may still come back of a line, concurrent opens, and hostile text."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import select

from tests import factories as f
from tests.picking.helpers import scalar
from wms_terminal.cli import main
from wms_terminal.core.errors import ValidationError
from wms_terminal.core.models import Notification
from wms_terminal.core.models._base import utcnow
from wms_terminal.returns.rma import open_return, show_return

from .conftest import Station, ship


def _open(db_url: str, badge: list[str], order: str, *lines: str, how: str = "--refund") -> int:
    args = ["returns", "open", "--order", order, "--reason", "damaged", how, "--json"]
    for line in lines:
        args += ["--line", line]
    return main([*args, "--database", db_url, *badge])


def test_open_then_show_and_a_second_return_beyond_what_shipped_is_refused(
    station: Station, db_url: str, capsys: pytest.CaptureFixture[str], wms_pin: str
):
    fl = station.floor
    (order,) = ship(station, [(1, 3), (2, 1)])
    with station.db.transaction() as s:
        badge = f.cli_user(s, "desk", "packer")

    assert _open(db_url, badge, order, f"{fl.sku(1)}:2", f"{fl.sku(2)}:1") == 0
    rma = json.loads(capsys.readouterr().out)["rma"]
    assert rma.startswith("RMA-")

    assert main(["returns", "show", rma, "--json", "--database", db_url]) == 0
    got = json.loads(capsys.readouterr().out)
    assert {"rma", "status", "lines", "refund_total", "currency", "credit_note"} <= set(got)
    assert got["rma"] == rma and got["status"] == "open" and got["currency"] == "EUR"
    assert got["lines"] == [
        {"sku": fl.sku(1), "qty": 2, "received": 0, "grade": None, "grades": {}},
        {"sku": fl.sku(2), "qty": 1, "received": 0, "grade": None, "grades": {}},
    ]
    assert got["credit_note"] is None

    # 3 shipped of SKU 1, 2 already on a return: 2 more is refused, nothing written.
    assert _open(db_url, badge, order, f"{fl.sku(1)}:2") == 2
    err = capsys.readouterr().err
    assert "3 shipped, 2 already returned, 1 left" in err
    assert scalar(station.db, "SELECT COUNT(*) FROM return_order") == 1
    # The last unit may still come back, as an exchange, with its own code.
    assert _open(db_url, badge, order, f"{fl.sku(1)}:1", how="--exchange") == 0
    second = json.loads(capsys.readouterr().out)["rma"]
    assert second != rma
    assert _open(db_url, badge, order, f"{fl.sku(2)}:1") == 2
    assert "1 shipped, 1 already returned, 0 left" in capsys.readouterr().err
    assert scalar(station.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'return_opened'") == 2


def test_refused_without_a_badge_for_an_unknown_sku_reason_or_order(
    station: Station, db_url: str, capsys: pytest.CaptureFixture[str], wms_pin: str
):
    fl = station.floor
    (order,) = ship(station, [(1, 1)])
    with station.db.transaction() as s:
        badge = f.cli_user(s, "desk", "packer")
    assert _open(db_url, [], order, f"{fl.sku(1)}:1") == 6
    assert "--badge" in capsys.readouterr().err
    assert _open(db_url, badge, order, f"{fl.sku(2)}:1") == 2
    assert "is not on order" in capsys.readouterr().err
    assert _open(db_url, badge, "SO-9999999", f"{fl.sku(1)}:1") != 0
    assert "no order" in capsys.readouterr().err
    assert _open(db_url, badge, order, f"{fl.sku(1)}:0") == 2
    assert "SKU:QTY" in capsys.readouterr().err
    args = ["returns", "open", "--order", order, "--line", f"{fl.sku(1)}:1", "--refund"]
    assert main([*args, "--reason", "bored", "--database", db_url, *badge]) == 2
    assert "unknown reason code" in capsys.readouterr().err
    assert main(["returns", "show", "RMA-0000404", "--database", db_url]) != 0
    assert "no return" in capsys.readouterr().err
    assert scalar(station.db, "SELECT COUNT(*) FROM return_order") == 0


def test_an_order_not_shipped_or_past_its_window_cannot_be_returned(station: Station):
    fl = station.floor
    (order,) = ship(station, [(1, 1)])
    waiting = fl.order([(2, 1)])
    line = [(fl.sku(1), 1)]
    with pytest.raises(ValidationError, match="has not shipped"):
        open_return(
            station.db,
            station.packer,
            order=waiting,
            lines=[(fl.sku(2), 1)],
            reason="changed_mind",
            resolution="refund",
        )
    late = utcnow() + timedelta(days=15)
    with pytest.raises(ValidationError, match="window of 14 days for web orders"):
        open_return(
            station.db,
            station.packer,
            order=order,
            lines=line,
            reason="changed_mind",
            resolution="refund",
            now=late,
            windows={"web": 14},
        )
    done = open_return(
        station.db,
        station.packer,
        order=order,
        lines=line,
        reason="changed_mind",
        resolution="refund",
        now=late,
        windows={"web": 30},
    )
    assert show_return(station.db, done.rma)["status"] == "open"


def test_concurrent_opens_cannot_take_back_more_than_shipped(station: Station):
    fl = station.floor
    (order,) = ship(station, [(1, 2)])
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def desk() -> None:
        barrier.wait()
        try:
            open_return(
                station.db,
                station.packer,
                order=order,
                lines=[(fl.sku(1), 1)],
                reason="wrong_size",
                resolution="refund",
            )
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")

    threads = [threading.Thread(target=desk) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "ok", "refused", "refused"]
    assert scalar(station.db, "SELECT SUM(qty) FROM return_line") == 2


def test_hostile_text_in_the_note_is_stored_as_written_and_shown_as_text(
    station: Station, db_url: str, capsys: pytest.CaptureFixture[str], wms_pin: str
):
    fl = station.floor
    (order,) = ship(station, [(1, 1)])
    with station.db.transaction() as s:
        badge = f.cli_user(s, "desk", "packer")
    hostile = "[bold red]REFUND ALL[/] <script>x</script> '); DROP TABLE return_order;--"
    args = ["returns", "open", "--order", order, "--line", f"{fl.sku(1)}:1", "--refund"]
    args += ["--reason", "other", "--note", hostile, "--json", "--database", db_url, *badge]
    assert main(args) == 0
    rma = json.loads(capsys.readouterr().out)["rma"]
    assert main(["returns", "show", rma, "--json", "--database", db_url]) == 0
    assert json.loads(capsys.readouterr().out)["note"] == hostile
    assert main(["returns", "show", rma, "--database", db_url]) == 0
    assert f"note: {hostile}" in capsys.readouterr().out
    # Control characters (an escape sequence) are refused with a message, nothing written.
    args[args.index(hostile)] = "fine\x1b[2Jgone"
    assert main(args) == 2
    assert "control characters" in capsys.readouterr().err
    assert scalar(station.db, "SELECT COUNT(*) FROM return_order") == 1


def test_the_return_label_carries_the_rma_and_the_customer_is_told_the_code(
    station: Station, db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    fl = station.floor
    (order,) = ship(station, [(1, 1)])
    rma = open_return(
        station.db,
        station.packer,
        order=order,
        lines=[(fl.sku(1), 1)],
        reason="wrong_item",
        resolution="refund",
    ).rma
    out = tmp_path / "label.pdf"
    assert main(["returns", "label", rma, "--out", str(out), "--database", db_url]) == 0
    page = "".join(p.extract_text() for p in PdfReader(out).pages)
    assert rma in page and order in page and "Customer T00001" in page
    with station.db.reading() as s:
        (note,) = [n for n in s.exec(select(Notification)) if n.kind == "return_authorised"]
    assert note.recipient_email == "t00001@example.com" and rma in note.body
    assert main(["returns", "label", "RMA-0000404", "--out", str(out), "--database", db_url]) != 0
    assert "no return" in capsys.readouterr().err


def test_an_open_return_nothing_came_of_is_cancelled_and_its_units_may_come_back_again(
    station: Station, db_url: str, capsys: pytest.CaptureFixture[str], wms_pin: str
):
    fl = station.floor
    (order,) = ship(station, [(1, 1)])
    with station.db.transaction() as s:
        badge = f.cli_user(s, "desk", "packer")
    assert _open(db_url, badge, order, f"{fl.sku(1)}:1") == 0
    rma = json.loads(capsys.readouterr().out)["rma"]
    assert _open(db_url, badge, order, f"{fl.sku(1)}:1") == 2
    capsys.readouterr()
    cancel = ["returns", "cancel", rma, "--database", db_url, *badge]
    assert main([*cancel, "--note", ""]) == 2
    assert "say why" in capsys.readouterr().err
    assert main([*cancel, "--note", "parcel never came"]) == 0
    assert show_return(station.db, rma)["status"] == "cancelled"
    assert main([*cancel, "--note", "again"]) == 2
    assert "only an open return is cancelled" in capsys.readouterr().err
    assert _open(db_url, badge, order, f"{fl.sku(1)}:1") == 0
