"""Queue a notice to an order's customer in the caller's transaction: the English summary
(subject, body) for the lists, the values the e-mail templates fill in (`data`), and the
language wanted (the customer's, else the warehouse's default). A customer without an e-mail
address still gets the notice, as `no_address`: visible in `notices list` (and on the
shipment), never sent or retried until someone adds the address and runs `notices retry`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from wms_terminal.core.models import NoticeStatus, Notification

NO_EMAIL = "no e-mail address: the customer has none"

_CUSTOMER = text(
    "SELECT c.email, c.name, c.language, w.language FROM sales_order so "
    "JOIN customer c ON c.id = so.customer_id LEFT JOIN warehouse w ON w.id = :w WHERE so.id = :o"
)


def queue_customer_notice(
    session: Session,
    *,
    order_id: int,
    warehouse_id: int | None,
    kind: str,
    subject: str,
    body: str,
    data: Mapping[str, Any] | None = None,
) -> int:
    """Queue one e-mail to the order's customer; 1 when it can be sent (the customer has an
    address), 0 when it was recorded as `no_address`. `body` follows "Hello <name>,\\n\\n"
    in the summary; the template gets `data` with `name` added."""
    email, name, language, default = session.execute(
        _CUSTOMER, {"o": order_id, "w": warehouse_id}
    ).one()
    address = str(email or "").strip()
    session.add(
        Notification(
            warehouse_id=warehouse_id,
            recipient_role="customer",
            recipient_email=address,
            kind=kind,
            subject=subject[:200],
            body=f"Hello {name},\n\n{body}"[:2000],
            language=str(language or default or "").strip().lower()[:8],
            data={"name": str(name), **(data or {})},
            status=NoticeStatus.PENDING if address else NoticeStatus.NO_ADDRESS,
            last_error="" if address else NO_EMAIL,
        )
    )
    return 1 if address else 0
