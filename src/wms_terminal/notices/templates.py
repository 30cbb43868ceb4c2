"""E-mail text from Jinja2 templates: `assets/templates/email/<language>/<kind>.txt` (a
`Subject:` line, a blank line, then the body) and, where one exists in the same language,
`<kind>.html` (the HTML part, autoescaped; `base.html` is its layout). One loader: the folder
named by `WMS_EMAIL_TEMPLATES` first (a shop's own wording), then the shipped templates.

The language: the notice's (the customer's, else the warehouse's default), then English, then
the warehouse's default; the first with a template of the notice's kind wins. A notice without
template values (`data`: raised before templates had them, or by a part that has none) whose
kind has no template it can fill in gets `notice.txt` (its subject and body). A template that
is missing in every language, does not parse or names a value the notice lacks raises
`TemplateProblem`: the sender records the notice as failed with that reason (`notices retry`
after the fix), never sends a half-filled message.

Values from data reach a text part as written, less control characters (no terminal escapes, no
extra header lines); the HTML part escapes them; the subject is one line. Jinja2 never evaluates
text from data, so `{{ ... }}` in a customer's name stays those characters.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wms_terminal.core.errors import ConfigurationError
from wms_terminal.notices.outbox import ClaimedNotice
from wms_terminal.resources import ASSETS

if TYPE_CHECKING:
    from jinja2 import Environment

SHIPPED = ASSETS / "templates" / "email"
GENERIC = "notice"
ENGLISH = "en"
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class TemplateProblem(ConfigurationError):
    """A notice's template is missing, broken or asks for a value the notice does not have."""


def languages(wanted: str, default: str) -> tuple[str, ...]:
    """The languages to try, in order: `wanted` (else the warehouse's `default`), English, the
    warehouse's default; only plain ISO 639 codes (nothing from data becomes a path)."""
    out: list[str] = []
    for lang in (wanted or default, ENGLISH, default):
        lang = (lang or "").strip().lower()
        if _LANGUAGE.match(lang) and lang not in out:
            out.append(lang)
    return tuple(out)


def folders() -> tuple[Path, ...]:
    own = os.environ.get("WMS_EMAIL_TEMPLATES", "").strip()
    return (Path(own).expanduser(), SHIPPED) if own else (SHIPPED,)


@lru_cache(maxsize=4)
def _environment(paths: tuple[Path, ...]) -> Environment:
    # Imported here: jinja2 is loaded by the sender only, never by the CLI's start.
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=FileSystemLoader([str(p) for p in paths]),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def environment() -> Environment:
    return _environment(folders())


def render_parts(
    kind: str, chain: Sequence[str], values: Mapping[str, Any]
) -> tuple[str, str, str | None, str]:
    """(subject, text, html or None, language used) of `kind` in the first language of `chain`
    that has its text template; TemplateProblem when none has it or it cannot be filled in."""
    from jinja2 import TemplateError, TemplateNotFound, TemplatesNotFound

    env = environment()
    name = kind or GENERIC
    wanted = [f"{lang}/{name}.txt" for lang in chain]
    try:
        text_t = env.select_template(wanted)
    except (TemplateNotFound, TemplatesNotFound):
        raise TemplateProblem(
            f"no e-mail template for {name!r}: looked for {', '.join(wanted)} in "
            + " and ".join(str(f) for f in folders())
        ) from None
    except TemplateError as exc:
        raise TemplateProblem(f"e-mail template {_where(exc, wanted)} is broken: {exc}") from None
    lang = str(text_t.name).partition("/")[0]
    html_name = f"{lang}/{name}.html"
    values = {**values, "lang": lang}
    try:
        text = text_t.render(values)
        try:
            html_t = env.get_template(html_name)
        except TemplateNotFound:
            html = None
        else:
            html = html_t.render(values)
    except TemplateError as exc:
        raise TemplateProblem(
            f"e-mail template {_where(exc, [str(text_t.name), html_name])} cannot be filled in: "
            f"{exc}"
        ) from None
    head, _, body = text.partition("\n\n")
    if not head.startswith("Subject:"):
        raise TemplateProblem(
            f"e-mail template {text_t.name} must start with a 'Subject:' line and a blank line"
        )
    return _one_line(head.removeprefix("Subject:")), body, html, lang


def render(notice: ClaimedNotice, *, sender: str) -> EmailMessage:
    """The message for `notice`, addressed to its recipients, from `sender`; TemplateProblem
    when its template is missing or broken."""
    values: dict[str, Any] = {
        **_plain(dict(notice.data)),
        "subject": _one_line(_plain(notice.subject)),
        "body": _plain(notice.body),
        "kind": notice.kind or GENERIC,
        "notice_id": str(notice.id),
        "warehouse": notice.warehouse or "-",
        "created_at": notice.created_at.strftime("%Y-%m-%d %H:%M UTC"),
        "role": notice.role,
    }
    try:
        subject, text, html, lang = render_parts(notice.kind, notice.languages, values)
    except TemplateProblem:
        if notice.data:
            raise
        # Raised without template values (before they existed, or by a part that has none):
        # the summary in the generic template.
        subject, text, html, lang = render_parts(GENERIC, notice.languages, values)
    message = EmailMessage()
    message["Subject"] = subject or values["subject"]
    message["From"] = sender
    message["To"] = ", ".join(notice.recipients)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id(notice, sender)
    message["X-WMS-Notice-Id"] = str(notice.id)
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    message["Content-Language"] = lang  # after the content: setting it clears Content-* headers
    return message


def message_id(notice: ClaimedNotice, sender: str) -> str:
    """The same for every attempt at one notice: a copy sent again after a sender stopped at the
    wrong moment is recognised as the same message (mail clients and archives show one)."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "wms-terminal.invalid"
    stamp = notice.created_at.strftime("%Y%m%d%H%M%S")
    return f"<wms-notice-{notice.id}.{stamp}@{domain}>"


def _plain(value: Any) -> Any:
    """Text from data without control characters (line breaks and tabs kept), all the way down."""
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _where(exc: Exception, names: Sequence[str]) -> str:
    name = getattr(exc, "name", None) or getattr(exc, "filename", None)
    line = getattr(exc, "lineno", None)
    where = str(name) if name else " / ".join(names)
    return f"{where} line {line}" if line else where


def _one_line(text: str) -> str:
    # A header never carries a line break from data (no header injection from a product name).
    return " ".join(text.split())
