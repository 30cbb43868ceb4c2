"""A private CUPS server with a cups-pdf queue, and a fake Zebra printer on a local TCP port.

The CUPS server is this test session's own `cupsd -f` (its config, spool and socket in a temporary
folder; nothing of the machine's CUPS is touched); its queue prints through Debian's cups-pdf
backend, which writes the PDF to ~/PDF of the submitting user, named after the job title. Without
CUPS installed the tests are skipped on a developer's machine and fail under CI=true
(`make setup` installs cups, cups-client and printer-driver-cups-pdf).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import IN_CI
from tests.packing.conftest import Station, build_station
from wms_terminal.core.db import Database

CUPSD = "/usr/sbin/cupsd"
CUPS_PDF_BACKEND = "/usr/lib/cups/backend/cups-pdf"
CUPS_PDF_PPD = "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"


def _cups_missing() -> str | None:
    for path, package in (
        (CUPSD, "cups"),
        (CUPS_PDF_BACKEND, "printer-driver-cups-pdf"),
        (CUPS_PDF_PPD, "printer-driver-cups-pdf"),
    ):
        if not os.path.exists(path):
            return f"{path} missing (apt-get install {package})"
    for tool in ("lp", "lpadmin", "lpstat"):
        if shutil.which(tool) is None:
            return f"{tool} missing (apt-get install cups-client)"
    if os.geteuid() != 0:
        return "the cups-pdf backend only runs under a cupsd started as root"
    return None


@dataclass
class Cups:
    server: str  # the socket path, for CUPS_SERVER / CupsPrinter(server=...)
    queue: str
    out_dir: Path  # where cups-pdf writes this user's PDFs

    def landed(self, title: str, timeout_s: float = 60.0) -> Path:
        """The PDF cups-pdf wrote for the job called `title` (waits for it)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = sorted(self.out_dir.glob(f"{title}*.pdf"))
            if found and found[0].stat().st_size > 0:
                time.sleep(0.2)  # cups-pdf writes, then sets the owner: let it finish
                return found[0]
            time.sleep(0.2)
        raise AssertionError(f"no PDF for job {title!r} in {self.out_dir}")


@pytest.fixture(scope="session")
def cups() -> Iterator[Cups]:
    missing = _cups_missing()
    if missing:
        if IN_CI:
            pytest.fail(f"CUPS printing tests cannot run: {missing}")
        pytest.skip(missing)
    root = Path(tempfile.mkdtemp(prefix="wms-cups-"))
    root.chmod(0o755)  # filters run as user lp and read the spool
    for sub in ("spool", "cache", "state", "log", "tmp"):
        (root / sub).mkdir()
    (root / "tmp").chmod(0o1777)
    sock = root / "cups.sock"
    (root / "cupsd.conf").write_text(
        f"Listen {sock}\nLogLevel warn\nWebInterface No\nBrowsing No\nDefaultAuthType None\n"
        "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Location /admin>\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n"
    )
    (root / "cups-files.conf").write_text(
        f"ServerRoot {root}\nRequestRoot {root}/spool\nCacheDir {root}/cache\n"
        f"StateDir {root}/state\nTempDir {root}/tmp\nErrorLog {root}/log/error_log\n"
        f"AccessLog {root}/log/access_log\nPageLog {root}/log/page_log\n"
        "Sandboxing Relaxed\nSystemGroup root\n"
    )
    daemon = subprocess.Popen(
        [CUPSD, "-f", "-c", str(root / "cupsd.conf"), "-s", str(root / "cups-files.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env = {**os.environ, "CUPS_SERVER": str(sock)}
    try:
        deadline = time.monotonic() + 20
        while not sock.exists():
            if daemon.poll() is not None or time.monotonic() > deadline:
                log = (root / "log" / "error_log").read_text(errors="replace")[-2000:]
                pytest.fail(f"cupsd did not start: {log}")
            time.sleep(0.1)
        queue = "wms-test-pdf"
        subprocess.run(
            ["lpadmin", "-p", queue, "-E", "-v", "cups-pdf:/", "-P", CUPS_PDF_PPD],
            check=True,
            env=env,
            capture_output=True,
        )
        out_dir = Path(pwd.getpwuid(os.geteuid()).pw_dir) / "PDF"
        yield Cups(str(sock), queue, out_dir)
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=10)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()
        shutil.rmtree(root, ignore_errors=True)


HOST_STATUS = (
    b"\x02030,0,0,1245,000,0,0,0,000,0,0,0\x03\r\n"
    b"\x02000,0,0,0,0,2,4,0,00000000,1,000\x03\r\n"
    b"\x021234,0\x03\r\n"
)


@dataclass
class FakeZebra:
    """A thermal printer on 127.0.0.1: keeps what it is sent and answers ~HS with `status`,
    unless told to `drop` (close as soon as data arrives) or `stall` (accept, then never read
    nor answer)."""

    port: int = 0
    mode: str = "ok"
    status: bytes = HOST_STATUS
    received: list[bytes] = field(default_factory=list)
    _server: socket.socket | None = None

    def start(self) -> None:
        server = socket.create_server(("127.0.0.1", 0))
        self.port = server.getsockname()[1]
        self._server = server
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        assert self._server is not None
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            if self.mode == "stall":
                time.sleep(30)
                return
            data = b""
            while b"~HS" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
                if self.mode == "drop":
                    return
            self.received.append(data.replace(b"~HS", b""))
            conn.sendall(self.status)

    def close(self) -> None:
        if self._server is not None:
            with contextlib.suppress(OSError):
                self._server.shutdown(socket.SHUT_RDWR)  # wakes the accept() and stops listening
            self._server.close()


@pytest.fixture
def zebra() -> Iterator[FakeZebra]:
    printer = FakeZebra()
    printer.start()
    yield printer
    printer.close()


@pytest.fixture
def station(db: Database) -> Station:
    """The packing station of tests/packing (picked orders, carriers, boxes, a packer)."""
    return build_station(db)
