"""Writing and listing configuration audit rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.audit.models import ConfigAudit
from server.auth.principal import Principal
from server.core.clock import iso, utcnow


def record(
    s: Session, *, hall_id: int, principal: Principal, action: str, entity: str,
    entity_key: str = "", before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None, now: datetime | None = None,
) -> ConfigAudit | None:
    """Write an audit row in the caller's transaction; unchanged updates are not recorded."""
    if before is not None and after is not None and before == after:
        return None
    row = ConfigAudit(hall_id=hall_id, staff_id=principal.id, staff_name=principal.name,
                      action=action, entity=entity, entity_key=entity_key, before=before,
                      after=after, at=now or utcnow())
    s.add(row)
    return row


def list_audit(s: Session, *, hall_id: int, limit: int = 200,
               entity: str | None = None) -> list[dict[str, Any]]:
    """Newest audit rows of a hall first."""
    stmt = select(ConfigAudit).where(ConfigAudit.hall_id == hall_id)
    if entity:
        stmt = stmt.where(ConfigAudit.entity == entity)
    rows = s.scalars(stmt.order_by(ConfigAudit.id.desc()).limit(limit))
    return [{"id": r.id, "at": iso(r.at), "staff_id": r.staff_id, "staff_name": r.staff_name,
             "action": r.action, "entity": r.entity, "entity_key": r.entity_key,
             "before": r.before, "after": r.after} for r in rows]
