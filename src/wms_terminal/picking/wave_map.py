"""What the floor map shows: a wave's picks on the warehouse layout and each pick list's stops in
route order, for a previewed wave (`wave_pool.Preview`) or a released one (its open picks)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import text

from wms_terminal.core.db import Database
from wms_terminal.core.errors import NotFound
from wms_terminal.core.models import Warehouse
from wms_terminal.picking.layout import Layout, PickPoint
from wms_terminal.picking.wave_batching import clamp, layout_of
from wms_terminal.picking.wave_pool import Preview


@dataclass(frozen=True)
class MapList:
    label: str
    points: tuple[PickPoint, ...]  # route order
    route_m: float


@dataclass(frozen=True)
class MapView:
    title: str
    layout: Layout
    lists: tuple[MapList, ...]

    @property
    def points(self) -> list[PickPoint]:
        return [p for ml in self.lists for p in ml.points]


def preview_map(preview: Preview) -> MapView:
    lists = tuple(
        MapList(str(n), tuple(preview.points(n - 1)), rl.route_length_m)
        for n, rl in enumerate(preview.plan.lists, start=1)
    )
    return MapView(f"Preview: {preview.plan.orders} order(s)", preview.layout, lists)


_OPEN_PICKS = (
    "SELECT pl.id, pl.route_length_m, l.aisle, l.bay FROM pick_list pl "
    "JOIN pick_task pt ON pt.pick_list_id = pl.id JOIN location l ON l.id = pt.location_id "
    "WHERE pl.wave_id = :w AND pl.status IN ('open', 'claimed') AND pt.status = 'open' "
    "ORDER BY pl.id, pt.seq, pt.id"
)


def released_map(db: Database, number: str) -> MapView:
    """A released wave's picks still to do, per live pick list in route order."""
    with db.reading() as s:
        row = s.execute(
            text("SELECT id, warehouse_id FROM wave WHERE number = :n"), {"n": number.strip()}
        ).first()
        if row is None:
            raise NotFound(f"no wave {number.strip()[:20]!r}")
        wh = s.get(Warehouse, row[1])
        layout = layout_of(wh.layout if wh else None, warehouse=wh.code if wh else "")
        points: dict[int, list[PickPoint]] = defaultdict(list)
        metres: dict[int, float] = {}
        for list_id, route_m, aisle, bay in s.execute(text(_OPEN_PICKS), {"w": row[0]}):
            points[int(list_id)].append(clamp(layout, int(aisle), int(bay)))
            metres[int(list_id)] = float(route_m or 0.0)
    lists = tuple(MapList(str(i), tuple(points[i]), metres[i]) for i in sorted(points))
    return MapView(f"{number.strip()}: open picks", layout, lists)
