"""Run `wms-terminal` in a pseudo-terminal, as a user's terminal would, and watch what it draws.

`PtyApp(argv).start()` starts the process on a fresh pty of the given size; `wait_for(text)`
reads the screen output until `text` appears (escape sequences removed) and returns the seconds
since the process was started; `type(keys)` sends keystrokes; `rss_mb()` reads the process's
resident memory from /proc; `close()` ends it.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Sequence

# CSI sequences, DCS/PM/APC strings, OSC strings, other two-byte escapes.
_ESCAPES = re.compile(
    rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[PX^_][^\x1b]*\x1b\\|\x1b\][^\x07]*\x07|\x1b."
)


class PtyApp:
    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        size: tuple[int, int] = (80, 24),
    ) -> None:
        self.argv = list(argv)
        self.env = {**os.environ, "TERM": "xterm-256color", **(env or {})}
        self.size = size
        self.proc: subprocess.Popen[bytes] | None = None
        self.started = 0.0
        self._fd = -1
        self._screen = b""

    def start(self) -> PtyApp:
        master, slave = os.openpty()
        cols, rows = self.size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            self.argv, stdin=slave, stdout=slave, stderr=slave, env=self.env, start_new_session=True
        )
        os.close(slave)
        self._fd = master
        return self

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self._fd], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self._fd, 65536)
        except OSError:  # the process ended and closed the pty
            data = b""
        if not data:
            raise RuntimeError(f"{self.argv[0]} ended: {self.text()[-400:]!r}")
        self._screen += data
        return True

    def text(self) -> str:
        return _ESCAPES.sub(b"", self._screen).decode("utf-8", "replace")

    def wait_for(self, text: str, timeout: float = 30.0) -> float:
        """Seconds from start until `text` has been drawn; the output read so far is kept."""
        deadline = time.perf_counter() + timeout
        start = len(self._screen)
        while text not in _ESCAPES.sub(b"", self._screen[start:]).decode("utf-8", "replace"):
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"{text!r} not drawn in {timeout} s: {self.text()[-400:]!r}")
            self._read(left)
        return time.perf_counter() - self.started

    def wait_for_any(self, texts: Sequence[str], timeout: float = 30.0) -> str:
        """The first of `texts` drawn from now on (the output read so far is kept)."""
        deadline = time.perf_counter() + timeout
        start = len(self._screen)
        while True:
            drawn = _ESCAPES.sub(b"", self._screen[start:]).decode("utf-8", "replace")
            found = [(drawn.find(t), t) for t in texts if t in drawn]
            if found:
                return min(found)[1]
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"none of {texts!r} drawn in {timeout} s: {drawn[-400:]!r}")
            self._read(left)

    def type(self, keys: str) -> None:
        os.write(self._fd, keys.encode())

    def rss_mb(self) -> float:
        assert self.proc is not None
        with open(f"/proc/{self.proc.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> PtyApp:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
