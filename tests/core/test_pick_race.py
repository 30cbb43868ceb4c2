"""Two terminals picking the same reservation at once: it is taken once, never twice."""

from __future__ import annotations

import threading

from sqlmodel import select

from tests import factories as f
from wms_terminal.core.auth import SYSTEM
from wms_terminal.core.db import Database
from wms_terminal.core.errors import WmsError
from wms_terminal.core.intake import import_orders
from wms_terminal.core.models import Reservation, Stock
from wms_terminal.core.shelf_pick import pick


def test_the_same_reservation_is_picked_once(db: Database) -> None:
    with db.transaction() as s:
        f.reference_data(s)
        wh = f.warehouse(s, "MAIN", 52.0, 4.5)
        p = f.product(s, 1)
        f.put(s, f.location(s, wh, 1, 1), p, 10)
    import_orders(
        db, [f.order("R1", [("SKU-00001", 2)]), f.order("R2", [("SKU-00001", 3)])], actor=SYSTEM
    )
    with db.reading() as s:
        first = s.exec(select(Reservation).order_by(Reservation.id)).first()  # type: ignore[arg-type]
        assert first is not None and first.id is not None and first.qty == 2
        rid = first.id

    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def worker() -> None:
        barrier.wait()
        try:
            db.run(lambda s: pick(s, reservation_id=rid, qty=2, actor=SYSTEM))
            outcomes.append("picked")
        except WmsError as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert outcomes.count("picked") == 1, outcomes
    with db.reading() as s:
        stock = s.exec(select(Stock)).one()
        other = s.exec(select(Reservation).where(Reservation.id != rid)).one()
    # Two units left the shelf; the other order's three stay reserved.
    assert (stock.on_hand, stock.reserved, other.qty) == (8, 3, 3)
