"""FastAPI dependencies: settings, database and the bearer token.

The calling principal (`PrincipalDep`) is resolved in `server/auth/deps.py`: core imports no
domain."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from server.core.config import Settings
from server.core.db import Database
from server.core.errors import Unauthorized
from tongban_common.wire import ErrorCode

# The dependencies are `async def` on purpose: a plain `def` dependency costs a hop to the
# thread pool on every request, and these only read app state.


async def get_settings(request: Request) -> Settings:
    """The app's settings."""
    return request.app.state.settings


async def get_db(request: Request) -> Database:
    """The app's database."""
    return request.app.state.db


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header, if any."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Authorization 头格式应为 Bearer <token>",
                           code=ErrorCode.BAD_AUTH_HEADER)
    return token.strip()


DbDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
