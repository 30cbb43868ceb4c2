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

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from wms_terminal.tui.text import message, one_line
from wms_terminal.tui.widgets.big_text import big


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
    def compose(self) -> ComposeResult:
        yield Static("", id="card-head")
        yield Static("", id="location")
        yield Static("", id="product")
        with Horizontal(id="sku-line"):
            yield Static("", id="sku")
            yield Static("", id="qty")
        yield Static("", id="tote")
        yield Static("", id="prompt")

    def show(self, card: Card) -> None:
        width = max(self.size.width, 20) if self.size.width else 40
        self.query_one("#card-head", Static).update(one_line(card.head, width))
        box = self.query_one("#location", Static)
        large = big(card.location, width)
        box.update(large or one_line(card.location, max(width - 4, 8), style="bold"))
        box.set_class(large is not None, "big")
        box.set_class(not card.location, "blank")
        lines = 1 if (self.app.size.height or 16) < 24 else 2
        product = message(card.product, width=width, max_lines=lines)
        self.query_one("#product", Static).update(product)
        qty = one_line(card.qty, 14, style="bold")
        self.query_one("#qty", Static).update(qty)
        self.query_one("#sku", Static).update(one_line(card.sku, max(width - len(qty) - 1, 8)))
        self.query_one("#tote", Static).update(one_line(card.tote, width))
        self.query_one("#prompt", Static).update(one_line(card.prompt, width, style="bold"))
