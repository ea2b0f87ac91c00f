"""FastAPI dependencies: settings, database and the calling principal."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from starlette.concurrency import run_in_threadpool

from server.auth.cache import principals
from server.auth.principal import Principal
from server.auth.service import resolve_digest
from server.core.config import Settings
from server.core.db import Database
from server.core.errors import Unauthorized
from server.core.security import token_digest
from tongban_common.wire import ErrorCode

# The dependencies are `async def` on purpose: a plain `def` dependency costs a hop to the
# thread pool on every request, and these only read app state (or the principal cache).


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


def _resolve_and_remember(db: Database, digest: str) -> Principal | None:
    generation = principals.generation
    with db.read() as s:
        found = resolve_digest(s, digest)
    if found is None:
        return None
    principals.put(db.url, digest, found[0], found[1], generation=generation)
    return found[0]


async def optional_principal(
    request: Request, authorization: Annotated[str | None, Header()] = None,
) -> Principal | None:
    """The caller, or None when no token is given; a bad token is a 401."""
    token = bearer_token(authorization)
    if token is None:
        return None
    db: Database = request.app.state.db
    digest = token_digest(token)
    principal = principals.get(db.url, digest)
    if principal is None:
        principal = await run_in_threadpool(_resolve_and_remember, db, digest)
    if principal is None:
        raise Unauthorized("令牌无效、已过期或已被吊销", code=ErrorCode.INVALID_TOKEN)
    return principal


DbDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
PrincipalDep = Annotated[Principal | None, Depends(optional_principal)]
