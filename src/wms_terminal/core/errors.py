"""Domain errors that carry a short operator message and a process exit code."""

from __future__ import annotations


class WmsError(Exception):
    """Base class: `message` is shown to the operator as it is."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigurationError(WmsError):
    exit_code = 2


class DatabaseUnavailable(WmsError):
    exit_code = 3


class SchemaOutOfDate(WmsError):
    exit_code = 4


class DatabaseBusy(WmsError):
    exit_code = 5


class ValidationError(WmsError):
    """Input rejected before anything was written."""

    exit_code = 2


class InvalidTransition(WmsError):
    pass


class NotFound(WmsError):
    pass


class InsufficientStock(WmsError):
    pass


class PermissionDenied(WmsError):
    exit_code = 6


class AuthenticationFailed(WmsError):
    exit_code = 6
