"""电子证照: the licence connector interface and its local reference store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.catalog.models import Hall, ServiceItem
from server.core.clock import business_day, iso, utcnow
from server.core.errors import Conflict, NotFound
from server.materials.models import Licence
from tongban_common.wire import ErrorCode

FETCHED_TEXT = "已从电子证照库调取"


@dataclass(frozen=True)
class LicenceInfo:
    """What a connector returns for a licence a person holds."""

    licence_type: str
    name: str
    licence_no: str
    issuer: str
    valid_until: date | None


class LicenceConnector(Protocol):
    """A source of electronic licences (the provincial 电子证照库 or the local store)."""

    def lookup(self, id_hash: str, licence_type: str) -> LicenceInfo | None:
        """The person's valid licence of that type, or None."""


class LocalLicenceStore:
    """Reference connector: the `licences` table, managed through the admin API."""

    def __init__(self, s: Session, today: date) -> None:
        self.s = s
        self.today = today

    def lookup(self, id_hash: str, licence_type: str) -> LicenceInfo | None:
        """The stored licence when it has not expired."""
        row = self.s.scalar(select(Licence).where(Licence.id_hash == id_hash,
                                                  Licence.licence_type == licence_type))
        if row is None or (row.valid_until is not None and row.valid_until < self.today):
            return None
        return LicenceInfo(row.licence_type, row.name, row.licence_no, row.issuer,
                           row.valid_until)


def material_sources(connector: LicenceConnector, service: ServiceItem,
                     id_hash: str | None) -> list[dict[str, Any]]:
    """The service's materials, each marked when the licence store already holds it."""
    out = []
    for m in service.materials or []:
        kind = m.get("licence_type")
        found = connector.lookup(id_hash, kind) if kind and id_hash else None
        out.append({"code": m["code"], "name": m["name"],
                    "required": bool(m.get("required", True)),
                    "licence_type": kind, "from_licence": found is not None,
                    "licence_text": FETCHED_TEXT if found else None,
                    "licence_no": found.licence_no if found else None})
    return out


def add_licence(s: Session, *, id_hash: str, licence_type: str, name: str, licence_no: str,
                issuer: str, valid_until: date | None) -> Licence:
    """Store a licence; one per person and type."""
    exists = select(Licence.id).where(Licence.id_hash == id_hash,
                                      Licence.licence_type == licence_type)
    if s.scalar(exists) is not None:
        raise Conflict("此人已有该类型的电子证照", code=ErrorCode.LICENCE_EXISTS)
    row = Licence(id_hash=id_hash, licence_type=licence_type, name=name, licence_no=licence_no,
                  issuer=issuer, valid_until=valid_until)
    s.add(row)
    s.flush()
    return row


def delete_licence(s: Session, licence_id: int) -> None:
    """Remove a licence from the local store, or 404."""
    row = s.get(Licence, licence_id)
    if row is None:
        raise NotFound("电子证照不存在", code=ErrorCode.LICENCE_NOT_FOUND)
    s.delete(row)


def licence_view(row: Licence) -> dict[str, Any]:
    """Admin view of a stored licence (no ID number: only its hash is kept)."""
    return {"id": row.id, "licence_type": row.licence_type, "name": row.name,
            "licence_no": row.licence_no, "issuer": row.issuer,
            "valid_until": row.valid_until.isoformat() if row.valid_until else None,
            "created_at": iso(row.created_at)}


def licence_store(s: Session, hall: Hall) -> LicenceConnector:
    """The licence connector of the hall (the local reference store)."""
    return LocalLicenceStore(s, business_day(utcnow(), hall.timezone))
