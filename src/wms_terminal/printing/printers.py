"""Printers behind one interface: `send(data, title=...)` puts a document on paper or says why not.

- `FilePrinter`: PDF (or ZPL) files in a spool folder, written whole or not at all (a temporary
  file renamed into place), for PDF printers watched by the OS, archives and tests.
- `CupsPrinter`: a CUPS queue through `lp` (the document on stdin, the title as the job name);
  `lp` exiting non-zero or hanging past the timeout is a failure.
- `RawPrinter`: ZPL over TCP (port 9100) to a thermal printer. Port 9100 has no acknowledgement,
  so after the label the printer is asked for its host status (~HS) and the send only counts when
  the answer comes back within the timeout: a printer that accepts the connection and then stalls
  or drops it fails the job (which is retried) instead of losing the label silently.

Every failure is a `PrinterError` with a message fit for the station's screen and the log.
`printer_from_url` builds one from a setting: `file:///var/spool/wms`, `cups://QUEUE`
(`cups://SERVER/QUEUE` for another CUPS server, or a socket path as
`cups:///run/cups.sock?queue=Q`), `tcp://HOST[:PORT]` (`?confirm=no` for a printer that does not
answer ~HS: the label then counts as printed once the printer took the bytes).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

from wms_terminal.scanning.text import safe_text

ZPL_STATUS = b"~HS"
NO = ("0", "no", "false", "off")
STX, ETX = b"\x02", b"\x03"


class PrinterError(Exception):
    """A document that did not print; `message` says why (no secrets, no control characters)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Printer(Protocol):
    name: str
    formats: frozenset[str]  # "pdf", "zpl"

    def send(self, data: bytes, *, title: str, fmt: str) -> str:
        """Print `data` (in `fmt`); returns where it went (a file, a CUPS job id, host:port)."""
        ...


def _title(title: str) -> str:
    """A job title safe as a file name and a command argument."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", title).strip("-.")
    return cleaned[:80] or "document"


def _check_format(printer: Printer, fmt: str) -> None:
    if fmt not in printer.formats:
        raise PrinterError(f"printer {printer.name} does not print {fmt.upper()}")


@dataclass
class FilePrinter:
    folder: Path
    name: str = "spool"
    formats: frozenset[str] = frozenset({"pdf", "zpl"})

    def send(self, data: bytes, *, title: str, fmt: str) -> str:
        _check_format(self, fmt)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".partial-")
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            target = self.folder / f"{_title(title)}.{fmt}"
            n = 1
            while target.exists():
                n += 1
                target = self.folder / f"{_title(title)}-{n}.{fmt}"
            os.replace(tmp, target)
        except OSError as exc:
            why = exc.strerror or exc
            raise PrinterError(f"cannot write to the spool folder {self.folder}: {why}") from None
        return str(target)


@dataclass
class CupsPrinter:
    queue: str
    server: str | None = None  # host[:port] or a socket path; None: the client's default
    timeout_s: float = 30.0
    name: str = ""
    formats: frozenset[str] = frozenset({"pdf"})

    def __post_init__(self) -> None:
        self.name = self.name or f"cups:{self.queue}"

    def send(self, data: bytes, *, title: str, fmt: str) -> str:
        _check_format(self, fmt)
        env = dict(os.environ)
        if self.server:
            env["CUPS_SERVER"] = self.server
        command = ["lp", "-d", self.queue, "-t", _title(title), "-"]
        try:
            done = subprocess.run(
                command, input=data, capture_output=True, timeout=self.timeout_s, env=env
            )
        except FileNotFoundError:
            raise PrinterError("lp is not installed (apt-get install cups-client)") from None
        except subprocess.TimeoutExpired:
            raise PrinterError(f"CUPS queue {self.queue}: lp did not answer") from None
        if done.returncode != 0:
            why = safe_text(done.stderr.decode("utf-8", "replace").strip(), limit=200)
            raise PrinterError(f"CUPS queue {self.queue}: {why or 'lp failed'}")
        match = re.search(r"request id is (\S+)", done.stdout.decode("utf-8", "replace"))
        return match.group(1) if match else self.queue


@dataclass
class RawPrinter:
    host: str
    port: int = 9100
    timeout_s: float = 10.0
    confirm: bool = True  # ask ~HS after the label and wait for the answer
    name: str = ""
    formats: frozenset[str] = field(default_factory=lambda: frozenset({"zpl"}))

    def __post_init__(self) -> None:
        self.name = self.name or f"{self.host}:{self.port}"

    def send(self, data: bytes, *, title: str, fmt: str) -> str:
        _check_format(self, fmt)
        deadline = time.monotonic() + self.timeout_s
        try:
            with socket.create_connection((self.host, self.port), timeout=self.timeout_s) as conn:
                conn.sendall(data + (ZPL_STATUS if self.confirm else b""))
                if not self.confirm:
                    return self.name
                notes = status_notes(self._await_status(conn, deadline))
        except TimeoutError:
            raise PrinterError(f"printer {self.name} did not answer in time") from None
        except OSError as exc:
            raise PrinterError(f"printer {self.name}: {exc.strerror or exc}") from None
        # The label is in the printer's memory: paper out or paused, it prints when the packer
        # fixes that (sending it again would print it twice). Said where the job shows.
        return f"{self.name} ({', '.join(notes)}: prints when fixed)" if notes else self.name

    def _await_status(self, conn: socket.socket, deadline: float) -> list[list[str]]:
        """The ~HS answer's strings (STX ... ETX), split at commas: the first at least, the
        second (print head, ribbon) when it follows within half a second."""
        got = b""
        while got.count(ETX) < 2:
            left = deadline - time.monotonic()
            if got.count(ETX) == 1:
                left = min(left, 0.5)
            if left <= 0:
                if got.count(ETX) == 1:
                    break
                raise TimeoutError
            conn.settimeout(left)
            try:
                chunk = conn.recv(1024)
            except TimeoutError:
                if got.count(ETX) == 1:
                    break
                raise
            if not chunk:
                if got.count(ETX) >= 1:
                    break
                raise PrinterError(f"printer {self.name} closed the connection")
            got += chunk
        blocks = [part.split(ETX)[0] for part in got.split(STX)[1:]]
        return [b.decode("ascii", "replace").split(",") for b in blocks]


def status_notes(strings: list[list[str]]) -> list[str]:
    """What needs a hand, from a Zebra host status: string 1 field 2 paper out, field 3 paused;
    string 2 field 3 head open, field 4 ribbon out."""
    flags = [(0, 1, "paper out"), (0, 2, "paused"), (1, 2, "head open"), (1, 3, "ribbon out")]
    return [
        what
        for i, j, what in flags
        if len(strings) > i and len(strings[i]) > j and strings[i][j].strip() == "1"
    ]


def printer_from_url(url: str, *, name: str = "") -> Printer:
    """A printer from its setting (see the module docstring); ValueError for anything else."""
    parts = urlsplit(url.strip())
    if parts.scheme == "file" and parts.path:
        return FilePrinter(Path(parts.path), name=name or f"spool:{parts.path}")
    if parts.scheme == "cups":
        queue = parse_qs(parts.query).get("queue", [""])[0]
        if queue:  # cups:///run/cups.sock?queue=Q
            return CupsPrinter(queue, server=parts.path or None, name=name)
        if parts.path.strip("/"):  # cups://server/queue
            return CupsPrinter(parts.path.strip("/"), server=parts.netloc or None, name=name)
        if parts.netloc:  # cups://queue
            return CupsPrinter(parts.netloc, name=name)
    if parts.scheme == "tcp" and parts.hostname:
        confirm = parse_qs(parts.query).get("confirm", ["yes"])[0].lower()
        return RawPrinter(parts.hostname, parts.port or 9100, confirm=confirm not in NO, name=name)
    raise ValueError(
        f"printer {url!r}: use file:///FOLDER, cups://QUEUE, cups://SERVER/QUEUE or tcp://HOST:9100"
    )
