"""An outbox worker's passes (webhook and notice senders): what a pass did, and the loop of
passes that runs until stopped, the next pass at once while a pass was full."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar


@dataclass
class PassReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: PassReport) -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.errors.extend(other.errors)

    def handled(self) -> int:
        """The rows this pass settled one way or another (a full pass means more may be due)."""
        return self.sent + self.retrying + self.failed


R = TypeVar("R", bound=PassReport)


def run_passes(
    one_pass: Callable[[], R],
    total: R,
    *,
    limit: int,
    interval: float,
    stop: threading.Event | None = None,
    on_pass: Callable[[R], object] | None = None,
) -> R:
    """Run `one_pass` until `stop` is set: the next at once while a pass handled `limit` rows,
    else after `interval` seconds; the reports summed into `total`."""
    halt = stop or threading.Event()
    while not halt.is_set():
        report = one_pass()
        total.add(report)
        if on_pass is not None:
            on_pass(report)
        if report.handled() < limit:
            halt.wait(interval)
    return total
