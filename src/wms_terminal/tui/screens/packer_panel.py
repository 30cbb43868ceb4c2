"""What the packer's screen draws from a `PackView` and the station's print jobs: plain
functions returning Rich renderables, untrusted text (names, gift messages, order numbers from
data) through tui/text.py only, so nothing from the data is read as markup."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from wms_terminal.packing.flow import PackView
from wms_terminal.printing.outbox import PrintJobView
from wms_terminal.tui.text import one_line, plain

KIND = {"shipping_label": "Label", "packing_slip": "Slip"}
PROMPTS = {
    "supervisor_badge": "Weight off: a supervisor scans their badge",
    "supervisor_pin": "Supervisor: key your PIN",
}


def head(view: PackView, user: str, width: int) -> Text:
    parts = ["Packing", user]
    if view.order:
        parts.append(view.order)
    if view.package:
        parts.append(f"package {view.package}")
    return one_line(" · ".join(parts), width, style="bold")


def banner(view: PackView, width: int) -> Text:
    """Gift, VIP, replacement: one line each, the gift message after them ("" when none)."""
    rows = [one_line(s, width) for s in view.special]
    if view.gift_message:
        rows.append(one_line(f"Gift message: {view.gift_message}", width))
    return Text("\n").join(rows)


def lines_table(view: PackView, width: int) -> RenderableType:
    if not view.lines:
        return Text("")
    name_w = max(8, width - 40)
    table = Table(box=None, expand=True, padding=(0, 1), show_edge=False)
    table.add_column("SKU", no_wrap=True, max_width=16)
    table.add_column("Product", no_wrap=True, max_width=name_w, ratio=1)
    table.add_column("Ready", justify="right", no_wrap=True)
    table.add_column("Verified", justify="right", no_wrap=True)
    table.add_column("Left", justify="right", no_wrap=True)
    for x in view.lines:
        style = "green" if x.remaining == 0 else ""
        table.add_row(
            plain(x.sku, style=style, limit=16),
            one_line(x.name, name_w, style=style),
            str(x.ready),
            str(x.verified),
            str(x.remaining),
        )
    return table


def totes(view: PackView, width: int) -> Text:
    if not view.totes_arrived and not view.totes_out:
        return Text("")
    here = ", ".join(view.totes_arrived) or "none"
    text = f"Totes here: {here}"
    if view.totes_out:
        text += f" · still out: {', '.join(view.totes_out)}"
    return one_line(text, width, style="yellow" if view.totes_out else "")


def packing(view: PackView, box: str | None, width: int) -> Text:
    """The box suggestion (and the chosen box), the expected weight, the closed package."""
    rows: list[str] = []
    if view.suggestion is not None and view.suggestion.packages:
        plan = view.suggestion.box_codes
        rows.append(f"Box: {plan[0]}" + (f" (plan: {', '.join(plan)})" if len(plan) > 1 else ""))
    if box and view.expect in ("weight", "badge"):
        rows.append(f"Box chosen: {box}")
    if view.expected_kg is not None:
        rows.append(f"Expected weight: {view.expected_kg:.3f} kg")
    if view.sscc:
        carrier = view.data.get("carrier") or ""
        rows.append(f"SSCC {view.sscc} · {carrier} {view.tracking or ''}".rstrip())
    return Text("\n").join(one_line(r, width) for r in rows)


def prints(jobs: Sequence[PrintJobView], width: int) -> Text:
    """The station's print jobs that need the packer: failed ones (r retries), then queued
    ones with an error (the printer is being retried); nothing when all printed."""
    rows: list[Text] = []
    for j in jobs:
        what = f"{KIND.get(j.kind, j.kind)} {j.order}"
        if j.status == "failed":
            rows.append(
                one_line(f"PRINT FAILED {what}: {j.last_error} (r: retry)", width, style="bold red")
            )
        elif j.last_error:
            rows.append(one_line(f"Printer retrying {what}: {j.last_error}", width, style="yellow"))
    return Text("\n").join(rows[:3])
