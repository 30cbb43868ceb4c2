"""UBL 2.1 invoices and credit notes checked against the official OASIS XSD files
(assets/ubl-2.1, with their licence) by xmlschema, offline. The schema set is large (the
aggregate components alone are 2.4 MB): each is loaded once per process, on first use, and
xmlschema is imported only then."""

from __future__ import annotations

import functools
import io
from typing import Any
from xml.etree import ElementTree as ET

from wms_terminal.core.errors import ValidationError
from wms_terminal.resources import asset


@functools.cache
def _schema(main: str = "Invoice") -> Any:
    import xmlschema

    return xmlschema.XMLSchema(str(asset("ubl-2.1", "maindoc", f"UBL-{main}-2.1.xsd")))


def invoice_problems(document: bytes) -> list[str]:
    """Every way `document` breaks the UBL 2.1 Invoice schema (none: valid)."""
    return _problems(document, "Invoice")


def credit_note_problems(document: bytes) -> list[str]:
    """Every way `document` breaks the UBL 2.1 CreditNote schema (none: valid)."""
    return _problems(document, "CreditNote")


def validate_credit_note(document: bytes) -> None:
    problems = credit_note_problems(document)
    if problems:
        raise ValidationError(
            "not a valid UBL 2.1 credit note:\n" + "\n".join(f"  {p}" for p in problems[:20])
        )


def _problems(document: bytes, main: str) -> list[str]:
    import xmlschema

    try:
        errors = list(_schema(main).iter_errors(io.BytesIO(document)))
    except (ET.ParseError, xmlschema.XMLSchemaException) as exc:  # not even well-formed XML
        return [str(exc).splitlines()[0]]
    return [f"{e.path or '/'}: {e.reason or e.message}" for e in errors]


def validate_invoice(document: bytes) -> None:
    """Raise ValidationError listing the problems when `document` is not a valid UBL invoice."""
    problems = invoice_problems(document)
    if problems:
        raise ValidationError(
            "not a valid UBL 2.1 invoice:\n" + "\n".join(f"  {p}" for p in problems[:20])
        )
