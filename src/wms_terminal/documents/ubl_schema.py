"""UBL 2.1 invoices checked against the official OASIS XSD files (assets/ubl-2.1, with their
licence) by xmlschema, offline. The schema set is large (the aggregate components alone are
2.4 MB): it is loaded once per process, on first use, and xmlschema is imported only then."""

from __future__ import annotations

import functools
import io
from typing import Any
from xml.etree import ElementTree as ET

from wms_terminal.core.errors import ValidationError
from wms_terminal.resources import asset


@functools.cache
def _schema() -> Any:
    import xmlschema

    return xmlschema.XMLSchema(str(asset("ubl-2.1", "maindoc", "UBL-Invoice-2.1.xsd")))


def invoice_problems(document: bytes) -> list[str]:
    """Every way `document` breaks the UBL 2.1 Invoice schema (none: valid)."""
    import xmlschema

    try:
        errors = list(_schema().iter_errors(io.BytesIO(document)))
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
