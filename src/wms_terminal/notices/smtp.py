"""The mail server, from `WMS_SMTP_URL`, and sending one message to it.

    smtp://host[:port]                  plain SMTP (port 25)
    smtp://host:587?starttls=true       STARTTLS before anything else is sent
    smtp+starttls://host[:port]         the same (port 587)
    smtps://host[:port]                 implicit TLS from the first byte (port 465)
    ...://user:password@host...         log in (after TLS when the URL asks for TLS)

Query options: `starttls=true|false`, `timeout=SECONDS` (default 10), `cafile=PATH` (a CA bundle
to trust besides the system's, e.g. for an internal relay). User and password may be
percent-encoded. The password is never shown: `SmtpServer.describe()` and every error message
mask it.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from wms_terminal.core.errors import ConfigurationError

_SCHEMES = {
    "smtp": (25, False, False),
    "smtp+starttls": (587, True, False),
    "smtps": (465, False, True),
}
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


class SendFailed(Exception):
    """One attempt failed. `permanent` when trying again cannot help (a 5xx reply, a refused
    login or recipient); `message` is safe to store and show (no password)."""

    def __init__(self, message: str, *, permanent: bool, unreachable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.unreachable = unreachable  # the server did not answer: later notices wait too


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    starttls: bool = False
    implicit_tls: bool = False
    username: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 10.0
    cafile: str = ""

    def describe(self) -> str:
        scheme = "smtps" if self.implicit_tls else "smtp+starttls" if self.starttls else "smtp"
        who = f"{self.username}:***@" if self.username else ""
        return f"{scheme}://{who}{self.host}:{self.port}"

    def mask(self, text: str) -> str:
        return text.replace(self.password, "***") if self.password else text


def parse_smtp_url(url: str) -> SmtpServer:
    """Read `WMS_SMTP_URL`; a ConfigurationError (password masked) names what is wrong."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise ConfigurationError(f"WMS_SMTP_URL is not a URL ({exc})") from exc
    shown = _masked_url(url, parts.password)
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        raise ConfigurationError(
            f"WMS_SMTP_URL {shown}: the scheme must be smtp://, smtp+starttls:// or smtps://"
        )
    if not parts.hostname:
        raise ConfigurationError(f"WMS_SMTP_URL {shown}: no host")
    default_port, starttls, implicit = _SCHEMES[scheme]
    query = {k.lower(): v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    unknown = sorted(set(query) - {"starttls", "timeout", "cafile"})
    if unknown:
        raise ConfigurationError(f"WMS_SMTP_URL {shown}: unknown option {unknown[0]!r}")
    if "starttls" in query:
        flag = query["starttls"].lower()
        if flag not in _TRUE + _FALSE:
            raise ConfigurationError(f"WMS_SMTP_URL {shown}: starttls is true or false")
        starttls = flag in _TRUE
    if starttls and implicit:
        raise ConfigurationError(f"WMS_SMTP_URL {shown}: smtps:// is TLS already; no starttls")
    timeout = 10.0
    if "timeout" in query:
        try:
            timeout = float(query["timeout"])
        except ValueError:
            timeout = -1.0
        if not 0 < timeout <= 300:
            raise ConfigurationError(f"WMS_SMTP_URL {shown}: timeout is 0 to 300 seconds")
    return SmtpServer(
        host=parts.hostname,
        port=port or default_port,
        starttls=starttls,
        implicit_tls=implicit,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        timeout=timeout,
        cafile=query.get("cafile", ""),
    )


def _masked_url(url: str, password: str | None) -> str:
    return url.replace(f":{password}@", ":***@") if password else url


def _tls_context(server: SmtpServer) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if server.cafile:
        try:
            context.load_verify_locations(cafile=server.cafile)
        except (OSError, ssl.SSLError) as exc:
            raise SendFailed(f"cannot read cafile {server.cafile}: {exc}", permanent=True) from exc
    return context


def send_message(server: SmtpServer, message: EmailMessage) -> None:
    """Deliver `message` to the server in one connection; raises SendFailed."""
    try:
        client: smtplib.SMTP
        if server.implicit_tls:
            client = smtplib.SMTP_SSL(
                server.host, server.port, timeout=server.timeout, context=_tls_context(server)
            )
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
        with client:
            if server.starttls:
                client.starttls(context=_tls_context(server))
            if server.username:
                client.login(server.username, server.password)
            client.send_message(message)
    except SendFailed:
        raise
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        detail = "; ".join(
            f"{rcpt}: {code} {_text(msg)}" for rcpt, (code, msg) in exc.recipients.items()
        )
        raise SendFailed(
            server.mask(f"recipients refused ({detail})"), permanent=all(c >= 500 for c in codes)
        ) from exc
    except smtplib.SMTPAuthenticationError as exc:
        raise SendFailed(
            server.mask(
                f"login as {server.username} refused: {exc.smtp_code} {_text(exc.smtp_error)}"
            ),
            permanent=True,
        ) from exc
    except smtplib.SMTPResponseException as exc:
        raise SendFailed(
            server.mask(f"server said {exc.smtp_code} {_text(exc.smtp_error)}"),
            permanent=exc.smtp_code >= 500,
        ) from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise SendFailed(
            server.mask(f"{server.describe()}: {exc} (check starttls/smtps in WMS_SMTP_URL)"),
            permanent=True,
        ) from exc
    except (smtplib.SMTPException, OSError) as exc:  # refused, timed out, TLS, dropped
        reason = str(exc) or type(exc).__name__
        raise SendFailed(
            server.mask(f"cannot deliver to {server.describe()}: {reason}"),
            permanent=False,
            unreachable=not isinstance(exc, smtplib.SMTPException),
        ) from exc


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
