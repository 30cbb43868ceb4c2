"""The customer's e-mails of a return, queued in the notices outbox (`notices.sender` mails
them; templates `assets/templates/email/return_authorised.txt`, `return_received.txt` and
`refund_issued.txt`), in the transaction that does what they tell. A customer without an e-mail
address gets none (the caller's audit entry says how many were queued)."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

from wms_terminal.core.models import Notification

RETURN_AUTHORISED = "return_authorised"
RETURN_RECEIVED = "return_received"
REFUND_ISSUED = "refund_issued"


def queue_customer_notice(
    session: Session, *, order_id: int, warehouse_id: int, kind: str, subject: str, body: str
) -> int:
    """Queue one e-mail to the order's customer; returns 1, or 0 when there is no address.
    `body` follows "Hello <name>,\\n\\n"."""
    email, name = session.execute(
        text(
            "SELECT c.email, c.name FROM sales_order so JOIN customer c ON c.id = so.customer_id "
            "WHERE so.id = :o"
        ),
        {"o": order_id},
    ).one()
    address = str(email or "").strip()
    if not address:
        return 0
    session.add(
        Notification(
            warehouse_id=warehouse_id,
            recipient_role="customer",
            recipient_email=address,
            kind=kind,
            subject=subject[:200],
            body=f"Hello {name},\n\n{body}"[:2000],
        )
    )
    return 1
