"""FastAPI dependencies: settings, database and the calling principal."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from server.auth.principal import Principal
from server.auth.service import resolve_token
from server.core.config import Settings
from server.core.db import Database
from server.core.errors import Unauthorized


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    return request.app.state.settings


def get_db(request: Request) -> Database:
    """The app's database."""
    return request.app.state.db


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header, if any."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Authorization 头格式应为 Bearer <token>", code="bad_auth_header")
    return token.strip()


def optional_principal(
    db: Annotated[Database, Depends(get_db)],
    authorization: Annotated[str | None, Header()] = None,
) -> Principal | None:
    """The caller, or None when no token is given; a bad token is a 401."""
    token = bearer_token(authorization)
    if token is None:
        return None
    with db.read() as s:
        principal = resolve_token(s, token)
    if principal is None:
        raise Unauthorized("令牌无效、已过期或已被吊销", code="invalid_token")
    return principal


DbDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
PrincipalDep = Annotated[Principal | None, Depends(optional_principal)]
