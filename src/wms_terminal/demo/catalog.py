"""The demo catalogue: suppliers and products with plausible names, sizes, weights, prices and
valid GS1 barcodes, generated from a seeded random stream (pure: nothing touches the database).

Every product gets a GTIN-13 under its supplier's GS1 company prefix (Dutch range 87...), the check
digit computed with python-stdnum; about a third also get a GTIN-14 for their outer case (indicator
digit 1, `pack_qty` = units per case).

Popularity follows a Pareto-like curve: the product of rank k has weight 1 / (k + 10), so the top
20 % of products make about 70 % of the order lines (class A), the next 30 % about 20 % (class B)
and the last half the rest (class C). Rank is a random permutation of the catalogue, so fast movers
are spread over categories as in a real shop.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from stdnum import ean

PRODUCT_COUNT = 2_000


@dataclass(frozen=True)
class SupplierSpec:
    code: str
    name: str
    email: str
    lead_time_days: int
    gs1_prefix: str  # 7 digits: GS1 NL "87" + company number


@dataclass(frozen=True)
class ProductSpec:
    index: int  # 0-based position in the catalogue
    sku: str
    name: str
    category: str
    length_mm: int
    width_mm: int
    height_mm: int
    weight_g: int
    cost: Decimal
    price: Decimal  # EUR
    supplier: int  # index into the supplier list
    gtin13: str
    case_qty: int
    gtin14: str | None
    rank: int  # 1 = the most popular product
    popularity: float  # share of order lines (all products sum to 1)
    abc: str  # "A", "B" or "C"

    @property
    def volume_l(self) -> float:
        return self.length_mm * self.width_mm * self.height_mm / 1_000_000


# Item templates per category: (item, length, width, height in mm, weight in g, price EUR, variants)
_Item = tuple[str, int, int, int, int, float, tuple[str, ...]]

_CATEGORIES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], tuple[_Item, ...]]] = {
    "KIT": (
        "Kitchen",
        ("Kookwerk", "Nordvik", "Casa Lume", "Brigade"),
        ("Stoneware", "Enamel", "Bamboo", "Stainless Steel", "Glass", "Cast Iron", "Beech"),
        (
            ("Mug", 120, 90, 100, 330, 7.95, ("300 ml", "400 ml")),
            ("Serving Bowl", 240, 240, 110, 780, 19.95, ("20 cm", "24 cm", "28 cm")),
            ("Chopping Board", 380, 260, 25, 900, 24.50, ("Small", "Large")),
            ("Frying Pan", 480, 290, 90, 1450, 39.00, ("24 cm", "28 cm")),
            ("Utensil Set", 340, 110, 70, 520, 17.95, ("5 pieces", "7 pieces")),
            ("Storage Jar", 110, 110, 180, 460, 8.95, ("0.75 l", "1.2 l", "2 l")),
            ("Tea Towel", 200, 150, 20, 120, 5.95, ("Pack of 2", "Pack of 3")),
            ("Teapot", 220, 160, 170, 890, 29.95, ("0.8 l", "1.2 l")),
        ),
    ),
    "HOM": (
        "Home",
        ("Hygge & Co", "Maison Vert", "Lumo", "Fjellstue"),
        ("Linen", "Cotton", "Wool", "Rattan", "Oak", "Ceramic", "Velvet"),
        (
            ("Cushion Cover", 460, 460, 20, 210, 14.95, ("45x45 cm", "50x50 cm")),
            ("Throw Blanket", 400, 300, 80, 1100, 44.00, ("130x170 cm", "150x200 cm")),
            ("Table Lamp", 300, 300, 450, 1600, 59.00, ("Small", "Tall")),
            ("Vase", 160, 160, 280, 950, 22.50, ("20 cm", "30 cm")),
            ("Photo Frame", 250, 200, 30, 420, 12.95, ("10x15 cm", "13x18 cm", "A4")),
            ("Scented Candle", 100, 100, 110, 380, 16.95, ("Fig", "Cedar", "Linen Fresh")),
            ("Storage Basket", 350, 280, 250, 700, 27.50, ("Medium", "Large")),
            ("Wall Clock", 320, 320, 60, 880, 34.95, ("30 cm", "40 cm")),
        ),
    ),
    "GAR": (
        "Garden",
        ("Groenhof", "Verdant", "Tuinman", "Bloom Lab"),
        ("Terracotta", "Galvanised Steel", "Acacia", "Recycled Plastic", "Willow", "Zinc"),
        (
            ("Plant Pot", 220, 220, 200, 1300, 14.50, ("17 cm", "21 cm", "25 cm")),
            ("Watering Can", 450, 180, 300, 900, 21.95, ("5 l", "9 l")),
            ("Hand Trowel", 320, 90, 60, 260, 9.95, ("Standard",)),
            ("Pruning Shears", 230, 70, 30, 240, 18.95, ("Bypass", "Anvil")),
            ("Bird Feeder", 200, 200, 300, 650, 24.95, ("Hanging", "Standing")),
            ("Garden Gloves", 260, 130, 30, 110, 7.95, ("S", "M", "L", "XL")),
            ("Seed Tray", 380, 240, 60, 300, 6.50, ("24 cells", "40 cells")),
        ),
    ),
    "SPO": (
        "Sport",
        ("Stride", "Polderkracht", "Apex Motion", "Kiel"),
        ("Neoprene", "Recycled Polyester", "Cork", "Aluminium", "TPE", "Nylon"),
        (
            ("Yoga Mat", 620, 130, 130, 1200, 34.95, ("4 mm", "6 mm")),
            ("Water Bottle", 80, 80, 260, 290, 17.95, ("500 ml", "750 ml", "1 l")),
            ("Resistance Band", 200, 150, 40, 180, 12.95, ("Light", "Medium", "Heavy")),
            ("Dumbbell", 300, 110, 110, 5000, 29.95, ("2 kg", "5 kg")),
            ("Running Belt", 250, 120, 50, 140, 19.95, ("S/M", "L/XL")),
            ("Jump Rope", 180, 150, 50, 210, 9.95, ("Speed", "Weighted")),
            ("Gym Bag", 500, 280, 100, 700, 39.95, ("25 l", "40 l")),
        ),
    ),
    "TOY": (
        "Toys",
        ("Kleine Kapitein", "Pip & Pebble", "Boomhut", "Tinker Bay"),
        ("Wooden", "Felt", "Cardboard", "Plush", "Silicone", "Bioplastic"),
        (
            ("Puzzle", 300, 220, 60, 650, 14.95, ("100 pieces", "500 pieces", "1000 pieces")),
            ("Building Blocks", 350, 250, 150, 1400, 29.95, ("50 pieces", "100 pieces")),
            ("Stacking Rings", 180, 180, 220, 500, 16.95, ("Rainbow", "Pastel")),
            ("Plush Bear", 250, 180, 350, 320, 19.95, ("25 cm", "40 cm")),
            ("Board Game", 300, 300, 80, 1100, 32.50, ("Family", "Travel")),
            ("Marble Run", 400, 300, 120, 1500, 44.95, ("Starter", "Deluxe")),
            ("Bath Toy Set", 220, 150, 90, 250, 11.95, ("3 pieces", "5 pieces")),
        ),
    ),
    "OFF": (
        "Office",
        ("Papier Atelier", "Deskwise", "Inkt & Co", "Margin"),
        ("Kraft Paper", "Leather", "Recycled Cardboard", "Brass", "Acrylic", "Felt"),
        (
            ("Notebook", 215, 150, 15, 310, 12.95, ("A5 Dotted", "A5 Lined", "A4 Plain")),
            ("Desk Organiser", 260, 150, 110, 650, 24.95, ("3 Slots", "5 Slots")),
            ("Pen Set", 160, 60, 20, 90, 9.95, ("Black", "Blue", "Mixed")),
            ("Document Folder", 320, 240, 30, 280, 8.50, ("A4", "Foolscap")),
            ("Laptop Sleeve", 380, 280, 25, 340, 34.00, ('13"', '15"')),
            ("Desk Lamp", 400, 180, 180, 1250, 49.95, ("Warm White", "Cool White")),
            ("Sticky Notes", 80, 80, 60, 140, 4.95, ("Pack of 6", "Pack of 12")),
        ),
    ),
    "APP": (
        "Apparel",
        ("Noordzee", "Wadden Wear", "Field & Fog", "Stadskind"),
        ("Merino", "Organic Cotton", "Fleece", "Waxed Cotton", "Linen", "Recycled Nylon"),
        (
            ("T-Shirt", 300, 220, 20, 200, 24.95, ("S", "M", "L", "XL")),
            ("Beanie", 220, 180, 30, 90, 19.95, ("One Size",)),
            ("Socks", 200, 100, 30, 80, 9.95, ("36-40", "41-46")),
            ("Scarf", 300, 200, 40, 220, 34.95, ("Grey", "Navy", "Ochre")),
            ("Rain Jacket", 400, 300, 60, 650, 119.00, ("S", "M", "L", "XL")),
            ("Hoodie", 350, 280, 70, 600, 59.95, ("S", "M", "L", "XL")),
            ("Tote Bag", 380, 340, 20, 190, 14.95, ("Natural", "Black")),
        ),
    ),
    "TOO": (
        "Tools",
        ("Vakman", "IronRidge", "Bouwkamp", "Torq"),
        ("Chrome Vanadium", "Hardened Steel", "Fibreglass", "Rubber-Grip", "Aluminium"),
        (
            ("Screwdriver Set", 250, 120, 40, 480, 22.95, ("6 pieces", "12 pieces")),
            ("Claw Hammer", 330, 130, 35, 620, 19.95, ("450 g", "570 g")),
            ("Tape Measure", 80, 80, 45, 260, 11.95, ("5 m", "8 m")),
            ("Spirit Level", 600, 60, 25, 520, 17.50, ("40 cm", "60 cm")),
            ("Socket Set", 320, 200, 60, 1800, 49.95, ("1/4 inch", "1/2 inch")),
            ("Utility Knife", 170, 50, 25, 140, 8.95, ("Standard", "Heavy Duty")),
            ("Work Light", 200, 120, 110, 450, 29.95, ("1000 lm", "2000 lm")),
        ),
    ),
    "BEA": (
        "Beauty",
        ("Zeewier Lab", "Botanica Nord", "Dagelijks", "Soleil Clair"),
        ("Aloe", "Argan", "Oat", "Sea Salt", "Rosehip", "Charcoal"),
        (
            ("Hand Cream", 150, 50, 35, 90, 8.95, ("50 ml", "100 ml")),
            ("Shampoo Bar", 80, 80, 40, 90, 11.50, ("Normal", "Dry Hair")),
            ("Face Serum", 110, 40, 40, 110, 24.95, ("30 ml",)),
            ("Body Lotion", 200, 70, 50, 330, 13.95, ("250 ml", "400 ml")),
            ("Lip Balm", 70, 20, 20, 20, 4.50, ("Plain", "Tinted")),
            ("Bath Salts", 120, 120, 140, 650, 15.95, ("500 g", "1 kg")),
            ("Gift Set", 250, 180, 80, 600, 34.95, ("Small", "Large")),
        ),
    ),
    "PET": (
        "Pets",
        ("Snuffel", "Paw Harbour", "Trouwe Vriend", "Kitten Club"),
        ("Hemp", "Canvas", "Natural Rubber", "Sisal", "Recycled Polyester", "Ceramic"),
        (
            ("Dog Lead", 250, 150, 40, 220, 19.95, ("1.2 m", "1.8 m")),
            ("Cat Scratcher", 480, 250, 80, 1200, 24.95, ("Flat", "Wave")),
            ("Feeding Bowl", 180, 180, 70, 480, 12.95, ("S", "M", "L")),
            ("Chew Toy", 150, 70, 70, 130, 7.95, ("Bone", "Ring", "Ball")),
            ("Pet Bed", 600, 450, 150, 1500, 49.95, ("M", "L")),
            ("Treat Pouch", 160, 120, 60, 120, 9.95, ("Standard",)),
        ),
    ),
}

_ADJECTIVES = (
    "Classic",
    "Essential",
    "Compact",
    "Everyday",
    "Premium",
    "Nordic",
    "Soft",
    "Rustic",
    "Modern",
    "Heritage",
    "Eco",
    "Studio",
)

_SUPPLIERS = (
    ("Van Dijk Import B.V.", 12),
    ("Hanseatic Goods GmbH", 9),
    ("Atelier Lumière SARL", 14),
    ("Northern Crafts Ltd", 10),
    ("Polder Trade B.V.", 5),
    ("Iberia Home S.L.", 16),
    ("Milano Design S.r.l.", 12),
    ("Baltic Workshop UAB", 18),
    ("Krakow Manufaktura Sp. z o.o.", 8),
    ("Guangzhou Bright Co., Ltd.", 35),
    ("Scandi Supply AB", 7),
    ("Vakhandel Brabant B.V.", 4),
)

_CASE_SIZES = (6, 6, 12, 12, 12, 24, 48)
_CENTS = Decimal("0.01")


def suppliers() -> list[SupplierSpec]:
    out = []
    for n, (name, lead) in enumerate(_SUPPLIERS, start=1):
        slug = "".join(c for c in name.split()[0].lower() if c.isalpha())
        out.append(
            SupplierSpec(
                code=f"SUP{n:03d}",
                name=name,
                email=f"orders@{slug}.example",
                lead_time_days=lead,
                gs1_prefix=f"87{12_000 + n * 37:05d}",
            )
        )
    return out


def gtin13(prefix7: str, item: int) -> str:
    body = f"{prefix7}{item:05d}"
    return body + ean.calc_check_digit(body)


def gtin14_for_case(gtin13_code: str, indicator: int = 1) -> str:
    body = f"{indicator}{gtin13_code[:12]}"
    return body + ean.calc_check_digit(body)


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(_CENTS, rounding=ROUND_HALF_UP)


def _shop_price(value: float) -> Decimal:
    """Round to a shop price ending in .95 or .50 (or a whole number above 100)."""
    if value >= 100:
        return Decimal(round(value)).quantize(_CENTS)
    whole = int(value)
    return _money(whole + (0.95 if value - whole > 0.5 else 0.50))


def popularity_weights(count: int) -> list[float]:
    raw = [1.0 / (k + 10) for k in range(1, count + 1)]
    total = sum(raw)
    return [w / total for w in raw]


def products(rng: random.Random, count: int = PRODUCT_COUNT) -> list[ProductSpec]:
    """The catalogue, deterministic for the state of `rng`."""
    sups = suppliers()
    cats = list(_CATEGORIES.items())
    # Each category buys from three suppliers; item numbers run per supplier.
    cat_suppliers = {code: rng.sample(range(len(sups)), 3) for code, _ in cats}
    next_item = [1] * len(sups)
    ranks = list(range(1, count + 1))
    rng.shuffle(ranks)
    weights = popularity_weights(count)
    a_cut, b_cut = round(count * 0.2), round(count * 0.5)
    seen: set[str] = set()
    out: list[ProductSpec] = []
    per_cat: dict[str, int] = {}
    for i in range(count):
        code, (_label, brands, materials, items) = cats[i % len(cats)]
        while True:
            item = rng.choice(items)
            name = (
                f"{rng.choice(brands)} {rng.choice(_ADJECTIVES)} {rng.choice(materials)} "
                f"{item[0]}, {rng.choice(item[6])}"
            )
            if name not in seen:
                seen.add(name)
                break
        _item, length, width, height, weight, price, _variants = item
        scale = rng.uniform(0.8, 1.25)
        dims = sorted(
            (max(10, round(d * scale * rng.uniform(0.9, 1.1))) for d in (length, width, height)),
            reverse=True,
        )
        price_eur = _shop_price(price * scale * rng.uniform(0.85, 1.2))
        cost = (price_eur * Decimal(str(round(rng.uniform(0.35, 0.55), 3)))).quantize(
            Decimal("0.0001")
        )
        sup = rng.choice(cat_suppliers[code])
        item_no = next_item[sup]
        next_item[sup] += 1
        g13 = gtin13(sups[sup].gs1_prefix, item_no)
        case_qty = rng.choice(_CASE_SIZES)
        has_case = rng.random() < 0.35
        per_cat[code] = per_cat.get(code, 0) + 1
        rank = ranks[i]
        out.append(
            ProductSpec(
                index=i,
                sku=f"{code}-{per_cat[code]:05d}",
                name=name,
                category=code,
                length_mm=dims[0],
                width_mm=dims[1],
                height_mm=dims[2],
                weight_g=max(5, round(weight * scale**3 * rng.uniform(0.9, 1.1))),
                cost=cost,
                price=price_eur,
                supplier=sup,
                gtin13=g13,
                case_qty=case_qty,
                gtin14=gtin14_for_case(g13) if has_case else None,
                rank=rank,
                popularity=weights[rank - 1],
                abc="A" if rank <= a_cut else "B" if rank <= b_cut else "C",
            )
        )
    return out
