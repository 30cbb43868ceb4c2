"""The orders at the pack stations, for a supervisor: open at a station (its claim, live or
lapsed), set aside with a box open on a packer's bench, or on hold. The first two can be freed
(`packing.claim.free`): the order comes back into every station's queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text

from wms_terminal.core.db import Database
from wms_terminal.core.models._base import UTC_DATETIME
from wms_terminal.packing.claim import LEASE

_AT_STATIONS = text(
    "SELECT so.number, w.code, so.pack_claim_terminal, cu.name, so.pack_claimed_at, "
    "p.status, p.hold_reason, pu.name, "
    "COALESCE((SELECT SUM(pl.qty) FROM package_line pl WHERE pl.package_id = p.id), 0) "
    "FROM sales_order so JOIN warehouse w ON w.id = so.warehouse_id "
    "LEFT JOIN package p ON p.order_id = so.id AND p.status IN ('open', 'held') "
    "LEFT JOIN app_user cu ON cu.id = so.pack_claim_user_id "
    "LEFT JOIN app_user pu ON pu.id = p.packed_by "
    "WHERE so.status IN ('picked', 'packing') AND (so.pack_claim_user_id IS NOT NULL "
    "OR p.status = 'held' OR (p.status = 'open' AND p.packed_by IS NOT NULL)) "
    "ORDER BY so.number LIMIT :n"
).columns(pack_claimed_at=UTC_DATETIME)


@dataclass(frozen=True)
class AtStation:
    order: str
    warehouse: str
    state: str  # "open at a station", "claim lapsed", "set aside", "on hold"
    where: str  # the station and packer, or the packer whose bench has the box
    since: datetime | None
    units: int  # verified into its open or held box
    hold_reason: str = ""

    @property
    def can_free(self) -> bool:
        return self.state != "on hold"


def at_stations(db: Database, *, now: datetime, limit: int = 200) -> list[AtStation]:
    with db.reading() as s:
        rows = s.execute(_AT_STATIONS, {"n": limit}).all()
    out = []
    for number, wh, terminal, claimant, since, pstatus, reason, packer, units in rows:
        if pstatus == "held":
            state, where = "on hold", packer or ""
        elif claimant is not None:
            lapsed = since is not None and since < now - LEASE
            state = "claim lapsed" if lapsed else "open at a station"
            where = f"{terminal or '?'} ({claimant})"
        else:
            state, where = "set aside", f"{packer}'s bench"
        out.append(
            AtStation(str(number), str(wh), state, where, since, int(units), str(reason or ""))
        )
    return out
