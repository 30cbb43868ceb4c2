"""The task in hand, laid out for a 40x16 handheld and growing up to 120x40.

    List 12 · line 3 of 8 · 41 m           <- #card-head
      ╭─╮ ╶─╮     ╶┐  ╶─┐     ╶─╮ ╷
      │╱│  ─┤ ╶─╴  │    │ ╶─╴ ┌─┘ │      <- #location, in three-row letters
      ╰─╯ ╶─╯     ╶┴╴   ╵     └─╴ └─╴     (a bold line in a box when they do not fit)
    Garden hose reel, 25 m                 <- #product
    SKU-00017                       qty 3  <- #sku, #qty
    Tote T-MAIN-0042 · slot 2              <- #tote
    Scan item SKU-00017                    <- #prompt

Every text comes from data or scans and is rendered as plain Text (tui/text.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from wms_terminal.tui.text import message, one_line
from wms_terminal.tui.widgets.big_text import big

QTY_WIDTH = 12  # "qty 12345", right-aligned beside the SKU


@dataclass(frozen=True)
class Card:
    """What the card shows; "" leaves a line empty."""

    head: str = ""
    location: str = ""
    product: str = ""
    sku: str = ""
    qty: str = ""
    tote: str = ""
    prompt: str = ""


class TaskCard(Vertical):
    _waiting: Card | None = None  # shown before its lines were mounted: shown once they are

    def compose(self) -> ComposeResult:
        yield Static("", id="card-head")
        yield Static("", id="location")
        yield Static("", id="product")
        with Horizontal(id="sku-line"):
            yield Static("", id="sku")
            yield Static("", id="qty")
        yield Static("", id="tote")
        yield Static("", id="prompt")

    def on_mount(self) -> None:
        if self._waiting is not None:
            self.show(self._waiting)

    def show(self, card: Card) -> None:
        """Every line has a fixed size (assets/styles/app.tcss): new contents are drawn without
        laying the screen out again (a scan's answer is on screen sooner)."""
        if not self.query("#prompt"):  # a screen's on_mount can come before its card's lines
            self._waiting = card
            return
        self._waiting = None
        width = max(self.size.width, 20) if self.size.width else 40

        def put(selector: str, content: Text) -> None:
            self.query_one(selector, Static).update(content, layout=False)

        put("#card-head", one_line(card.head, width))
        box = self.query_one("#location", Static)
        large = big(card.location, width)
        put("#location", large or one_line(card.location, max(width - 4, 8), style="bold"))
        box.set_class(large is not None, "big")
        box.set_class(not card.location, "blank")
        lines = 1 if (self.app.size.height or 16) < 24 else 2
        put("#product", message(card.product, width=width, max_lines=lines))
        put("#qty", one_line(card.qty, QTY_WIDTH, style="bold"))
        put("#sku", one_line(card.sku, max(width - QTY_WIDTH - 1, 8)))
        put("#tote", one_line(card.tote, width))
        put("#prompt", one_line(card.prompt, width, style="bold"))
