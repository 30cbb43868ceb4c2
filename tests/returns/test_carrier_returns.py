"""The carrier's return service: a return of an order shipped by a carrier with a return
service gets a return tracking number from that carrier's number range, printed as Code 128 on
the return label, told in the RMA e-mail, shown by `returns show`, and found by the returns
station when the parcel comes back with only that label. A carrier without a return service:
our own label with the RMA only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from stdnum import luhn

from tests import factories as f
from tests.documents.test_documents import decoded
from tests.scanning.test_labels_roundtrip import needs_poppler
from wms_terminal.cli import main
from wms_terminal.core.models._base import utcnow
from wms_terminal.core.returns import Grade
from wms_terminal.documents.return_label import return_label_pdf
from wms_terminal.notices.outbox import claim_due
from wms_terminal.notices.templates import render
from wms_terminal.packing.rates import choose
from wms_terminal.returns.flow import Expect, ReturnsFlow
from wms_terminal.returns.rma import open_return, return_label, show_return

from .conftest import Station, ship


def _carrier_of(station: Station, order: str) -> str:
    with station.db.reading() as s:
        return str(
            s.execute(
                text(
                    "SELECT c.code FROM shipment sh JOIN carrier_service cs "
                    "ON cs.id = sh.carrier_service_id JOIN carrier c ON c.id = cs.carrier_id "
                    "JOIN sales_order so ON so.id = sh.order_id WHERE so.number = :o"
                ),
                {"o": order},
            ).scalar_one()
        )


@needs_poppler
def test_a_return_gets_the_carriers_return_tracking_on_label_mail_and_station(
    station: Station,
    db_url: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    wms_pin: str,
) -> None:
    fl = station.floor
    (order,) = ship(station, [(1, 3)])
    carrier = _carrier_of(station, order)
    # The desk's command prints it.
    with station.db.transaction() as s:
        badge = f.cli_user(s, "desk", "packer")
    args = ["returns", "open", "--order", order, "--line", f"{fl.sku(1)}:1", "--reason"]
    assert main([*args, "late", "--refund", "--json", "--database", db_url, *badge]) == 0
    first = json.loads(capsys.readouterr().out)["return_tracking"]
    assert first.startswith(carrier) and luhn.is_valid(first[len(carrier) :])
    opened = open_return(
        station.db,
        station.packer,
        order=order,
        lines=[(fl.sku(1), 2)],
        reason="damaged",
        resolution="refund",
    )
    tracking = opened.return_tracking
    # The carrier's code, 11 digits of its own range, a Luhn check digit.
    assert tracking.startswith(carrier) and len(tracking) == len(carrier) + 12
    assert luhn.is_valid(tracking[len(carrier) :])
    with station.db.reading() as s:
        outbound = s.execute(text("SELECT tracking_number FROM package")).scalars().all()
    assert tracking not in outbound and tracking != first  # the same range, never twice

    shown = show_return(station.db, opened.rma)
    assert shown["return_tracking"] == tracking and shown["return_service"] == f"{carrier}-RET"

    # The label: both barcodes decode, and the carrier's return service is named.
    label = return_label(station.db, opened.rma)
    assert label.tracking == tracking and label.service in ("DHL Retoure", "UPS Returns")
    codes = {code for code, _ in decoded(return_label_pdf(label), tmp_path)}
    assert {tracking, opened.rma} <= codes

    # The RMA e-mail tells it.
    with station.db.reading() as s:
        body, data = s.execute(
            text(
                "SELECT body, data FROM notification WHERE kind = 'return_authorised' "
                "ORDER BY id DESC LIMIT 1"
            )
        ).one()
    assert tracking in body
    assert (json.loads(data) if isinstance(data, str) else data)["return_tracking"] == tracking
    claimed = [n for n in claim_due(station.db, "t") if n.kind == "return_authorised"][-1]
    mail = render(claimed, sender="shop@example.com")
    plain = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert f"its return tracking number is {tracking}." in " ".join(plain.split())
    assert f"<code>{tracking}</code>" in html and label.carrier in plain

    # The parcel comes back with only the carrier's label: the station finds the return by it.
    flow = ReturnsFlow(station.db, station.packer)
    view = flow.scan(tracking)
    assert view.expect == Expect.PRODUCT, view.error
    for _ in range(2):
        assert flow.scan(fl.gtin(1)).expect == Expect.GRADE
        assert not flow.scan(Grade.RESELL).error
    assert show_return(station.db, opened.rma)["status"] == "received"

    # The command line shows it too.
    assert main(["returns", "show", opened.rma, "--json", "--database", db_url]) == 0
    assert json.loads(capsys.readouterr().out)["return_tracking"] == tracking


def test_return_services_are_never_chosen_for_outbound_packages(station: Station) -> None:
    with station.db.reading() as s:
        flagged = s.execute(
            text("SELECT code FROM carrier_service WHERE is_return ORDER BY code")
        ).scalars()
        assert list(flagged) == ["DHL-RET", "UPS-RET"]  # the demo's carriers, one each
        for weight in (500, 5_000, 25_000):
            for country in ("NL", "DE", "US"):
                picked = choose(
                    s,
                    origin="NL",
                    destination=country,
                    weight_g=weight,
                    currency="EUR",
                    now=utcnow(),
                )
                assert not picked.service.endswith("-RET")


def test_a_carrier_without_a_return_service_leaves_our_own_label(
    station: Station, tmp_path: Path
) -> None:
    fl = station.floor
    (order,) = ship(station, [(1, 1)])
    with station.db.transaction() as s:
        s.execute(text("UPDATE carrier_service SET is_return = false"))
    opened = open_return(
        station.db,
        station.packer,
        order=order,
        lines=[(fl.sku(1), 1)],
        reason="wrong_item",
        resolution="refund",
    )
    assert opened.return_tracking == ""
    assert show_return(station.db, opened.rma)["return_tracking"] is None
    label = return_label(station.db, opened.rma)
    assert label.tracking == "" and label.carrier == ""
    with station.db.reading() as s:
        body = s.execute(
            text("SELECT body FROM notification WHERE kind = 'return_authorised'")
        ).scalar_one()
    assert f"Please write {opened.rma} on the parcel" in body
