"""The printed codes of the warehouse floor: one prefix per kind, so a scan classifies itself.

    L-<WH>-<AA>-<BB>-<level><side>   location     L-MAIN-03-17-2L
    T-<WH>-<NNNN>                    tote         T-MAIN-0042
    B-<8 chars>                      user badge   B-7Q4K9X2M
    SO-<7 digits>                    order number SO-0001234
    PO-<7 digits>                    purchase order PO-0000042
    CMD-<NAME>                       command      CMD-SHORT
    PL-<id>                          pick list    PL-42 (on its printed sheet)
    RMA-<7 digits>                   return (RMA) RMA-0000042 (return label, customer e-mail)

Only upper-case letters, digits and '-' are used: every keyboard-wedge layout types them alike.
Product GTINs and SSCCs are GS1 numbers and carry no prefix.
"""

from __future__ import annotations

import re
from enum import StrEnum

LOCATION_PREFIX = "L-"
TOTE_PREFIX = "T-"
BADGE_PREFIX = "B-"
ORDER_PREFIX = "SO-"
COMMAND_PREFIX = "CMD-"
PICK_LIST_PREFIX = "PL-"
RMA_PREFIX = "RMA-"

LOCATION_RE = re.compile(
    r"^L-(?P<wh>[A-Z0-9]{1,8})-(?P<aisle>\d{2,3})-(?P<bay>\d{2,3})-(?P<level>\d)(?P<side>[LR])$"
)
TOTE_RE = re.compile(r"^T-(?P<wh>[A-Z0-9]{1,8})-(?P<n>\d{4,6})$")
BADGE_RE = re.compile(r"^B-[0-9A-Z]{8}$")
ORDER_RE = re.compile(r"^SO-\d{7}$")
PURCHASE_ORDER_RE = re.compile(r"^PO-\d{7}$")
PICK_LIST_RE = re.compile(r"^PL-(?P<id>[1-9]\d{0,9})$")
RMA_RE = re.compile(r"^RMA-\d{7}$")


class Command(StrEnum):
    """Command barcodes printed on the cheat sheet beside the scanner."""

    SHORT = "SHORT"
    SKIP = "SKIP"
    DAMAGED = "DAMAGED"
    FULL_TOTE = "FULLTOTE"
    EMPTY = "EMPTY"
    DONE = "DONE"
    HELP = "HELP"
    CANCEL = "CANCEL"
    GIVE_BACK = "GIVEBACK"  # give the pick list (or task) back to the pool
    LOGOUT = "LOGOUT"
    PICK = "PICK"  # take the next pick list
    REPLENISH = "REPLEN"  # take the next replenishment (move) task
    COUNT = "COUNT"  # take the next count
    REPRINT = "REPRINT"  # print the last package's label again (same SSCC, audited)
    RETRY = "RETRY"  # queue the station's failed print jobs again

    @property
    def barcode(self) -> str:
        return COMMAND_PREFIX + self.value


def pick_list_code(pick_list_id: int) -> str:
    """The barcode on a pick list's sheet; scanned at a terminal, it claims that list."""
    return f"{PICK_LIST_PREFIX}{pick_list_id}"


def pick_list_id(scanned: str) -> int | None:
    """The list a scanned sheet barcode names (any case), or None when it is not one."""
    found = PICK_LIST_RE.match(scanned.strip().upper())
    return int(found.group("id")) if found else None


def rma_code(n: int) -> str:
    return f"{RMA_PREFIX}{n:07d}"


def location_code(aisle: int, bay: int, level: int, side: str) -> str:
    """The human code of a location inside its warehouse, e.g. 03-17-2L."""
    return f"{aisle:02d}-{bay:02d}-{level}{side}"


def location_barcode(warehouse_code: str, aisle: int, bay: int, level: int, side: str) -> str:
    return f"{LOCATION_PREFIX}{warehouse_code}-{location_code(aisle, bay, level, side)}"


def tote_code(warehouse_code: str, number: int) -> str:
    return f"{TOTE_PREFIX}{warehouse_code}-{number:04d}"


def order_number(n: int) -> str:
    return f"{ORDER_PREFIX}{n:07d}"


# Crockford-style alphabet without I, O, U: no confusion with 1 and 0 on a printed badge.
BADGE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTVWXYZ"


def badge_code(token: str) -> str:
    """`token` is 8 characters from BADGE_ALPHABET (random, chosen by the caller)."""
    if len(token) != 8 or any(c not in BADGE_ALPHABET for c in token):
        raise ValueError(f"badge token must be 8 characters of {BADGE_ALPHABET}")
    return BADGE_PREFIX + token
