"""Shared fixtures for the scanning tests: the real photographs and a migrated SQLite warehouse."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.conftest import IN_CI

REPO = Path(__file__).resolve().parents[2]
TESTDATA = Path(
    os.environ.get("WMS_BARCODE_TESTDATA", REPO.parent / "shared" / "testdata" / "barcodes")
)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


@dataclass(frozen=True)
class Photo:
    path: Path
    expected: str | None  # None: a false-positive image, nothing may be read

    @property
    def name(self) -> str:
        return str(self.path.relative_to(TESTDATA))


def photos() -> list[Photo]:
    out: list[Photo] = []
    for path in sorted(TESTDATA.rglob("*")):
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            continue
        if path.parent.name.startswith("falsepositives"):
            out.append(Photo(path, None))
        elif path.with_suffix(".txt").exists():
            text = path.with_suffix(".txt").read_bytes().decode("utf-8", "replace")
            out.append(Photo(path, text))
    return out


@pytest.fixture(scope="session")
def real_photos() -> list[Photo]:
    if not TESTDATA.is_dir():
        reason = f"barcode photographs not found at {TESTDATA} (set WMS_BARCODE_TESTDATA)"
        if IN_CI:
            pytest.fail(f"{reason}; CI has shared/ beside the clone and must read them")
        pytest.skip(reason)
    return photos()


@dataclass(frozen=True)
class Floor:
    url: str
    locations: tuple[str, ...]  # barcodes of active locations, warehouse MAIN
    totes: tuple[str, ...]
    badges: dict[str, str]  # badge code -> name


def _id(value: int | None) -> int:
    assert value is not None
    return value


@pytest.fixture()
def floor(tmp_path: Path) -> Iterator[Floor]:
    """A small warehouse in a migrated SQLite file: 2 warehouses, zones, locations, totes, users."""
    from wms_terminal.core import codes
    from wms_terminal.core.db import Database, make_engine
    from wms_terminal.core.migrate import upgrade
    from wms_terminal.core.models import Location, Tote, User, Warehouse, Zone

    url = f"sqlite:///{tmp_path / 'floor.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    db = Database(engine)
    locations: list[str] = []
    totes: list[str] = []
    badges: dict[str, str] = {}
    with db.transaction() as s:
        main = Warehouse(code="MAIN", name="Main", latitude=52.0, longitude=4.0)
        north = Warehouse(code="NORTH", name="North", latitude=53.0, longitude=5.0)
        s.add_all([main, north])
        s.flush()
        assert main.id is not None and north.id is not None
        zone_a = Zone(warehouse_id=main.id, code="A", name="Fast movers")
        zone_b = Zone(warehouse_id=main.id, code="B", name="Bulk")
        zone_n = Zone(warehouse_id=north.id, code="A", name="North A")
        s.add_all([zone_a, zone_b, zone_n])
        s.flush()
        for aisle, zone in ((1, zone_a), (2, zone_a), (3, zone_b)):
            for bay in (1, 2):
                for level, side in ((1, "L"), (2, "R")):
                    barcode = codes.location_barcode("MAIN", aisle, bay, level, side)
                    s.add(
                        Location(
                            warehouse_id=main.id,
                            zone_id=_id(zone.id),
                            code=codes.location_code(aisle, bay, level, side),
                            barcode=barcode,
                            aisle=aisle,
                            bay=bay,
                            level=level,
                            side=side,
                        )
                    )
                    locations.append(barcode)
        s.add(
            Location(
                warehouse_id=north.id,
                zone_id=_id(zone_n.id),
                code=codes.location_code(1, 1, 1, "L"),
                barcode=codes.location_barcode("NORTH", 1, 1, 1, "L"),
                aisle=1,
                bay=1,
                level=1,
                side="L",
            )
        )
        for n in range(1, 6):
            s.add(Tote(warehouse_id=main.id, code=codes.tote_code("MAIN", n)))
            totes.append(codes.tote_code("MAIN", n))
        s.add(Tote(warehouse_id=north.id, code=codes.tote_code("NORTH", 1)))
        people = [
            ("ann", "Ann <b>Ørsted</b> & [@click=app.quit]", "picker", "7Q4K9X2M"),
            ("bob", "Bob Baker", "packer", "8R5M0Y3N"),
            ("cat", "Cat Chen", "picker", "9S6N1Z4P"),
        ]
        for username, name, role, token in people:
            badge = codes.badge_code(token)
            s.add(
                User(
                    username=username,
                    name=name,
                    role=role,
                    badge_code=badge,
                    pin_hash="x",
                    warehouse_id=main.id,
                )
            )
            badges[badge] = name
    engine.dispose()
    yield Floor(url, tuple(locations), tuple(totes), badges)
