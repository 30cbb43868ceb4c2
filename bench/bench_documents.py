"""Documents benchmark: shipping labels and pick-list pages rendered per second.

Prints, for each, wall-clock throughput and throughput per CPU second of this process (the
machine may be shared: the CPU figure is what one core does):
- 4x6 shipping labels, one PDF per label as the printer worker renders them (distinct SSCCs):
  to Latin addresses (nothing embedded) and to Cyrillic/Greek ones (a DejaVu Sans subset
  embedded in each PDF); and as ZPL (target >= 350 labels/s);
- pick-list sheets of 100 lines in route order with the floor plan (3 A4 pages each),
  pages per second (target >= 150 pages/s);
- packing slips (A4, 5 lines) per second, for reference.
Run: .venv/bin/python bench/bench_documents.py
"""

from __future__ import annotations

import io
import os
import random
import time
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from pypdf import PdfReader

from wms_terminal.documents.pick_sheet import PickSheet, PickSheetLine, pick_sheet_pdf
from wms_terminal.documents.shipping_label import Address, ShippingLabel, label_pdf, label_zpl
from wms_terminal.documents.slips import PackingSlip, SlipLine, packing_slip_pdf
from wms_terminal.picking.layout import Layout, PickPoint
from wms_terminal.scanning import gs1

LABELS = 2000
SHEETS = 150
SLIPS = 300


def sscc(serial: int) -> str:
    body = f"0871234{serial:010d}"
    return next(body + d for d in "0123456789" if gs1.check_digit_ok(body + d))


def labels(*, latin: bool, cjk: bool = False) -> list[ShippingLabel]:
    """Labels to Latin addresses (the viewer's Helvetica, nothing embedded), to Cyrillic and
    Greek ones (DejaVu Sans subsets embedded in each PDF), or to Chinese ones (DejaVu Sans and
    the CJK fallback, per character, both embedded as subsets)."""
    ship_from = Address("Main warehouse", ("Hafenstraße 1", "20457 Hamburg", "DE"))
    return [
        ShippingLabel(
            sscc=sscc(i),
            tracking=f"JD01460000{i:08d}",
            carrier="DHL",
            service="Parcel Express",
            ship_from=ship_from,
            ship_to=(
                Address(f"Jane Ørsted {i}", ("Møllegade 5", "2200 København", "DK"))
                if latin
                else Address(f"王小明 {i}", ("北京市朝阳区建国路 88 号", "100022 北京", "CN"))
                if cjk
                else Address(f"Дмитрий Ørsted {i}", ("Οδός Ελένης 5", "90-001 Łódź", "PL"))
            ),
            order=f"SO-{i:06d}",
            package_no=1,
            package_count=2,
            weight_g=1200 + i % 700,
            ship_date=date(2026, 12, 1),
        )
        for i in range(1, LABELS + 1)
    ]


def sheet(seed: int) -> PickSheet:
    rnd = random.Random(seed)
    points = sorted(PickPoint(rnd.randint(1, 20), rnd.randint(1, 60)) for _ in range(100))
    return PickSheet(
        list_id=seed,
        warehouse="MAIN",
        wave="W-000001",
        strategy="batch",
        route_length_m=412.0,
        layout=Layout(20, 60, 3.0, 1.0, 3, 10),
        printed_at=datetime(2026, 12, 1, 13, 0),
        lines=tuple(
            PickSheetLine(
                i + 1,
                f"{p.aisle:02d}-{p.bay:02d}-1L",
                f"SKU-{i:05d}",
                f"Product {i} in a long name",
                rnd.randint(1, 4),
                f"SO-{i:06d}",
                i % 8 + 1,
                p,
            )
            for i, p in enumerate(points)
        ),
    )


def timed(work: Callable[[], int]) -> tuple[int, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    count = work()
    return count, time.perf_counter() - wall, time.process_time() - cpu


def report(what: str, count: int, wall: float, cpu: float, target: float | None) -> None:
    line = f"{what}: {count / wall:,.0f}/s wall, {count / cpu:,.0f}/s per CPU second"
    if target is not None:  # one core's work: the wall figure falls with the machine's load
        line += (
            f" (target >= {target:.0f}/s per core: {'met' if count / cpu >= target else 'NOT met'})"
        )
    print(line, flush=True)


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    latin, other = labels(latin=True), labels(latin=False)
    chinese = labels(latin=False, cjk=True)
    label_pdf(other[0])  # fonts registered, caches warm, outside the timing
    label_pdf(chinese[0])

    def pdfs(items: list[ShippingLabel]) -> Callable[[], int]:
        def work() -> int:
            for label in items:
                label_pdf(label)
            return len(items)

        return work

    def zpls() -> int:
        for label in other:
            label_zpl(label)
        return len(other)

    report("shipping labels, PDF, Latin addresses", *timed(pdfs(latin)), 350)
    report("shipping labels, PDF, Cyrillic/Greek addresses", *timed(pdfs(other)), 350)
    report("shipping labels, PDF, Chinese addresses", *timed(pdfs(chinese)), 350)
    report("shipping labels, ZPL", *timed(zpls), 350)

    sheets = [sheet(seed) for seed in range(1, SHEETS + 1)]
    pages_each = len(PdfReader(io.BytesIO(pick_sheet_pdf(sheets[0]))).pages)

    def pick_pages() -> int:
        for s in sheets:
            pick_sheet_pdf(s)
        return len(sheets) * pages_each

    report(f"pick-list pages (100-line lists, {pages_each} pages each)", *timed(pick_pages), 150)

    slip = PackingSlip(
        "SO-000001",
        Address("Ελένη Παπαδοπούλου", ("Οδός Ερμού 5", "105 63 Αθήνα", "GR")),
        tuple(SlipLine(f"SKU-{i}", f"Product {i}", i + 1, Decimal("9.90")) for i in range(5)),
        total=Decimal("148.50"),
    )

    def slips() -> int:
        for _ in range(SLIPS):
            packing_slip_pdf(slip)
        return SLIPS

    report("packing slips, A4", *timed(slips), None)


if __name__ == "__main__":
    main()
