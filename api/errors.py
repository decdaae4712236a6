"""Errors of the HTTP API: every failure is ``{"error": {"code": ..., "message": ...}}``.

Codes are stable and machine-readable: ``invalid_parameter`` (422), ``invalid_range``,
``range_too_long`` and ``too_many_rows`` (400), ``missing_credentials``,
``invalid_api_key`` and ``invalid_read_token`` (401), ``api_key_revoked`` and
``receiver_mismatch`` (403), ``not_found`` and ``receiver_not_found`` (404),
``method_not_allowed`` (405), ``batch_conflict`` (409), ``invalid_batch`` (422),
``request_too_large`` (413), ``not_ready`` and ``database_unavailable`` (503),
``internal_error`` (500, a bug).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DataError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException

from monitor.store.segments import BatchConflict, BatchError

log = logging.getLogger(__name__)


class ErrorDetail(BaseModel):
    """A stable machine code and a message for people."""

    code: str
    message: str


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


class ApiError(Exception):
    """An error answered with ``status`` and a JSON body carrying ``code`` and ``message``."""

    def __init__(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


def error_response(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """The JSON error response."""
    body = ErrorBody(error=ErrorDetail(code=code, message=message))
    return JSONResponse(body.model_dump(), status_code=status, headers=dict(headers or {}))


_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "request_too_large"}


async def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, exc.headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for error in exc.errors()[:10]:
        where = ".".join(str(part) for part in error.get("loc", ()))
        problems.append(f"{where}: {error.get('msg', 'invalid')}")
    return error_response(422, "invalid_parameter", "; ".join(problems) or "invalid request")


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
    return error_response(exc.status_code, code, str(exc.detail), exc.headers)


async def _batch_error(_request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, BatchConflict):
        return error_response(409, "batch_conflict", str(exc))
    return error_response(422, "invalid_batch", str(exc))


async def _database_error(_request: Request, exc: Exception) -> JSONResponse:
    log.error("database error: %s", exc)
    return error_response(503, "database_unavailable", "the database is not available")


async def _data_error(_request: Request, exc: Exception) -> JSONResponse:
    log.info("value refused by the database: %s", exc)
    return error_response(
        422, "invalid_parameter", "a value cannot be stored or compared (e.g. NUL)"
    )


async def _internal_error(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("internal error", exc_info=exc)
    return error_response(500, "internal_error", "internal error (a bug: see the server log)")


def install_handlers(app: FastAPI) -> None:
    """Answer every error of ``app`` in the JSON error shape."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(BatchError, _batch_error)
    app.add_exception_handler(DataError, _data_error)
    for unavailable in (OperationalError, InterfaceError, PoolTimeout):
        app.add_exception_handler(unavailable, _database_error)
    app.add_exception_handler(Exception, _internal_error)
