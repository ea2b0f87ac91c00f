"""A few seconds' in-process memory of resolved bearer tokens.

Every API request resolves its token; remembering the answer briefly saves a read transaction
and two or three queries per request. Revocation still takes effect at once in this process:
any committed change to a staff member, device or token (ORM flush or bulk statement) empties
the cache. Other server processes (PostgreSQL with several workers) see it within
`TTL_SECONDS`.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from server.auth.models import AuthToken, Staff
from server.auth.principal import Principal
from server.core.clock import utcnow
from server.devices.models import Device

TTL_SECONDS = 3.0
_CHANGED = "tongban_auth_changed"  # Session.info key: this transaction touched who may call
_AUTH_MODELS = (AuthToken, Staff, Device)
# Execution option for bulk statements on those tables that cannot change a principal.
AUTH_NEUTRAL = "tongban_auth_neutral"


class PrincipalCache:
    """Resolved principals by (database URL, token digest), each kept for a few seconds."""

    def __init__(self, ttl: float = TTL_SECONDS) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, str], tuple[float, datetime | None, Principal]] = {}
        # Bumped on every invalidation, so a lookup that raced a revocation is not stored.
        self.generation = 0

    def get(self, db_url: str, digest: str) -> Principal | None:
        """The remembered principal, unless it is older than the TTL or its token expired."""
        entry = self._entries.get((db_url, digest))
        if entry is None:
            return None
        stored, expires_at, principal = entry
        if time.monotonic() - stored > self.ttl or (expires_at and expires_at <= utcnow()):
            with self._lock:
                self._entries.pop((db_url, digest), None)
            return None
        return principal

    def put(self, db_url: str, digest: str, principal: Principal, expires_at: datetime | None,
            *, generation: int) -> None:
        """Remember a principal read while the cache was at `generation`."""
        with self._lock:
            if generation != self.generation:
                return
            if len(self._entries) > 10_000:  # many distinct tokens: start over, stay small
                self._entries.clear()
            self._entries[(db_url, digest)] = (time.monotonic(), expires_at, principal)

    def clear(self) -> None:
        """Forget everything (a staff member, device or token changed)."""
        with self._lock:
            self.generation += 1
            self._entries.clear()


principals = PrincipalCache()


@event.listens_for(Session, "after_flush")
def _note_auth_change(session: Session, _ctx: object) -> None:
    touched = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, _AUTH_MODELS) for obj in touched):
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_auth_change(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete) or state.execution_options.get(AUTH_NEUTRAL):
        return
    mapper = state.bind_mapper
    if mapper is not None and mapper.class_ in _AUTH_MODELS:
        state.session.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _invalidate_after_commit(session: Session) -> None:
    if session.info.pop(_CHANGED, False):
        principals.clear()


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_CHANGED, None)
