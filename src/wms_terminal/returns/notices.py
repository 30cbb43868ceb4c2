"""The kinds of the customer's e-mails of a return, queued in the notices outbox
(`core.notice_queue`; `notices.sender` mails them from the templates
`assets/templates/email/<language>/return_authorised.txt`, `return_received.txt` and
`refund_issued.txt`, each with an `.html` part) in the transaction that does what they tell."""

from __future__ import annotations

from wms_terminal.core.notice_queue import queue_customer_notice

RETURN_AUTHORISED = "return_authorised"
RETURN_RECEIVED = "return_received"
REFUND_ISSUED = "refund_issued"

__all__ = ["REFUND_ISSUED", "RETURN_AUTHORISED", "RETURN_RECEIVED", "queue_customer_notice"]
