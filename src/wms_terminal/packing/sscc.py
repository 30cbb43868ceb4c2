"""SSCC-18 for packages: extension digit 0, the company's GS1 prefix (settings), a serial
reference from the `counter` table, and the GS1 mod-10 check digit (python-stdnum).

The serial comes from `core.sequences.allocate` (`UPDATE counter ... RETURNING`): the counter row
is locked until the closing transaction ends, so two stations never get one number, and a number
handed out is never handed out again (a rolled-back close gives its number back with the rollback;
a committed one keeps it)."""

from __future__ import annotations

from sqlmodel import Session
from stdnum import ean

from wms_terminal.config import gs1_company_prefix
from wms_terminal.core.errors import ValidationError
from wms_terminal.core.sequences import next_number

EXTENSION = "0"


def sscc_for(prefix: str, serial: int) -> str:
    width = 16 - len(prefix)
    if serial < 0 or serial >= 10**width:
        raise ValidationError(
            f"the SSCC serial numbers of GS1 prefix {prefix} are used up ({serial})"
        )
    body = f"{EXTENSION}{prefix}{serial:0{width}d}"
    return body + ean.calc_check_digit(body)


def next_sscc(session: Session, prefix: str | None = None) -> str:
    prefix = prefix or gs1_company_prefix()
    return sscc_for(prefix, next_number(session, f"sscc:{prefix}"))
