"""The one catalogue of operator messages for picking.

Every line a picker can see is written here once, short enough for a 40x16 terminal (each fits in
40 columns once its fields are filled with typical values). Placeholders use `str.format`.
"""

from __future__ import annotations

from typing import Final

from wms_terminal.scanning.text import cut_words

WIDTH: Final = 40

# Prompts, one per step of the pick flow.
PROMPT_CLAIM = "Scan DONE or press Enter for a list"
PROMPT_LOCATION = "Go to {location} and scan it"
PROMPT_ITEM = "Scan item {sku}"
PROMPT_QTY = "{n} of {qty}: scan more or key qty"
PROMPT_TOTE = "Put in tote {slot}: scan tote"
PROMPT_TOTE_NEW = "Scan an empty tote for slot {slot}"
PROMPT_DONE = "List done. Take totes to packing"
PROMPT_NO_WORK = "No pick list waiting. Try later"
PROMPT_SHORT = "Short: key qty found (0-{max})"
PROMPT_DAMAGED = "Damaged: key qty damaged (1-{max})"
KEY_QTY = "Scan the item or key the quantity"
KEY_COUNT = "Key the quantity, not a scan"
HELP = "SHORT DAMAGED SKIP FULLTOTE EMPTY"

# Accepted scans.
OK_LOCATION = "Location OK"
OK_ITEM = "Item OK"
COUNTED = "Counted {n} of {qty}"
OK_TOTE = "Tote {tote} OK"
OK_PICKED = "Picked {qty} x {sku}"
OK_LIST_DONE = "Pick list {list} done"
OK_CLAIMED = "List {list}: {tasks} picks"
NO_SUCH_LIST = "No pick list {list}"
LIST_OTHER_WH = "List {list} is for another warehouse"
LIST_TAKEN = "List {list} is taken by another picker"
LIST_NOT_OPEN = "List {list} is finished or cancelled"
FINISH_LIST_FIRST = "Finish or give back list {list} first"

# Rejections: nothing changed.
WRONG_LOCATION = "Wrong location: go to {expected}"
WRONG_ITEM = "Wrong item: pick {expected}"
UNKNOWN_ITEM = "Unknown item barcode"
PACK_TOO_BIG = "Pack of {units}: only {qty} to pick"
PACK_MULTIPLE = "Pack of {units}: pick in {units}s"
EXPIRED = "Expired {date}: take another lot"
WRONG_TOTE = "Wrong tote: use {expected}"
TOTE_BUSY = "Tote {tote} is in use on another list"
TOTE_FULL = "Tote {tote} is full: scan another"
TOTE_OTHER_WH = "Tote of another warehouse"
NOT_A_TOTE = "Scan a tote label (T-...)"
NOT_A_LOCATION = "Scan the location label (L-...)"
BAD_QTY = "Quantity must be 1 to {max}"
TASK_CLOSED = "This pick is already done"
NOT_YOUR_LIST = "This list is not claimed by you"
LIST_CLOSED = "This pick list is closed"
STOCK_MISSING = "Stock missing here: report SHORT"
UNKNOWN_SCAN = "Not expected here: {hint}"
UNKNOWN_COMMAND = "Command not available now"

# Exceptions and what follows.
SHORT_DONE = "Short {missing}: count task made"
SHORT_REALLOCATED = "{qty} more from {location} at end"
SHORT_BACKORDERED = "{qty} back-ordered"
SHORT_HELD_BY = "Rest held by {holders}"
DAMAGED_DONE = "{qty} damaged: put in {location}"
SKIPPED = "Skipped: back at end of route"
GIVEN_BACK = "List {list} given back: next one?"
TOTE_CLOSED = "Tote {tote} full: scan a new tote"
TOTE_TO_PACKING = "Take {tote} to packing"
TOTE_TO_SORTING = "Take {tote} to sorting"
EMPTY_DONE = "Empty: location blocked, count made"
OTHERS_MOVED = "Other orders: {qty} moved, {back} b/o"
LOCATION_BLOCKED = "Location being counted: SKIP it"
REPLENISH = "Replenish {location} made"
REORDER = "Reorder {number} raised"

# Counts (blind: the counter never sees the system quantity).
PROMPT_COUNT_CLAIM = "Scan DONE or press Enter for a count"
PROMPT_COUNT_NONE = "No count waiting. Try later"
PROMPT_COUNT_LOCATION = "Count at {location}: scan it"
PROMPT_COUNT_ITEM = "Scan {sku} (EMPTY: none there)"
PROMPT_COUNT_QTY = "Key units of {sku} on shelf"
COUNT_CLAIMED = "Count {location}: {sku}"
COUNT_MATCHED = "Count matches: no change"
COUNT_ADJUSTED = "Stock {diff:+d}: adjusted"
COUNT_RECOUNT = "Noted: a second count is asked"
COUNT_UNBLOCKED = "{location} open for picking again"
COUNT_RELEASED = "Count given back"
COUNT_CANCELLED = "Count {count} cancelled"
COUNT_SECOND_BY_OTHER = "Second count: another user counts"
COUNT_NOT_YOURS = "Count claimed by another user"
COUNT_CLOSED = "This count is already finished"
BAD_COUNT = "Key 0 to {max} units"

# Supervisor.
WAVE_RELEASED = "{wave}: {lists} lists, {orders} orders"
WAVE_EMPTY = "No orders match these filters"
WAVE_CHANGED = "Orders changed meanwhile: plan again"


def fmt(template: str, **fields: object) -> str:
    """Fill a template and cut it to the screen width at a word boundary (never mid-word)."""
    return cut_words(template.format(**fields), WIDTH)
