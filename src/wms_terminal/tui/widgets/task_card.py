"""The task in hand, laid out for a 40x16 handheld and growing up to 120x40.

    List 12 · line 3 of 8 · 41 m           <- #card-head
      ╭─╮ ╶─╮     ╶┐  ╶─┐     ╶─╮ ╷
      │╱│  ─┤ ╶─╴  │    │ ╶─╴ ┌─┘ │      <- #location, in three-row letters
      ╰─╯ ╶─╯     ╶┴╴   ╵     └─╴ └─╴     (a bold line in a box when they do not fit)
    Garden hose reel, 25 m                 <- #product
    SKU-00017                       qty 3  <- #sku-line
    Tote T-MAIN-0042 · slot 2              <- #tote
    Scan item SKU-00017                    <- #prompt

Every text comes from data or scans and is rendered as plain Text (tui/text.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from wms_terminal.tui.text import message, one_line
from wms_terminal.tui.widgets.big_text import big

QTY_WIDTH = 12  # "qty 12345", right-aligned beside the SKU
PARTS = ("card-head", "location", "product", "sku-line", "tote", "prompt")


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
    """Shows the last `Card` given to `show`; drawn again once its lines are mounted."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.card = Card()

    def compose(self) -> ComposeResult:
        for part in PARTS:
            yield Static("", id=part)

    def on_mount(self) -> None:
        self.call_after_refresh(self._draw)

    def show(self, card: Card) -> None:
        """Every line has a fixed size (assets/styles/app.tcss): new contents are drawn without
        laying the screen out again (a scan's answer is on screen sooner)."""
        self.card = card
        self._draw()

    def _draw(self) -> None:
        boxes = {box.id: box for box in self.query(Static).results(Static)}
        if any(part not in boxes for part in PARTS):
            return  # not mounted yet: on_mount draws the card
        card = self.card
        width = max(self.size.width, 20) if self.size.width else 40
        large = big(card.location, width)
        location = large or one_line(card.location, max(width - 4, 8), style="bold")
        boxes["location"].set_class(large is not None, "big")
        boxes["location"].set_class(not card.location, "blank")
        lines = 1 if (self.app.size.height or 16) < 24 else 2
        qty = one_line(card.qty, QTY_WIDTH, style="bold")
        sku = one_line(card.sku, max(width - QTY_WIDTH - 1, 8))
        sku.pad_right(max(width - sku.cell_len - qty.cell_len, 1))
        texts = {
            "card-head": one_line(card.head, width),
            "location": location,
            "product": message(card.product, width=width, max_lines=lines),
            "sku-line": sku + qty,
            "tote": one_line(card.tote, width),
            "prompt": one_line(card.prompt, width, style="bold"),
        }
        for part, content in texts.items():
            boxes[part].update(content, layout=False)
