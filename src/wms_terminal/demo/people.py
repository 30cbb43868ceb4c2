"""Demo people: one floor user per role, and the customers who place the demo orders, spread
over several countries with real city coordinates (pure: nothing touches the database)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from wms_terminal.core.codes import BADGE_ALPHABET, badge_code
from wms_terminal.core.models import Role


@dataclass(frozen=True)
class City:
    name: str
    postcode: str  # a pattern: '#' becomes a digit, '@' an upper-case letter
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Country:
    code: str
    weight: float  # share of customers
    currency: str
    vat: Decimal
    phone_prefix: str
    cities: tuple[City, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    streets: tuple[str, ...]
    number_first: bool = False  # "12 High Street" rather than "Hoofdstraat 12"


_NL_FIRST = ("Sanne", "Daan", "Emma", "Lucas", "Julia", "Sem", "Fleur", "Bram", "Lotte", "Jesse")
_NL_LAST = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder")
_DE_FIRST = ("Lena", "Jonas", "Mia", "Felix", "Hannah", "Leon", "Clara", "Paul", "Marie", "Finn")
_DE_LAST = ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Wagner", "Hoffmann")
_FR_FIRST = ("Chloé", "Louis", "Camille", "Hugo", "Léa", "Jules", "Manon", "Arthur", "Inès")
_FR_LAST = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand")
_EN_FIRST = ("Olivia", "Jack", "Amelia", "Harry", "Isla", "George", "Ava", "Noah", "Sophie")
_EN_LAST = ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "O'Brien")
_US_FIRST = ("Emily", "Michael", "Madison", "Ethan", "Abigail", "Daniel", "Chloe", "Ryan")
_US_LAST = ("Johnson", "Miller", "Davis", "Garcia", "Rodriguez", "Martinez", "Anderson", "Lee")
_ES_FIRST = ("Lucía", "Hugo", "Martina", "Mateo", "Sofía", "Leo", "Paula", "Daniel")
_ES_LAST = ("García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez")
_IT_FIRST = ("Giulia", "Leonardo", "Sofia", "Francesco", "Aurora", "Alessandro", "Ginevra")
_IT_LAST = ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo")
_PL_FIRST = ("Zuzanna", "Jakub", "Julia", "Antoni", "Maja", "Jan", "Hanna", "Szymon")
_PL_LAST = ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński")
_SE_FIRST = ("Alice", "William", "Maja", "Oscar", "Elsa", "Lucas", "Astrid", "Hugo")
_SE_LAST = ("Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson")

COUNTRIES: tuple[Country, ...] = (
    Country(
        "NL", 0.26, "EUR", Decimal("0.21"), "+31",
        (
            City("Amsterdam", "10## @@", 52.3676, 4.9041),
            City("Rotterdam", "30## @@", 51.9244, 4.4777),
            City("Utrecht", "35## @@", 52.0907, 5.1214),
            City("Eindhoven", "56## @@", 51.4416, 5.4697),
            City("Groningen", "97## @@", 53.2194, 6.5665),
            City("Den Haag", "25## @@", 52.0705, 4.3007),
        ),
        _NL_FIRST, _NL_LAST,
        ("Hoofdstraat", "Kerkstraat", "Dorpsstraat", "Stationsweg", "Molenweg", "Lindelaan"),
    ),
    Country(
        "BE", 0.08, "EUR", Decimal("0.21"), "+32",
        (
            City("Antwerpen", "20##", 51.2194, 4.4025),
            City("Gent", "90##", 51.0543, 3.7174),
            City("Bruxelles", "10##", 50.8503, 4.3517),
            City("Liège", "40##", 50.6326, 5.5797),
        ),
        _NL_FIRST + _FR_FIRST, _NL_LAST + _FR_LAST,
        ("Kerkstraat", "Rue de la Station", "Stationsstraat", "Rue Haute", "Molenstraat"),
    ),
    Country(
        "DE", 0.18, "EUR", Decimal("0.19"), "+49",
        (
            City("Berlin", "10###", 52.5200, 13.4050),
            City("Hamburg", "20###", 53.5511, 9.9937),
            City("München", "80###", 48.1351, 11.5820),
            City("Köln", "50###", 50.9375, 6.9603),
            City("Frankfurt am Main", "60###", 50.1109, 8.6821),
            City("Leipzig", "04###", 51.3397, 12.3731),
        ),
        _DE_FIRST, _DE_LAST,
        ("Hauptstraße", "Schulstraße", "Gartenstraße", "Bahnhofstraße", "Lindenweg"),
    ),
    Country(
        "FR", 0.09, "EUR", Decimal("0.20"), "+33",
        (
            City("Paris", "750##", 48.8566, 2.3522),
            City("Lyon", "6900#", 45.7640, 4.8357),
            City("Lille", "590##", 50.6292, 3.0573),
            City("Bordeaux", "330##", 44.8378, -0.5792),
            City("Nantes", "440##", 47.2184, -1.5536),
        ),
        _FR_FIRST, _FR_LAST,
        ("Rue de la République", "Avenue Victor Hugo", "Rue Pasteur", "Rue du Moulin"),
        number_first=True,
    ),
    Country(
        "GB", 0.17, "GBP", Decimal("0.20"), "+44",
        (
            City("London", "@# #@@", 51.5072, -0.1276),
            City("Manchester", "M## #@@", 53.4808, -2.2426),
            City("Birmingham", "B## #@@", 52.4862, -1.8904),
            City("Leeds", "LS# #@@", 53.8008, -1.5491),
            City("Bristol", "BS# #@@", 51.4545, -2.5879),
            City("Edinburgh", "EH# #@@", 55.9533, -3.1883),
            City("Glasgow", "G## #@@", 55.8642, -4.2518),
        ),
        _EN_FIRST, _EN_LAST,
        ("High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane"),
        number_first=True,
    ),
    Country(
        "IE", 0.03, "EUR", Decimal("0.23"), "+353",
        (City("Dublin", "D## @#@#", 53.3498, -6.2603), City("Cork", "T12 @#@#", 51.8985, -8.4756)),
        _EN_FIRST, _EN_LAST,
        ("Main Street", "Church Road", "Strand Road", "Sandymount Avenue"),
        number_first=True,
    ),
    Country(
        "ES", 0.04, "EUR", Decimal("0.21"), "+34",
        (
            City("Madrid", "280##", 40.4168, -3.7038),
            City("Barcelona", "080##", 41.3874, 2.1686),
            City("Valencia", "460##", 39.4699, -0.3763),
        ),
        _ES_FIRST, _ES_LAST,
        ("Calle Mayor", "Calle Real", "Avenida de la Constitución", "Calle del Sol"),
    ),
    Country(
        "IT", 0.03, "EUR", Decimal("0.22"), "+39",
        (City("Milano", "201##", 45.4642, 9.1900), City("Torino", "101##", 45.0703, 7.6869)),
        _IT_FIRST, _IT_LAST,
        ("Via Roma", "Via Garibaldi", "Corso Italia", "Via Dante"),
    ),
    Country(
        "PL", 0.03, "EUR", Decimal("0.23"), "+48",
        (City("Warszawa", "00-###", 52.2297, 21.0122), City("Kraków", "30-###", 50.0647, 19.945)),
        _PL_FIRST, _PL_LAST,
        ("ul. Długa", "ul. Polna", "ul. Lipowa", "ul. Ogrodowa"),
    ),
    Country(
        "SE", 0.02, "EUR", Decimal("0.25"), "+46",
        (
            City("Stockholm", "1## ##", 59.3293, 18.0686),
            City("Göteborg", "4## ##", 57.7089, 11.9746),
        ),
        _SE_FIRST, _SE_LAST,
        ("Storgatan", "Drottninggatan", "Kungsgatan", "Skolgatan"),
    ),
    Country(
        "US", 0.07, "USD", Decimal("0.00"), "+1",
        (
            City("New York, NY", "100##", 40.7128, -74.0060),
            City("Boston, MA", "021##", 42.3601, -71.0589),
            City("Chicago, IL", "606##", 41.8781, -87.6298),
            City("Seattle, WA", "981##", 47.6062, -122.3321),
        ),
        _US_FIRST, _US_LAST,
        ("Main Street", "Oak Avenue", "Maple Drive", "Park Place", "Washington Street"),
        number_first=True,
    ),
)  # fmt: skip

_COMPANY_WORDS = ("Studio", "Interiors", "Concept Store", "Living", "Gifts", "Werkplaats", "Shop")


@dataclass(frozen=True)
class DemoUserSpec:
    role: str
    username: str
    name: str
    badge: str
    pin: str


@dataclass(frozen=True)
class CustomerSpec:
    ref: str
    name: str
    email: str
    phone: str
    country: int  # index into COUNTRIES
    city: int  # index into that country's cities
    street: str
    postcode: str
    vip: bool
    contact: str  # the contact person of a business customer; "" for consumers


def users(rng: random.Random) -> list[DemoUserSpec]:
    people = (
        (Role.PICKER, "picker", "Sanne de Vries"),
        (Role.PACKER, "packer", "Tomasz Nowak"),
        (Role.SUPERVISOR, "supervisor", "Fatima El Amrani"),
        (Role.MANAGER, "manager", "Pieter Jansen"),
    )
    out = []
    for role, username, name in people:
        badge = badge_code("".join(rng.choice(BADGE_ALPHABET) for _ in range(8)))
        pin = f"{rng.randrange(10_000):04d}"
        out.append(DemoUserSpec(role, username, name, badge, pin))
    return out


def fill_pattern(rng: random.Random, pattern: str) -> str:
    return "".join(
        str(rng.randrange(10))
        if c == "#"
        else rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ")
        if c == "@"
        else c
        for c in pattern
    )


def street_address(rng: random.Random, country: Country) -> str:
    street = rng.choice(country.streets)
    number = rng.randint(1, 180)
    return f"{number} {street}" if country.number_first else f"{street} {number}"


def _ascii(text: str) -> str:
    table = str.maketrans("äöüßéèêëàáâçíñóòúśńłżźćąęÄÖÜÉ'", "aouseeeeaaacinoousnlzzcaeAOUE-")
    return text.translate(table).lower().replace(" ", ".")


def customers(rng: random.Random, count: int) -> list[CustomerSpec]:
    cum: list[float] = []
    total = 0.0
    for c in COUNTRIES:
        total += c.weight
        cum.append(total)
    out = []
    for n in range(1, count + 1):
        ci = rng.choices(range(len(COUNTRIES)), cum_weights=cum)[0]
        country = COUNTRIES[ci]
        first, last = rng.choice(country.first_names), rng.choice(country.last_names)
        city = rng.randrange(len(country.cities))
        company = ""
        if rng.random() < 0.06:
            company = f"{last} {rng.choice(_COMPANY_WORDS)}"
        name = f"{first} {last}"
        out.append(
            CustomerSpec(
                ref=f"DEMO-C{n:07d}",
                name=company or name,
                email=f"{_ascii(first)}.{_ascii(last)}.{n}@mail.example",
                phone=f"{country.phone_prefix} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
                f"{rng.randint(10, 99)}",
                country=ci,
                city=city,
                street=street_address(rng, country),
                postcode=fill_pattern(rng, country.cities[city].postcode),
                vip=rng.random() < 0.03,
                contact=name if company else "",
            )
        )
    return out
