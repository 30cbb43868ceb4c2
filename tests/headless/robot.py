"""Robots for the headless drivers: `wms-terminal pick --headless` (or `pack --headless`) in a
subprocess, or the same driver in a thread of the test (to stop the database under it), answering
every prompt with the barcode it names (a tote of its own when the system suggests none, the
quantity as digits, the expected weight in kg)."""

from __future__ import annotations

import io
import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from wms_terminal.core.db import Database
from wms_terminal.headless.driver import Driver
from wms_terminal.headless.events import EventWriter
from wms_terminal.headless.picker import Options, PickerDriver

Event = dict[str, Any]
# What a robot sends at a prompt: the line, or None for what a careful picker sends.
Chooser = Callable[[Event], str | None]
TIMEOUT_S = 60.0


class Transport(Protocol):
    def readline(self) -> str: ...
    def write(self, data: bytes) -> None: ...
    def close(self) -> int: ...


class Process:
    """`wms-terminal pick --headless` as a child process (stdin and stdout pipes)."""

    def __init__(
        self, database_url: str, badge: str, pin: str, *extra: str, command: str = "pick"
    ) -> None:
        env = {**os.environ, "WMS_PIN": pin, "WMS_DATABASE_URL": database_url}
        args = [sys.executable, "-m", "wms_terminal", command, "--headless", "--badge", badge]
        self.proc = subprocess.Popen(
            [*args, *extra],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        self.stderr = ""

    def readline(self) -> str:
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().decode("ascii")

    def write(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def close(self) -> int:
        assert self.proc.stdin is not None and self.proc.stderr is not None
        if not self.proc.stdin.closed:
            self.proc.stdin.close()
        code = self.proc.wait(timeout=TIMEOUT_S)
        self.stderr = self.proc.stderr.read().decode("utf-8", "replace")
        return code


class _Lines(io.StringIO):
    def __init__(self, sink: queue.Queue[str]) -> None:
        super().__init__()
        self.sink = sink

    def write(self, s: str) -> int:
        self.sink.put(s)
        return len(s)


class InThread:
    """The same driver in a thread of this process: its `sleep` between retries is `on_sleep`."""

    def __init__(
        self,
        db: Database,
        options: Options,
        on_sleep: Callable[[float], None] | None = None,
        *,
        driver: type[Driver] = PickerDriver,
    ) -> None:
        self._in: queue.Queue[bytes | None] = queue.Queue()
        self._out: queue.Queue[str] = queue.Queue()
        self.driver = driver(
            db, EventWriter(_Lines(self._out)), options, sleep=on_sleep or (lambda _s: None)
        )
        self.code: int | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _lines(self) -> Iterator[str]:
        while (data := self._in.get()) is not None:
            yield data.decode("utf-8", errors="replace")

    def _run(self) -> None:
        self.code = self.driver.run(self._lines())
        self._out.put("")  # end of output

    def readline(self) -> str:
        return self._out.get(timeout=TIMEOUT_S)

    def write(self, data: bytes) -> None:
        self._in.put(data)

    def close(self) -> int:
        self._in.put(None)
        self.thread.join(timeout=TIMEOUT_S)
        assert self.code is not None
        return self.code


def answer(event: Event) -> str | None:
    """What a careful picker or packer scans or keys at a prompt (None: a tote of their own)."""
    if event["expect"] == "quantity":
        return str(event["qty"])
    if event["expect"] == "weight":
        return f"{event['expected_kg']:.3f}"
    if event["expect"] == "box" and event["barcode"] is None:
        return "BOX-XL"  # no single box holds it: the packer takes the biggest
    return event["barcode"]  # type: ignore[no-any-return]


class Robot:
    def __init__(self, transport: Transport, *, tote_base: int = 0) -> None:
        self.io = transport
        self.events: list[Event] = []
        self.sent: list[str] = []
        self._tote_base = tote_base
        self._totes_used = 0

    def next_event(self) -> Event:
        line = self.io.readline()
        if not line:  # the process ended: say why (its exit code and stderr)
            code = self.io.close()
            raise AssertionError(
                f"the driver ended early (exit {code}) after {self.events[-3:]}: "
                f"{getattr(self.io, 'stderr', '')[-2000:]}"
            )
        assert line.endswith("\n") and "\n" not in line[:-1], line
        event: Event = json.loads(line)
        self.events.append(event)
        return event

    def until_prompt(self) -> Event:
        """Events up to the next prompt or done, which is returned."""
        while True:
            event = self.next_event()
            if event["event"] in ("prompt", "done"):
                return event

    def results(self, since: int = 0) -> list[Event]:
        return [e for e in self.events[since:] if e["event"] in ("ok", "error")]

    def send(self, line: str | bytes) -> Event:
        data = line if isinstance(line, bytes) else line.encode("utf-8")
        self.sent.append(data.decode("utf-8", "replace"))
        self.io.write(data + b"\n")
        return self.until_prompt()

    def new_tote(self) -> str:
        self._totes_used += 1
        return f"T-MAIN-{self._tote_base + self._totes_used:04d}"

    def work(self, choose: Chooser | None = None, *, limit: int = 2000) -> Event:
        """Answer prompts until done; returns the done event."""
        event = self.events[-1] if self.events else self.until_prompt()
        for _ in range(limit):
            if event["event"] == "done":
                return event
            line = (choose(event) if choose else None) or answer(event) or self.new_tote()
            event = self.send(line)
        raise AssertionError(f"no done after {limit} prompts: {self.events[-3:]}")

    def lists(self) -> set[int]:
        return {e["list"] for e in self.events if e["event"] == "prompt" and "list" in e}
