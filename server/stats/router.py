"""Statistics, exports and the live dashboard snapshot (managers of the hall, admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from server.auth.deps import PrincipalDep
from server.auth.principal import require
from server.catalog.models import Hall
from server.catalog.service import get_hall
from server.core.clock import utcnow
from server.core.deps import DbDep, SettingsDep
from server.core.errors import Invalid
from server.core.schemas import download, out
from server.core.xlsx import XLSX
from server.stats.clerk import clerk_today
from server.stats.export import to_csv, to_xlsx
from server.stats.live import live_snapshot
from server.stats.schemas import ClerkTodayOut, LiveOut, StatsOut
from server.stats.service import hall_stats, parse_range, today_for
from tongban_common.wire import HALL_STAFF, MANAGERS, ErrorCode

router = APIRouter(tags=["stats"])
From = Annotated[str | None, Query(alias="from", description="YYYY-MM-DD (hall day)")]
To = Annotated[str | None, Query(description="YYYY-MM-DD inclusive")]
Group = Annotated[str, Query(description="hall|service|window|clerk|hour|day")]
Target = Annotated[float | None, Query(gt=0, le=600, description="service level target, min")]


def _stats(db: DbDep, principal: PrincipalDep, hall: str, day_from: str | None,
           to: str | None, group: str, target: float | None) -> dict:
    with db.read() as s:
        h = get_hall(s, hall)
        require(principal, staff=MANAGERS, hall_id=h.id)
        start, end = parse_range(day_from, to, today_for(h, utcnow()))
        return hall_stats(s, hall=h, day_from=start, day_to=end, group=group,
                          service_level_minutes=target)


@router.get("/halls/{hall}/stats", **out(StatsOut))
def get_stats(hall: str, db: DbDep, principal: PrincipalDep, day_from: From = None,
              to: To = None, group: Group = "hall", target: Target = None) -> dict:
    """Statistics for a day or range, with totals and one row per group."""
    return _stats(db, principal, hall, day_from, to, group, target)


@router.get("/halls/{hall}/stats/export.{fmt}",
            **download("text/csv", XLSX, description="CSV (UTF-8 with BOM) or XLSX"))
def export_stats(hall: str, fmt: str, db: DbDep, principal: PrincipalDep,
                 day_from: From = None, to: To = None, group: Group = "hall",
                 target: Target = None) -> Response:
    """The same statistics as a CSV (UTF-8 with BOM) or XLSX download."""
    if fmt not in ("csv", "xlsx"):
        raise Invalid("导出格式只能是 csv 或 xlsx", code=ErrorCode.INVALID_FORMAT)
    result = _stats(db, principal, hall, day_from, to, group, target)
    name = f"tongban-{hall}-{result['from']}-{result['to']}-{group}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "csv":
        return Response(to_csv(result), media_type="text/csv; charset=utf-8", headers=headers)
    return Response(to_xlsx(result), media_type=XLSX, headers=headers)


@router.get("/halls/{hall}/live", **out(LiveOut))
def get_live(hall: str, db: DbDep, principal: PrincipalDep, settings: SettingsDep) -> dict:
    """Dashboard snapshot: queues per service, windows, today's totals and open alerts."""
    with db.read() as s:
        h = get_hall(s, hall)
        require(principal, staff=MANAGERS, hall_id=h.id)
        return live_snapshot(s, h, settings, utcnow())


@router.get("/staff/me/today", **out(ClerkTodayOut))
def get_my_today(db: DbDep, principal: PrincipalDep) -> dict:
    """The calling clerk's own counts for today (served, no-shows, transfers, avg service)."""
    p = require(principal, staff=HALL_STAFF)
    with db.read() as s:
        hall = s.get(Hall, p.hall_id) if p.hall_id else None
        if hall is None:
            raise Invalid("该账号不属于任何大厅", code=ErrorCode.NO_HALL)
        return clerk_today(s, hall=hall, staff_id=p.id, now=utcnow())
