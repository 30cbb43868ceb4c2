"""The real SMTP server of the notice tests, for the stock-warning e-mail."""

from tests.notices.conftest import smtp  # noqa: F401
