"""`wms-terminal payment-events`: a manager sees the refunds waiting for the payment provider,
and walks a failed one back to pending and to sent; others may not."""

from __future__ import annotations

import json

import pytest

from tests import factories as f
from tests.packing.conftest import Station
from tests.returns.conftest import ship
from wms_terminal.cli import main
from wms_terminal.core.errors import InvalidTransition, PermissionDenied
from wms_terminal.returns.flow import ReturnsFlow
from wms_terminal.returns.refund import issue_refund
from wms_terminal.returns.rma import open_return


def test_list_fail_retry_and_pay_a_refund(
    station: Station, db_url: str, wms_pin: str, capsys: pytest.CaptureFixture[str]
):
    fl = station.floor
    (order,) = ship(station, [(1, 1)])
    rma = open_return(
        station.db, station.packer, order=order, lines=[(fl.sku(1), 1)], reason="damaged",
        resolution="refund",
    ).rma  # fmt: skip
    flow = ReturnsFlow(station.db, station.packer)
    for code in (rma, fl.gtin(1), "resell"):
        assert not flow.scan(code).error
    issue_refund(station.db, station.packer, rma)
    with station.db.transaction() as s:
        boss = f.cli_user(s, "mia", "manager")
        picker = f.cli_user(s, "pip", "picker")
    base = ["--database", db_url]

    assert main(["payment-events", "list", "--status", "pending", "--json", *base]) == 0
    (pending,) = json.loads(capsys.readouterr().out)["payment_events"]
    assert (pending["id"], pending["order"], pending["amount"], pending["credit_note"]) == (
        1,
        order,
        "10.00",
        "CN-0000001",
    )
    assert main(["payment-events", "ack", "1", "--failed", "account closed", *base, *picker]) == (
        PermissionDenied("").exit_code
    )
    assert "may not settle payments" in capsys.readouterr().err
    assert main(["payment-events", "ack", "1", "--failed", "account closed", *base, *boss]) == 0
    assert "failed" in capsys.readouterr().out
    assert main(["payment-events", "list", *base]) == 0
    assert "provider: account closed" in capsys.readouterr().out
    assert main(["payment-events", "ack", "1", "--sent", *base, *boss]) == (
        InvalidTransition("").exit_code
    )
    assert "retry it first" in capsys.readouterr().err
    assert main(["payment-events", "retry", "1", *base, *boss]) == 0
    assert "payment event 1 pending" in capsys.readouterr().out
    assert main(["payment-events", "ack", "1", "--sent", "--json", *base, *boss]) == 0
    done = json.loads(capsys.readouterr().out)
    assert done["status"] == "sent" and done["sent_at"] and done["last_error"] == "account closed"
    assert main(["payment-events", "list", "--status", "pending", *base]) == 0
    assert "no payment events" in capsys.readouterr().out
