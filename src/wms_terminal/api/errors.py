"""How errors answer: a short JSON body (`{"error": ...}`, with `problems` for invalid input),
never a traceback; the database away is 503 with Retry-After, logged with its password masked."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from wms_terminal.core import db_errors
from wms_terminal.core.errors import (
    AuthenticationFailed,
    DatabaseBusy,
    DatabaseUnavailable,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
    WmsError,
)
from wms_terminal.core.order_input import ImportFileError

log = logging.getLogger("wms_terminal.api")

RETRY_AFTER_S = 5  # a database away, or busy: ask again in a few seconds


class ErrorBody(BaseModel):
    error: str


class ProblemItem(BaseModel):
    where: str
    reason: str


class ProblemsBody(BaseModel):
    error: str
    problems: list[ProblemItem]


class ApiError(Exception):
    """An answer other than success: HTTP status, message, headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def _header(description: str) -> dict[str, Any]:
    return {"description": description, "schema": {"type": "string"}}


# Answers every authenticated route can give; add them with `responses=COMMON_RESPONSES`.
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {
        "model": ErrorBody,
        "description": "no key, or a key no active account has",
        "headers": {"WWW-Authenticate": _header("Bearer")},
    },
    403: {"model": ErrorBody, "description": "the account lacks the permission"},
    422: {"model": ProblemsBody, "description": "invalid input: every problem listed"},
    429: {
        "model": ErrorBody,
        "description": "the account's rate limit is reached",
        "headers": {"Retry-After": _header("seconds to wait")},
    },
    503: {
        "model": ErrorBody,
        "description": "the database is unavailable or busy; nothing was changed",
        "headers": {"Retry-After": _header("seconds to wait")},
    },
}


def responses(*extra: tuple[int, str]) -> dict[int | str, dict[str, Any]]:
    """COMMON_RESPONSES plus `(status, description)` error answers of one route."""
    out = dict(COMMON_RESPONSES)
    for status, description in extra:
        out[status] = {"model": ErrorBody, "description": description}
    return out


def _json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)


def _unavailable(message: str) -> JSONResponse:
    return _json(503, {"error": message}, {"Retry-After": str(RETRY_AFTER_S)})


def install(app: FastAPI, password: str | None) -> None:
    """The handlers; `password`: the database URL's, blanked in every logged driver message."""

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return _json(exc.status, {"error": exc.message}, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # a body FastAPI could not parse (broken JSON): input
            problem = {"where": "body", "reason": str(exc.detail)}
            return _json(422, {"error": "1 problem(s)", "problems": [problem]})
        return _json(exc.status_code, {"error": str(exc.detail)}, dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {
                "where": ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "request",
                "reason": str(e.get("msg", "invalid")),
            }
            for e in exc.errors()
        ]
        return _json(422, {"error": f"{len(problems)} problem(s)", "problems": problems})

    @app.exception_handler(WmsError)
    async def _domain(_request: Request, exc: WmsError) -> JSONResponse:
        if isinstance(exc, ImportFileError):
            problems = [{"where": p.where, "reason": p.reason} for p in exc.problems]
            return _json(
                422,
                {"error": f"{len(problems)} problem(s), nothing imported", "problems": problems},
            )
        if isinstance(exc, DatabaseUnavailable):
            log.warning("%s", exc.message)  # the URL's password is masked already (db_errors)
            return _unavailable("database unavailable; try again shortly")
        if isinstance(exc, DatabaseBusy):
            log.info("%s", exc.message)
            return _unavailable("database busy; nothing changed, try again")
        status = _STATUS.get(type(exc))
        if status is None:
            status = next((s for t, s in _STATUS.items() if isinstance(exc, t)), 400)
        if status == 422:
            return _json(422, {"error": exc.message, "problems": [_problem(exc.message)]})
        return _json(status, {"error": exc.message})

    @app.exception_handler(DBAPIError)
    async def _driver(_request: Request, exc: DBAPIError) -> JSONResponse:
        if db_errors.connection_lost(exc.orig):
            log.warning("database unavailable: %s", _masked(exc, password))
            return _unavailable("database unavailable; try again shortly")
        log.error("database error: %s", _masked(exc, password))
        return _json(500, {"error": "internal error (logged)"})

    @app.exception_handler(PoolTimeout)
    async def _pool(_request: Request, exc: PoolTimeout) -> JSONResponse:
        log.warning("no database connection free: %s", exc)
        return _unavailable("database busy; nothing changed, try again")

    @app.exception_handler(Exception)
    async def _crash(_request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error", exc_info=exc)
        return _json(500, {"error": "internal error (logged)"})


_STATUS: dict[type[WmsError], int] = {
    AuthenticationFailed: 401,
    PermissionDenied: 403,
    NotFound: 404,
    InvalidTransition: 409,
    ValidationError: 422,
}


def _problem(message: str) -> dict[str, str]:
    return {"where": "request", "reason": message}


def _masked(exc: DBAPIError, password: str | None) -> str:
    lines = str(exc.orig).strip().splitlines()
    return db_errors.masked(lines[0] if lines else type(exc.orig).__name__, password)
