"""What a scan must be at each step of a pick, checked against the task: the location label, the
product (by GTIN, with the units its pack holds and any lot, expiry and serial), the tote.

Every scan is classified by the scanning layer (`scanning.symbology.classify`): one classifier
for the floor, so a Caps Lock location label, a GS1-128 product label and the EAN-8/UPC-E
candidates of an 8-digit code mean here what they mean everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlmodel import Session

from wms_terminal.core.catalog import product_for_code
from wms_terminal.core.states import ToteStatus
from wms_terminal.picking import messages as M
from wms_terminal.picking.scans import Rejected
from wms_terminal.picking.tasks import TaskCtx
from wms_terminal.scanning.symbology import Classified, Kind, classify


def check_location(ctx: TaskCtx, raw: str) -> None:
    scan = classify(raw)
    if scan.kind is not Kind.LOCATION:
        raise Rejected("not_location", scan.error or M.NOT_A_LOCATION, clean=True)
    if scan.fields["barcode"] != ctx.location_barcode:
        raise Rejected(
            "wrong_location",
            M.fmt(M.WRONG_LOCATION, expected=ctx.location_code),
            clean=True,
            scanned=scan.fields["barcode"],
        )


@dataclass(frozen=True)
class ItemScan:
    """A product scan that matched the task's product."""

    units: int  # units in the scanned pack (a GTIN-14 case of 12: 12)
    lot: str | None = None
    expiry: date | None = None
    serial: str | None = None


def gtins_of(scan: Classified) -> list[str]:
    """The GTIN-14s a product scan may stand for (two for an ambiguous 8-digit code); none for
    a scan that is not a product."""
    if scan.kind not in (Kind.GTIN, Kind.GS1) or not scan.ok:
        return []
    found = scan.fields.get("candidates") or (scan.fields.get("gtin"),)
    return [str(g) for g in found if g]


def check_item(session: Session, ctx: TaskCtx, raw: str, *, today: date | None = None) -> ItemScan:
    """The scanned product must be the task's, its pack no bigger than what is left to pick,
    its lot not expired."""
    scan = classify(raw)
    if scan.kind is Kind.INVALID:  # one of ours but misread (a wrong check digit): say so
        raise Rejected("bad_scan", scan.error or M.UNKNOWN_ITEM, clean=True)
    found = product_for_code(session, raw, gtins=gtins_of(scan), sku=False)
    if not found:
        raise Rejected("unknown_item", M.UNKNOWN_ITEM, clean=True, scanned=raw[:40])
    mine = [m.units for m in found if m.product_id == ctx.product_id]
    if not mine:
        raise Rejected("wrong_item", M.fmt(M.WRONG_ITEM, expected=ctx.sku), clean=True)
    units = max(1, min(mine))
    if units > ctx.remaining:
        raise Rejected(
            "pack_too_big", M.fmt(M.PACK_TOO_BIG, units=units, qty=ctx.remaining), clean=True
        )
    expiry = scan.fields.get("expiry")
    expires = date.fromisoformat(str(expiry)) if expiry else None
    if expires is not None and expires < (today or date.today()):
        raise Rejected("expired", M.fmt(M.EXPIRED, date=expires.isoformat()), clean=True)
    lot, serial = scan.fields.get("lot"), scan.fields.get("serial")
    return ItemScan(units, str(lot) if lot else None, expires, str(serial) if serial else None)


@dataclass(frozen=True)
class ToteScan:
    """A tote label that may take this task's units."""

    code: str
    tote_id: int | None  # None: a label never seen before (the pick makes its tote)
    in_use: bool  # already the slot's tote; otherwise a free tote the pick binds to the list


# The task's warehouse code and the scanned tote (if it exists), in one read.
_TOTE = text(
    "SELECT w.code, t.id, t.status, t.pick_list_id FROM warehouse w "
    "LEFT JOIN tote t ON t.code = :c WHERE w.id = :w"
)


def check_tote(session: Session, ctx: TaskCtx, raw: str) -> ToteScan:
    """The scanned tote must be the slot's tote in use, or a free tote of the task's warehouse.
    A check only: nothing is bound or made here (the pick does that, `totes.take_scanned`)."""
    scan = classify(raw)
    if scan.kind is not Kind.TOTE:
        raise Rejected("not_tote", M.NOT_A_TOTE)
    code = str(scan.fields["barcode"])
    if ctx.tote_id is not None:
        if ctx.tote_code != code:
            raise Rejected("wrong_tote", M.fmt(M.WRONG_TOTE, expected=ctx.tote_code))
        return ToteScan(code, ctx.tote_id, True)
    wh_code, tote_id, status, list_id = session.execute(
        _TOTE, {"w": ctx.warehouse_id, "c": code}
    ).one()
    if scan.fields["warehouse"] != wh_code:
        raise Rejected("tote_other_wh", M.TOTE_OTHER_WH)
    if tote_id is None:
        return ToteScan(code, None, False)
    if status == ToteStatus.FULL:
        raise Rejected("tote_full", M.fmt(M.TOTE_FULL, tote=code))
    if status != ToteStatus.FREE and list_id != ctx.pick_list_id:
        raise Rejected("tote_busy", M.fmt(M.TOTE_BUSY, tote=code))
    if status != ToteStatus.FREE:
        # In use on this list, but for another slot.
        raise Rejected("wrong_tote", M.fmt(M.WRONG_TOTE, expected=f"slot {ctx.slot}"))
    return ToteScan(code, int(tote_id), False)
