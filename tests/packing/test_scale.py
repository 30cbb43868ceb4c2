"""A serial scale read through a pseudo-terminal pair (the scale writes on one side, the
station reads the other with pyserial): stable readings only, units converted, a scale that
says nothing leaves the packer to key the weight in; the pack flow closes with its weight."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import pytest

from wms_terminal.core.errors import ConfigurationError
from wms_terminal.packing.flow import PackFlow
from wms_terminal.packing.scale import Reading, SerialScale, parse_reading

from .conftest import Station


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("ST,GS,+  0.512kg", Reading(512, True)),
        ("US,GS,+  0.498kg", Reading(498, False)),
        ("S S      512 g", Reading(512, True)),
        ("S D      511 g", Reading(511, False)),
        ("+0001.25 lb", Reading(567, True)),
        ("   3.5 oz", Reading(99, True)),
        ("ST,GS,-  0.010kg", Reading(-10, True)),
        ("ES", None),
        ("", None),
        ("9" * 80 + " g", None),
    ],
)
def test_scale_lines(line: str, want: Reading | None):
    assert parse_reading(line) == want


@pytest.fixture
def pty_scale() -> Iterator[tuple[int, SerialScale]]:
    master, slave = os.openpty()
    scale = SerialScale(os.ttyname(slave))
    yield master, scale
    scale.close()
    os.close(master)
    os.close(slave)


def _send(master: int, *lines: bytes, gap: float = 0.05) -> threading.Thread:
    def run() -> None:
        time.sleep(0.1)
        for line in lines:
            os.write(master, line + b"\r\n")
            time.sleep(gap)

    t = threading.Thread(target=run)
    t.start()
    return t


def test_a_settling_package_is_read_when_it_is_steady(pty_scale: tuple[int, SerialScale]):
    master, scale = pty_scale
    t = _send(master, b"US,GS,+  0.300kg", b"ST,GS,+  0.505kg", b"ST,GS,+  0.512kg",
              b"ST,GS,+  0.512kg")  # fmt: skip
    assert scale.read_grams(3.0) == 512
    t.join()


def test_a_silent_or_unsteady_scale_gives_no_weight(pty_scale: tuple[int, SerialScale]):
    master, scale = pty_scale
    t = _send(master, b"US,GS,+  0.300kg", b"garbage \x00\xff", b"US,GS,+  0.301kg")
    assert scale.read_grams(0.6) is None
    t.join()


def test_a_missing_port_is_a_clear_configuration_error():
    with pytest.raises(ConfigurationError, match="cannot open the scale"):
        SerialScale("/dev/no-such-scale")


def test_the_flow_closes_with_the_scales_weight(station: Station, pty_scale):
    master, scale = pty_scale
    fl = station.floor
    fl.order([(2, 1)])
    (tote,) = station.pick_all()
    flow = PackFlow(station.db, station.packer, scale=scale)
    flow.scan(tote)
    flow.scan(fl.gtin(2))
    v = flow.scan("BOX-S")
    assert v.expect == "weight" and v.expected_kg == (102 + 150) / 1000
    t = _send(master, b"ST,GS,+  0.255kg", b"ST,GS,+  0.255kg")
    v = flow.weigh(timeout=3.0)
    t.join()
    assert v.expect == "label", v.error
    assert v.data["sscc"]


def test_the_last_unit_scanned_closes_the_package_with_the_scale(station: Station, pty_scale):
    master, scale = pty_scale
    fl = station.floor
    fl.order([(2, 2)])
    (tote,) = station.pick_all()
    flow = PackFlow(station.db, station.packer, scale=scale, auto_close=True)
    flow.scan(tote)
    v = flow.scan(fl.gtin(2))
    assert v.expect == "product"
    t = _send(master, b"ST,GS,+  0.244kg", b"ST,GS,+  0.244kg")  # 2 x 102 g + the mailer's 40
    v = flow.scan(fl.gtin(2))
    t.join()
    assert v.expect == "label" and v.barcode == v.data["sscc"], v.error
    assert v.data["order_status"] == "packed"
    # A silent scale leaves the weight to the packer, the box already taken.
    fl.order([(3, 1)])
    (tote,) = station.pick_all()
    flow.scan(v.barcode)
    flow.scan(tote)
    v = flow.scan(fl.gtin(3))
    assert v.expect == "weight" and "no steady weight" in v.message and v.expected_kg
