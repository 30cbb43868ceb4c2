"""A fuzzed catalogue on every screen of the app shell and the picker: names, SKUs, codes and
messages of any Unicode text (markup, control bytes, bidi marks, wide characters) render without a
crash, and nothing unsafe reaches the terminal."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from tests.picking.conftest import Floor
from tests.tui.conftest import PACKER_BADGE, PIN
from tests.tui.helpers import screen_text, type_slowly, wait_for
from tests.tui.picker_helpers import key, settle, sign_in

from wms_terminal.core.floor_summary import FloorView
from wms_terminal.scanning.text import is_unsafe_char
from wms_terminal.signin import SignInView
from wms_terminal.tui.app import WmsApp
from wms_terminal.tui.screens.home import HomeScreen
from wms_terminal.tui.screens.login import LoginScreen
from wms_terminal.tui.screens.picker import PickerScreen
from wms_terminal.tui.screens.picker_cards import Shown
from wms_terminal.tui.widgets.task_card import Card

pytestmark = pytest.mark.usefixtures("packer_at_home")

NASTY = st.sampled_from(
    ["[@click=app.quit]Widget", "[/", "[b]x[/i]", "\x1b[2J", "\x11\x15", "\u202eevil", "字" * 30]
)
TEXT = st.one_of(NASTY, st.text(max_size=120))
SIZES = st.sampled_from([(40, 16), (100, 30), (120, 40)])
ONE_FLOOR = HealthCheck.function_scoped_fixture  # one database for all examples, on purpose


def _safe(app: WmsApp) -> bool:
    return not any(is_unsafe_char(ch) for ch in screen_text(app) if ch != "\n")


async def _picker(floor: Floor, names: list[str], size: tuple[int, int], card: Card) -> None:
    with floor.db.transaction() as s:
        for n, name in enumerate(names, 1):
            s.execute(
                text("UPDATE product SET name = :n WHERE sku = :s"), {"n": name, "s": floor.sku(n)}
            )
    app = WmsApp(floor.db, terminal="t1")
    async with app.run_test(size=size) as pilot:
        screen = await sign_in(pilot, app, floor)
        await key(pilot, app, "")  # the list (products named as drawn) or "no work"
        assert app.is_running and _safe(app)
        screen._show(Shown(card, message=card.product, upcoming=(card.sku, card.location)))
        await pilot.pause()
        assert app.is_running and _safe(app)
        screen._show(Shown(card, error=card.tote))
        await settle(pilot, app)
        assert isinstance(app.screen, PickerScreen) and _safe(app)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    names=st.lists(TEXT, min_size=8, max_size=8),
    size=SIZES,
    card=st.builds(Card, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT),
)
def test_the_picker_screen_renders_any_catalogue(
    floor: Floor, names: list[str], size: tuple[int, int], card: Card
) -> None:
    names = [n.replace("\x00", "") for n in names]  # a database text column holds no NUL
    if floor._orders == 0:
        floor.order([(n, 1) for n in range(1, 9)])
        floor.release()
    asyncio.run(_picker(floor, names, size, card))


async def _shell(db: object, size: tuple[int, int], words: list[str]) -> None:
    demo = [("picker", "u", words[0], words[1], words[2])]
    app = WmsApp(db, terminal="t1", demo_users=demo)  # type: ignore[arg-type]
    async with app.run_test(size=size) as pilot:
        login = app.screen
        assert isinstance(login, LoginScreen) and _safe(app)
        login._show(SignInView(expect="pin", prompt=words[3], message=words[4], badge=words[5]))
        await pilot.pause()
        assert _safe(app)
        login._show(SignInView(expect="badge", prompt="Scan your badge", message="", error=False))
        await type_slowly(pilot, PACKER_BADGE)
        await type_slowly(pilot, PIN)
        # A worker's first sign-in (argon2, the first query) can take seconds on a loaded machine.
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), tries=600)
        home = app.screen
        assert isinstance(home, HomeScreen)
        await settle(pilot, app)
        home._show(FloorView(words[6], tuple(words[:3]), ((words[7], 3),), 1, 2))
        await pilot.pause()
        assert app.is_running and _safe(app)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(size=SIZES, words=st.lists(TEXT, min_size=8, max_size=8))
def test_the_sign_in_and_home_screens_render_any_text(
    sqlite_db: object, size: tuple[int, int], words: list[str]
) -> None:
    asyncio.run(_shell(sqlite_db, size, words))
