"""Domain errors and their mapping to JSON error responses."""

from __future__ import annotations

import errno
import logging
import sqlite3

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from tongban_common.wire import ErrorCode

log = logging.getLogger(__name__)
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


class DomainError(Exception):
    """Base of errors a client can cause; carries an HTTP status and a code."""

    status = 400
    code: ErrorCode | str = ErrorCode.BAD_REQUEST

    def __init__(self, message: str, *, code: ErrorCode | str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class NotFound(DomainError):
    status = 404
    code = ErrorCode.NOT_FOUND


class Conflict(DomainError):
    status = 409
    code = ErrorCode.CONFLICT


class Invalid(DomainError):
    status = 422
    code = ErrorCode.INVALID


class Unauthorized(DomainError):
    status = 401
    code = ErrorCode.UNAUTHORIZED


class Forbidden(DomainError):
    status = 403
    code = ErrorCode.FORBIDDEN


class TooManyRequests(DomainError):
    status = 429
    code = ErrorCode.TOO_MANY_REQUESTS


class Unavailable(DomainError):
    """A dependency (e.g. the shared rate-limit store) does not answer: try again later."""

    status = 503
    code = ErrorCode.SERVICE_UNAVAILABLE


class StorageFull(DomainError):
    """The server's disk is (nearly) full: nothing was stored, try again later."""

    status = 507
    code = ErrorCode.STORAGE_FULL


STORAGE_FULL_MESSAGE = "服务器存储空间不足，未能保存，请稍后重试或联系大厅工作人员"


# For routes that count attempts per client or phone (OpenAPI: they can answer 429).
RATE_LIMITED = {429: {"description": "Too many attempts; try again later"}}
# For routes that store files on the data directory (OpenAPI: they can answer 507).
STORAGE_FULL = {507: {"description": "The server's disk is (nearly) full: nothing was stored"}}


def error_body(code: ErrorCode | str, message: str, **extra: object) -> dict:
    """The one error envelope of the public contract."""
    return {"error": {"code": code, "message": message, **extra}}


def _is_out_of_range(exc: BaseException) -> bool:
    """A number the database cannot hold (huge ids from a client), wrapped or not."""
    for err in (exc, getattr(exc, "orig", None), exc.__cause__):
        if isinstance(err, OverflowError | DataError):
            return True
    return False


def install_error_handlers(app: FastAPI) -> None:
    """Map domain, HTTP and validation errors to the JSON error envelope."""

    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(error_body(exc.code, exc.message), exc.status, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {400: ErrorCode.INVALID_BODY, 404: ErrorCode.NOT_FOUND,
                405: ErrorCode.METHOD_NOT_ALLOWED}.get(exc.status_code, ErrorCode.HTTP_ERROR)
        message = str(exc.detail)
        if exc.status_code == 400 and "parsing the body" in message:
            message = "请求内容无法解析（应为 UTF-8 编码、嵌套不过深的 JSON）"
        return JSONResponse(error_body(code, message), exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        if "NUL (0x00)" in str(exc):  # PostgreSQL text cannot hold NUL (e.g. a form field)
            return JSONResponse(
                error_body(ErrorCode.INVALID_CHARACTERS, "输入包含非法字符（NUL）"), 422)
        if _is_out_of_range(exc):
            return JSONResponse(
                error_body(ErrorCode.VALUE_OUT_OF_RANGE, "参数数值超出允许范围"), 422)
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body(ErrorCode.INTERNAL_ERROR, "服务器内部错误，请稍后重试"), 500)

    @app.exception_handler(OSError)
    async def _os_error(request: Request, exc: OSError) -> JSONResponse:
        if not is_disk_full(exc):
            raise exc  # a real bug: the 500 handler logs it
        log.error("disk full on %s %s: %s", request.method, request.url.path, exc)
        return JSONResponse(error_body(StorageFull.code, STORAGE_FULL_MESSAGE), StorageFull.status)

    # Registered apart from Exception: Starlette re-raises whatever reaches the catch-all
    # handler, so uvicorn would log a traceback and drop the connection for a client's typo.
    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def _unstorable(request: Request, exc: Exception) -> JSONResponse:
        return await _unexpected(request, exc)

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeout)
    async def _database_down(request: Request, exc: Exception) -> JSONResponse:
        # Database unreachable, too slow or locked for too long (statement, lock, connect and
        # pool timeouts all land here): clients should retry, not give up.
        log.error("database error on %s %s: %s", request.method, request.url.path,
                  getattr(exc, "orig", exc))
        return JSONResponse(
            error_body(ErrorCode.DATABASE_UNAVAILABLE, "服务暂时不可用，请稍后重试"), 503,
            headers={"Retry-After": "2"})

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        first = details[0] if details else {"loc": [], "msg": "invalid request"}
        message = f"{'.'.join(first['loc'][1:]) or 'body'}: {first['msg']}"
        return JSONResponse(error_body(ErrorCode.VALIDATION_ERROR, message, details=details), 422)


def is_disk_full(exc: BaseException) -> bool:
    """ENOSPC/EDQUOT, or SQLite's "database or disk is full", also when wrapped."""
    for err in (exc, getattr(exc, "orig", None), exc.__cause__, exc.__context__):
        if isinstance(err, OSError) and err.errno in DISK_FULL_ERRNOS:
            return True
        if isinstance(err, sqlite3.OperationalError) and "disk is full" in str(err):
            return True
    return False
