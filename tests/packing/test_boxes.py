"""Box suggestion: every placement is inside its box with no two units overlapping, the box is
the smallest that can hold the units (checked against an exhaustive search on small instances),
and orders too big for one box are split."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from wms_terminal.packing.boxes import Box, Item, Packed, Placed, pack, smallest, suggest

DEMO = (
    Box("MAILER", 330, 250, 50, 2000, 40),
    Box("BOX-S", 250, 180, 100, 5000, 150),
    Box("BOX-M", 350, 250, 200, 12000, 320),
    Box("BOX-L", 500, 350, 300, 20000, 560),
    Box("BOX-XL", 600, 400, 400, 30000, 850),
)


def assert_valid(p: Packed, items: list[Item]) -> None:
    """Inside the box, no overlap, each unit once in one of its orientations, within weight."""
    b = p.box
    for q in p.placed:
        assert q.x >= 0 and q.y >= 0 and q.z >= 0, q
        assert q.x + q.dx <= b.length and q.y + q.dy <= b.width and q.z + q.dz <= b.height, q
    for a, c in itertools.combinations(p.placed, 2):
        assert not a.overlaps(c), (a, c)
    want = sorted((i.key, tuple(sorted((i.length, i.width, i.height)))) for i in items)
    got = sorted((q.key, tuple(sorted((q.dx, q.dy, q.dz)))) for q in p.placed)
    assert got == want
    assert p.weight_g == sum(i.weight_g for i in items) + b.tare_g <= b.max_weight_g


def brute_fits(box: Box, items: list[Item]) -> bool:
    """Every integer position and orientation of every unit (small integer sizes only)."""
    if sum(i.weight_g for i in items) + box.tare_g > box.max_weight_g:
        return False

    def go(k: int, placed: list[Placed]) -> bool:
        if k == len(items):
            return True
        it = items[k]
        for dx, dy, dz in set(itertools.permutations((it.length, it.width, it.height))):
            for x in range(box.length - dx + 1):
                for y in range(box.width - dy + 1):
                    for z in range(box.height - dz + 1):
                        c = Placed(it.key, x, y, z, dx, dy, dz)
                        if not any(c.overlaps(p) for p in placed) and go(k + 1, [*placed, c]):
                            return True
        return False

    return go(0, [])


def test_a_flat_item_goes_into_the_mailer_turned_on_its_side():
    book = Item("BOOK", 40, 240, 160, 600)  # standing up it fits nothing small
    got = smallest(DEMO, [book])
    assert got is not None and got.box.code == "MAILER"
    assert_valid(got, [book])
    (q,) = got.placed
    assert q.dz == 40  # laid flat


def test_volume_alone_would_choose_a_box_the_units_do_not_fit_in():
    # A rod has little volume: only its length decides (the mailer is 330 mm, BOX-S 250 mm).
    rod = Item("ROD", 300, 30, 30, 300)
    assert rod.volume < DEMO[1].volume
    got = smallest(DEMO, [rod])
    assert got is not None and got.box.code == "MAILER"  # 330 long: it lies along it
    long_rod = Item("ROD2", 340, 30, 30, 300)
    got = smallest(DEMO, [long_rod])
    assert got is not None and got.box.code == "BOX-M"
    assert_valid(got, [long_rod])


def test_weight_limit_decides_before_size():
    lead = [Item("LEAD", 50, 50, 50, 1500) for _ in range(2)]  # small, 3 kg
    got = smallest(DEMO, lead)
    assert got is not None and got.box.code == "BOX-S"  # the mailer carries 2 kg
    assert_valid(got, lead)


def test_an_order_no_box_holds_is_split_into_several_valid_packages():
    items = [Item(f"B{n}", 550, 380, 380, 8000) for n in range(3)]  # one per XL box
    got = suggest(DEMO, items)
    assert got.box_codes == ("BOX-XL",) * 3
    for p in got.packages:
        assert_valid(p, [i for i in items if i.key in {q.key for q in p.placed}])
    heavy = [Item("H", 100, 100, 100, 7000) for _ in range(6)]  # 42 kg
    got = suggest(DEMO, heavy)
    assert sum(len(p.placed) for p in got.packages) == 6 and len(got.packages) >= 2
    for p in got.packages:
        assert_valid(p, [heavy[0]] * len(p.placed))
        assert p.box == smallest(DEMO, [heavy[0]] * len(p.placed)).box  # type: ignore[union-attr]


def test_a_unit_bigger_than_every_box_is_reported_not_lost():
    sofa = Item("SOFA", 2000, 900, 800, 40000)
    cup = Item("CUP", 100, 100, 100, 300)
    got = suggest(DEMO, [sofa, cup])
    assert got.unplaceable == (sofa,)
    assert got.box_codes == ("BOX-S",)  # the cup, 100 mm high: too tall for the mailer


def test_many_units_are_packed_quickly_and_validly():
    items = [Item(f"S{n % 4}", 60 + n % 4 * 10, 50, 40, 150) for n in range(40)]
    got = suggest(DEMO, items)
    assert sum(len(p.placed) for p in got.packages) == 40
    for p in got.packages:
        keys = [q.key for q in p.placed]
        assert_valid(p, [next(i for i in items if i.key == k) for k in keys])


SMALL_BOXES = (
    Box("A", 2, 2, 1, 50),
    Box("B", 3, 2, 2, 50),
    Box("C", 3, 3, 2, 50),
    Box("D", 4, 3, 3, 50),
    Box("E", 4, 4, 4, 50),
)
dim = st.integers(1, 3)
items_st = st.lists(
    st.builds(lambda a, b, c, w: Item("I", a, b, c, w), dim, dim, dim, st.integers(1, 25)),
    min_size=1,
    max_size=3,
)


@settings(max_examples=120, deadline=None)
@given(items=items_st)
def test_the_suggested_box_is_the_smallest_an_exhaustive_search_finds(items: list[Item]):
    items = [Item(f"I{n}", i.length, i.width, i.height, i.weight_g) for n, i in enumerate(items)]
    want = next((b for b in SMALL_BOXES if brute_fits(b, items)), None)
    got = smallest(SMALL_BOXES, items)
    if want is None:
        assert got is None
        return
    assert got is not None and got.box == want
    assert_valid(got, items)


@settings(max_examples=80, deadline=None)
@given(items=items_st, box=st.sampled_from(SMALL_BOXES))
def test_pack_agrees_with_the_exhaustive_search(items: list[Item], box: Box):
    items = [Item(f"I{n}", i.length, i.width, i.height, i.weight_g) for n, i in enumerate(items)]
    placed = pack(box, items)
    assert (placed is not None) == brute_fits(box, items)
    if placed is not None:
        assert_valid(Packed(box, placed, sum(i.weight_g for i in items) + box.tare_g), items)
