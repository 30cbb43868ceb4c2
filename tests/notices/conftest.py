"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives."""

from __future__ import annotations

import socket
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests import factories as f
from wms_terminal.core.auth import create_user
from wms_terminal.core.db import Database
from wms_terminal.core.models import Notification


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    """What the server received, and how it answers recipients."""

    messages: list[Message] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse_rcpt: str = ""  # e.g. "550 5.1.1 no such user"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        )
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def notice_ids(self) -> list[int]:
        return sorted(int(m["X-WMS-Notice-Id"]) for m in self.messages)


class SmtpServerFixture:
    def __init__(self, port: int) -> None:
        self.port = port
        self.mailbox = Mailbox()
        self._controller: Controller | None = None

    def start(self, **options: Any) -> None:
        self._controller = Controller(
            self.mailbox, hostname="127.0.0.1", port=self.port, ready_timeout=10, **options
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?timeout=5"


@pytest.fixture
def smtp() -> Iterator[SmtpServerFixture]:
    server = SmtpServerFixture(free_port())
    yield server
    server.stop()


def accept_user(login: str, password: str) -> Any:
    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        ok = data.login.decode() == login and data.password.decode() == password
        return AuthResult(success=ok, handled=False)

    return authenticator


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (and its key), made with openssl."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def server_tls(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    return context


@dataclass
class Outbox:
    db: Database
    warehouse_id: int

    def add(self, n: int = 1, *, kind: str = "purchase_order", subject: str = "PO") -> list[int]:
        ids = []
        with self.db.transaction() as s:
            for i in range(n):
                note = Notification(
                    warehouse_id=self.warehouse_id,
                    recipient_role="manager",
                    kind=kind,
                    subject=subject if n == 1 else f"{subject} {i + 1}",
                    body=f"Body of notice {i + 1}",
                )
                s.add(note)
                s.flush()
                assert note.id is not None
                ids.append(note.id)
        return ids


@pytest.fixture
def outbox(db: Database) -> Outbox:
    with db.transaction() as s:
        wh = f.warehouse(s, "MAIN", 52.0, 4.5)
        assert wh.id is not None
        create_user(
            s,
            username="maria",
            name="Maria",
            role="manager",
            pin="1234",
            warehouse_id=wh.id,
            email="maria@example.com",
        )
        create_user(
            s,
            username="pat",
            name="Pat",
            role="picker",
            pin="1234",
            warehouse_id=wh.id,
            email="pat@example.com",
        )
        wid = wh.id
    return Outbox(db, wid)
