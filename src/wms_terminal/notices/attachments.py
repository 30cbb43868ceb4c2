"""Files a notice carries, rendered when it is sent (so the outbox stores a reference, not
the bytes): `data["attachments"]` is a list of {"kind", "number"}; each kind has one renderer
here. A kind the sender does not know, or a document that cannot be rendered, fails the notice
for good with the reason (nothing goes out without its attachment)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from email.message import EmailMessage
from typing import Any

from wms_terminal.core.db import Database
from wms_terminal.core.errors import WmsError


def _quote_pdf(db: Database, number: str) -> tuple[bytes, str, str]:
    from wms_terminal.sales.quote_docs import render_quote

    return render_quote(db, number), "application/pdf", f"{number}.pdf"


RENDERERS: dict[str, Callable[[Database, str], tuple[bytes, str, str]]] = {
    "quote_pdf": _quote_pdf,
}


class AttachmentProblem(Exception):
    """An attachment cannot be made: the notice fails with this reason."""


def attach(db: Database, message: EmailMessage, data: Mapping[str, Any]) -> int:
    """Add the notice's attachments to `message`; returns how many."""
    wanted = data.get("attachments") or []
    # Making the message multipart moves its Content-* headers onto the text part: the
    # language is set on the whole message again below.
    language = message["Content-Language"]
    for item in wanted:
        kind, number = str(item.get("kind", "")), str(item.get("number", ""))
        render = RENDERERS.get(kind)
        if render is None:
            raise AttachmentProblem(f"unknown attachment kind {kind[:40]!r}")
        try:
            content, mime, filename = render(db, number)
        except WmsError as exc:
            raise AttachmentProblem(f"attachment {kind} {number[:40]}: {exc}") from None
        maintype, _, subtype = mime.partition("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    if wanted and language and message["Content-Language"] is None:
        message["Content-Language"] = language
    return len(wanted)
