"""Four stations closing packages at the same moment: every package gets its own SSCC and
tracking number, the SSCC counter moves by exactly the packages closed (none lost, none twice),
on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading

from sqlalchemy import text

from tests.picking.helpers import rows, scalar
from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database, make_engine
from wms_terminal.core.invariants import check
from wms_terminal.packing import close, service
from wms_terminal.packing.reading import order_id_by_number
from wms_terminal.scanning import gs1

from .conftest import Station

STATIONS = 4
PER_STATION = 3


def test_four_stations_close_at_once_and_no_sscc_is_given_twice(station: Station, db_url: str):
    fl = station.floor
    orders = [fl.order([((n % 6) + 1, 1)]) for n in range(STATIONS * PER_STATION)]
    station.pick_all()
    with station.db.reading() as s:
        ids = [order_id_by_number(s, o) for o in orders]
    for n, oid in enumerate(ids):
        product = (n % 6) + 1
        r = service.verify(station.db, station.packer, scan_id=f"v{n}", order_id=oid,
                           raw=fl.gtin(product), symbology=None)  # fmt: skip
        assert r.accepted, r
    barrier = threading.Barrier(STATIONS)
    failures: list[str] = []

    def work(k: int) -> None:
        db = Database(make_engine(db_url))  # each station its own connections
        actor = Actor(station.packer.user_id, "penny", "packer", terminal=f"PACK-{k}")
        try:
            barrier.wait()
            for oid in ids[k::STATIONS]:
                with db.reading() as s:
                    weight = 100 + int(
                        s.execute(
                            text(
                                "SELECT p.weight_g FROM order_line ol JOIN product p "
                                "ON p.id = ol.product_id WHERE ol.order_id = :o"
                            ),
                            {"o": oid},
                        ).scalar_one()
                    )
                r = close.close(db, actor, scan_id=f"c{oid}", order_id=oid, box="BOX-S",
                                weight_g=weight + 50)  # fmt: skip
                if not r.accepted:
                    failures.append(r.message)
        finally:
            db.dispose()

    threads = [threading.Thread(target=work, args=(k,)) for k in range(STATIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures
    got = rows(station.db, "SELECT sscc, tracking_number, status FROM package")
    assert len(got) == len(orders) and {st for _, _, st in got} == {"closed"}
    ssccs = [s for s, _, _ in got]
    assert len(set(ssccs)) == len(ssccs) and all(gs1.check_digit_ok(s) for s in ssccs)
    assert len({t for _, t, _ in got}) == len(got)
    assert scalar(station.db, "SELECT value FROM counter WHERE name LIKE 'sscc:%'") == len(orders)
    assert scalar(station.db, "SELECT COUNT(*) FROM print_job") == 2 * len(orders)
    assert check(station.db) == []
