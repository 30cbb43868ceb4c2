"""E-mail text from the templates in assets/templates/email/ (one per notice kind, or the
default `notice.txt`): a `Subject:` line, a blank line, then the body, with ${placeholders}."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from string import Template

from wms_terminal.notices.outbox import ClaimedNotice
from wms_terminal.resources import asset, has_asset

FOLDER = ("templates", "email")


def template_for(kind: str) -> str:
    name = f"{kind}.txt" if kind and has_asset(*FOLDER, f"{kind}.txt") else "notice.txt"
    return asset(*FOLDER, name).read_text(encoding="utf-8")


def render(notice: ClaimedNotice, *, sender: str, role: str = "manager") -> EmailMessage:
    """The message for `notice`, addressed to its recipients, from `sender`."""
    values = {
        "subject": _one_line(notice.subject),
        "body": notice.body,
        "kind": notice.kind or "notice",
        "notice_id": str(notice.id),
        "warehouse": notice.warehouse or "-",
        "warehouse_line": f" for warehouse {notice.warehouse}" if notice.warehouse else "",
        "created_at": notice.created_at.strftime("%Y-%m-%d %H:%M UTC"),
        "role": role,
    }
    text = Template(template_for(notice.kind)).safe_substitute(values)
    head, _, body = text.partition("\n\n")
    subject = head.removeprefix("Subject:").strip() if head.startswith("Subject:") else ""
    message = EmailMessage()
    message["Subject"] = _one_line(subject or values["subject"])
    message["From"] = sender
    message["To"] = ", ".join(notice.recipients)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id(notice, sender)
    message["X-WMS-Notice-Id"] = str(notice.id)
    message.set_content(body if head.startswith("Subject:") else text)
    return message


def message_id(notice: ClaimedNotice, sender: str) -> str:
    """The same for every attempt at one notice: a copy sent again after a sender stopped at the
    wrong moment is recognised as the same message (mail clients and archives show one)."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "wms-terminal.invalid"
    stamp = notice.created_at.strftime("%Y%m%d%H%M%S")
    return f"<wms-notice-{notice.id}.{stamp}@{domain}>"


def _one_line(text: str) -> str:
    # A header never carries a line break from data (no header injection from a product name).
    return " ".join(text.split())
