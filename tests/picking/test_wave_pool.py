"""The desk's order pool read: the filter choices, a preview's orders in the wave's own order
(flagged orders first) with their flags, lines and units, and the map of the preview."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from wms_terminal.core.errors import ValidationError
from wms_terminal.picking.wave_map import preview_map
from wms_terminal.picking.wave_pool import parse_cutoff, pool_options, preview
from wms_terminal.picking.wave_selection import WaveFilter

from .conftest import WH, Floor


def test_the_pool_offers_what_the_filters_can_be(floor: Floor) -> None:
    floor.order([(1, 1)])
    options = pool_options(floor.db)
    assert options.warehouses == (WH,)
    assert options.zones == {WH: ("A", "B")}
    assert options.flags == ("GIFT", "REPLACEMENT", "VIP")
    assert "web" in options.channels and options.releasable_orders == 1


def test_a_preview_lists_its_orders_and_maps_its_picks(floor: Floor) -> None:
    plain = floor.order([(3, 2)])
    vip = floor.order([(1, 1), (5, 3)], flags=("VIP",))
    p = preview(floor.db, WaveFilter(warehouse=WH), strategy="per-order")
    assert [o.number for o in p.orders] == [vip, plain]  # VIP first, as the wave takes them
    first = p.orders[0]
    assert (first.flags, first.lines, first.units, first.channel) == (("VIP",), 2, 4, "web")
    assert set(p.plan.travel_m) == {"optimal", "s-shape", "largest-gap", "combined"}
    view = preview_map(p)
    assert len(view.lists) == p.plan.pick_lists == 2
    assert sorted(view.points) == sorted(p.points())
    assert len(view.points) == p.plan.picks == 3
    only_vip = preview(floor.db, WaveFilter(warehouse=WH, flags=("VIP",)))
    assert [o.number for o in only_vip.orders] == [vip]


def test_a_cutoff_is_a_date_or_a_date_time() -> None:
    assert parse_cutoff("") is None
    assert parse_cutoff("2026-12-01") == datetime(2026, 12, 1, 23, 59, 59, 999999, tzinfo=UTC)
    assert parse_cutoff("2026-12-01T14:00") == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    with pytest.raises(ValidationError, match="not an ISO date"):
        parse_cutoff("friday")
