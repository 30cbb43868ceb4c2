"""What the app does with an error nobody expected: a short message, a log entry, a non-zero exit.

Textual's default prints a traceback with every frame's local variables, which holds the database
URL with its password (and badge PINs being checked). Here the traceback goes to the log only,
without locals, with passwords masked; the terminal gets one short line.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable

from rich.text import Text

log = logging.getLogger("wms_terminal.tui")

EXIT_UNEXPECTED = 70  # EX_SOFTWARE: an internal error
SHORT_MESSAGE = "wms-terminal stopped after an unexpected error ({name}); details in the log."

# user:password@ in any URL-like text.
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][\w+.-]*://[^:/@\s]*:)[^@\s]+@")


def mask(text: str, secrets: Iterable[str | None] = ()) -> str:
    """`text` with URL passwords and each given secret replaced by ***."""
    text = _URL_PASSWORD.sub(lambda m: m.group("head") + "***@", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def log_unexpected(exc: BaseException, secrets: Iterable[str | None] = ()) -> None:
    """Log `exc` with its traceback (no locals), passwords masked."""
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    log.error("unexpected error:\n%s", mask("".join(lines), secrets).rstrip())


def short_message(exc: BaseException) -> Text:
    """The one line the terminal shows: the kind of error, never its text (it may hold data)."""
    return Text(SHORT_MESSAGE.format(name=type(exc).__name__))
