"""电子监察 endpoints: alerts, acknowledgement, rules."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from sqlalchemy.orm import Session

from server.alerts.models import Alert
from server.alerts.runner import storage_conditions
from server.alerts.schemas import AlertOut, AlertRulesOut, EvaluateOut
from server.alerts.service import (
    CLEARED_ON_ACK,
    acknowledge,
    alert_public,
    evaluate_alerts,
    list_alerts,
    rules_for,
    validate_rules,
)
from server.audit.service import record
from server.auth.deps import PrincipalDep
from server.auth.principal import require
from server.catalog.service import get_hall
from server.core.deps import DbDep, SettingsDep
from server.core.errors import NotFound
from server.core.schemas import out
from server.events.service import append_event
from tongban_common.wire import MANAGERS, ErrorCode, EventType

router = APIRouter(tags=["alerts"])


@router.get("/halls/{hall}/alerts", **out(list[AlertOut]))
def get_alerts(hall: str, db: DbDep, principal: PrincipalDep,
               state: Annotated[str, Query(description="open|all")] = "open") -> list[dict]:
    """Open alerts (red first) or the whole alert history."""
    with db.read() as s:
        h = get_hall(s, hall)
        require(principal, staff=MANAGERS, hall_id=h.id)
        return list_alerts(s, hall_id=h.id, state=state)


@router.post("/halls/{hall}/alerts/evaluate", **out(EvaluateOut))
def post_evaluate(hall: str, db: DbDep, settings: SettingsDep, principal: PrincipalDep) -> dict:
    """Evaluate the rules now (the background task does this every few seconds)."""

    def work(s: Session) -> dict:
        h = get_hall(s, hall)
        require(principal, staff=MANAGERS, hall_id=h.id)
        # With the server-wide conditions, or this pass would clear the storage alert.
        return evaluate_alerts(s, h, extra=storage_conditions(settings))

    return db.write(work)


@router.post("/alerts/{alert_id}/ack", **out(AlertOut))
def post_ack(alert_id: int, db: DbDep, principal: PrincipalDep) -> dict:
    """Acknowledge an alert; the time to acknowledge is kept."""
    p = require(principal, staff=MANAGERS)

    def work(s: Session) -> dict:
        a = s.get(Alert, alert_id)
        if a is None:
            raise NotFound("告警不存在", code=ErrorCode.ALERT_NOT_FOUND)
        require(p, staff=MANAGERS, hall_id=a.hall_id)
        acknowledge(s, alert_id=alert_id, staff_id=p.id)
        out = alert_public(a)
        append_event(s, hall_id=a.hall_id, type=EventType.ALERT_ACKNOWLEDGED, data=out)
        if a.rule in CLEARED_ON_ACK and a.cleared_at is None:
            a.cleared_at = a.acknowledged_at  # someone is on the way: the call is answered
            out = alert_public(a)
            append_event(s, hall_id=a.hall_id, type=EventType.ALERT_CLEARED, data=out)
        return out

    return db.write(work)


@router.get("/halls/{hall}/alert-rules", **out(AlertRulesOut))
def get_rules(hall: str, db: DbDep, principal: PrincipalDep) -> dict:
    """The hall's effective alert rules."""
    with db.read() as s:
        h = get_hall(s, hall)
        require(principal, staff=MANAGERS, hall_id=h.id)
        return rules_for(h)


@router.put("/halls/{hall}/alert-rules", **out(AlertRulesOut))
def put_rules(hall: str, db: DbDep, principal: PrincipalDep,
              body: Annotated[dict[str, Any], Body()]) -> dict:
    """Change some rules' thresholds or switch rules on/off (validated, audited)."""

    def work(s: Session) -> dict:
        h = get_hall(s, hall)
        p = require(principal, staff=MANAGERS, hall_id=h.id)
        clean = validate_rules(body)
        before = rules_for(h)
        stored = dict((h.settings or {}).get("alert_rules", {}))
        for name, conf in clean.items():
            stored[name] = {**stored.get(name, {}), **conf}
        h.settings = {**(h.settings or {}), "alert_rules": stored}
        after = rules_for(h)
        record(s, hall_id=h.id, principal=p, action="update", entity="alert_rules",
               entity_key=h.code, before=before, after=after)
        return after

    return db.write(work)
