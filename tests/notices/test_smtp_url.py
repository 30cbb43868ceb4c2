"""WMS_SMTP_URL: plain, STARTTLS (scheme or flag), implicit TLS, login; the password masked."""

from __future__ import annotations

import pytest

from wms_terminal.core.errors import ConfigurationError
from wms_terminal.notices.smtp import parse_smtp_url


def test_schemes_ports_and_options() -> None:
    plain = parse_smtp_url("smtp://mail.example.com")
    assert (plain.host, plain.port, plain.starttls, plain.implicit_tls) == (
        "mail.example.com",
        25,
        False,
        False,
    )
    assert parse_smtp_url("smtp+starttls://m").port == 587
    assert parse_smtp_url("smtp+starttls://m").starttls
    flagged = parse_smtp_url("smtp://m:2525?starttls=true&timeout=3")
    assert (flagged.port, flagged.starttls, flagged.timeout) == (2525, True, 3.0)
    tls = parse_smtp_url("smtps://m")
    assert (tls.port, tls.implicit_tls) == (465, True)


def test_login_is_percent_decoded_and_never_shown() -> None:
    server = parse_smtp_url("smtp+starttls://ops%40example.com:p%40ss%3Aword@m:587")
    assert (server.username, server.password) == ("ops@example.com", "p@ss:word")
    assert "p@ss" not in server.describe() and "p@ss" not in repr(server)
    assert server.describe() == "smtp+starttls://ops@example.com:***@m:587"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://user:hunter2@m", "scheme must be"),
        ("smtp://", "no host"),
        ("smtp://user:hunter2@m?starttls=maybe", "starttls is true or false"),
        ("smtps://user:hunter2@m?starttls=1", "TLS already"),
        ("smtp://user:hunter2@m?timeout=0", "timeout"),
        ("smtp://user:hunter2@m?tls=1", "unknown option 'tls'"),
        ("smtp://user:hunter2@m:99999", "not a URL"),
    ],
)
def test_bad_urls_say_what_is_wrong_without_the_password(url: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message) as bad:
        parse_smtp_url(url)
    assert "hunter2" not in bad.value.message
