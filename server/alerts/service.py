"""电子监察: compute alert conditions and raise, escalate and clear alerts idempotently.

Rules live in Hall.settings["alert_rules"] (merged over DEFAULT_RULES). Each rule has yellow
and red thresholds; exactly one open alert exists per (hall, rule, subject).
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.applications.service import running
from server.auth.models import Device
from server.catalog.models import Hall, ServiceItem
from server.core.clock import business_day, iso, utcnow
from server.core.errors import Conflict, Invalid, NotFound
from server.events.service import append_event
from server.ops.disk import MB, StorageState
from server.tickets.models import Ticket
from server.windows.models import Window, WindowService
from tongban_common.wire import DeviceKind, ErrorCode, EventType, TicketStatus

from .models import Alert

DEFAULT_RULES: dict[str, dict[str, Any]] = {
    # one ticket waiting longer than the limit
    "long_wait": {"enabled": True, "yellow_minutes": 30, "red_minutes": 45},
    # many people of one service waiting longer than `minutes`: open another window
    "crowd": {"enabled": True, "minutes": 15, "yellow_count": 5, "red_count": 10},
    # a window paused, or open without a ticket, for long while its services have people waiting
    "window_idle": {"enabled": True, "yellow_minutes": 10, "red_minutes": 20},
    # serving longer than k × the service's expected minutes
    "slow_service": {"enabled": True, "yellow_factor": 2.0, "red_factor": 3.0},
    # kiosk/display without heartbeat (only devices that have been seen at least once)
    "device_silent": {"enabled": True, "yellow_minutes": 3, "red_minutes": 10},
    # an application (办件) near its promised time limit (yellow) or past it (red)
    "application_due": {"enabled": True, "yellow_days_left": 1},
}
RULE_NAMES_ZH = {
    "long_wait": "等候超时", "crowd": "排队积压", "window_idle": "窗口空闲/暂停",
    "slow_service": "办理超时", "device_silent": "设备离线", "storage_low": "存储空间不足",
    "application_due": "办件超期", "printer_problem": "取号机打印机故障",
    "help_requested": "呼叫工作人员",
}
# Alerts a device reports itself (POST /devices/me/...): raised and cleared by its reports,
# never by the rule passes, which cannot see the printer or the button.
REPORTED_RULES = ("printer_problem", "help_requested")
# Cleared as soon as a manager acknowledges them (someone is on the way).
CLEARED_ON_ACK = ("help_requested",)
LEVEL_RANK = {"yellow": 1, "red": 2}


@dataclass(frozen=True)
class Condition:
    """A condition that holds now: the alert that should be open for it."""

    rule: str
    subject: str
    level: str
    value: float
    message: str
    data: dict[str, Any]


def rules_for(hall: Hall) -> dict[str, dict[str, Any]]:
    """The hall's effective rules (defaults overlaid with its settings)."""
    rules = copy.deepcopy(DEFAULT_RULES)
    for name, conf in (hall.settings or {}).get("alert_rules", {}).items():
        if name in rules and isinstance(conf, dict):
            rules[name].update(conf)
    return rules


def validate_rules(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Check a (partial) rules document; returns it normalised or raises 422 in Chinese."""
    out: dict[str, dict[str, Any]] = {}
    for name, conf in body.items():
        if name not in DEFAULT_RULES:
            raise Invalid(f"未知监察规则 {name}", code=ErrorCode.UNKNOWN_RULE)
        if not isinstance(conf, dict):
            raise Invalid(f"规则 {name} 应为对象", code=ErrorCode.INVALID_RULE)
        clean: dict[str, Any] = {}
        for key, value in conf.items():
            if key not in DEFAULT_RULES[name]:
                raise Invalid(f"规则 {name} 没有参数 {key}", code=ErrorCode.INVALID_RULE)
            if key == "enabled":
                if not isinstance(value, bool):
                    raise Invalid(f"{name}.enabled 应为 true/false", code=ErrorCode.INVALID_RULE)
            elif isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise Invalid(f"{RULE_NAMES_ZH[name]}的参数 {key} 应为正数",
                              code=ErrorCode.INVALID_RULE)
            clean[key] = value
        merged = {**DEFAULT_RULES[name], **clean}
        for lo, hi in (("yellow_minutes", "red_minutes"), ("yellow_count", "red_count"),
                       ("yellow_factor", "red_factor")):
            if lo in merged and merged[lo] > merged[hi]:
                raise Invalid(f"{RULE_NAMES_ZH[name]}：黄色阈值不能大于红色阈值",
                              code=ErrorCode.INVALID_THRESHOLDS)
        out[name] = clean
    return out


def _level(value: float, yellow: float, red: float) -> str | None:
    if value >= red:
        return "red"
    if value >= yellow:
        return "yellow"
    return None


def conditions(s: Session, hall: Hall, now: datetime) -> list[Condition]:
    """Every alert condition that holds in the hall at `now`."""
    rules = rules_for(hall)
    out: list[Condition] = []
    services = {sv.id: sv for sv in s.scalars(
        select(ServiceItem).where(ServiceItem.hall_id == hall.id))}
    waiting = s.execute(select(Ticket.id, Ticket.number, Ticket.service_id, Ticket.queued_at,
                               Ticket.issued_at)
                        .where(Ticket.hall_id == hall.id, Ticket.status == TicketStatus.WAITING,
                               # an earlier day's leftovers are not waiting any more
                               Ticket.business_day == business_day(now, hall.timezone))
                        .order_by(Ticket.issued_at, Ticket.id)).all()
    r = rules["long_wait"]
    if r["enabled"]:
        for tid, number, sid, _queued, issued in waiting:
            minutes = (now - issued).total_seconds() / 60
            level = _level(minutes, r["yellow_minutes"], r["red_minutes"])
            if level:
                out.append(Condition(
                    "long_wait", f"ticket:{tid}", level, round(minutes, 1),
                    f"{number}（{services[sid].name}）已等候 {int(minutes)} 分钟",
                    {"ticket_id": tid, "number": number, "service_code": services[sid].code}))
    r = rules["crowd"]
    if r["enabled"]:
        counts: dict[int, int] = defaultdict(int)
        for _tid, _n, sid, _queued, issued in waiting:
            if (now - issued).total_seconds() / 60 >= r["minutes"]:
                counts[sid] += 1
        for sid, n in counts.items():
            level = _level(n, r["yellow_count"], r["red_count"])
            if level:
                out.append(Condition(
                    "crowd", f"service:{sid}", level, n,
                    f"{services[sid].name}有 {n} 人等候超过 {r['minutes']:g} 分钟，建议增开窗口",
                    {"service_code": services[sid].code, "count": n}))
    r = rules["window_idle"]
    if r["enabled"]:
        out += _idle_windows(s, hall, now, r, waiting)
    r = rules["slow_service"]
    if r["enabled"]:
        serving = s.execute(select(Ticket.id, Ticket.number, Ticket.service_id,
                                   Ticket.started_at, Window.number)
                            .join(Window, Window.id == Ticket.window_id)
                            .where(Ticket.hall_id == hall.id,
                                   Ticket.status == TicketStatus.SERVING)).all()
        for tid, number, sid, started, wnum in serving:
            if started is None:
                continue
            expected = max(services[sid].expected_minutes, 1)
            factor = (now - started).total_seconds() / 60 / expected
            level = _level(factor, r["yellow_factor"], r["red_factor"])
            if level:
                out.append(Condition(
                    "slow_service", f"ticket:{tid}", level, round(factor, 2),
                    f"{wnum}号窗口办理 {number} 已用时 {int(factor * expected)} 分钟"
                    f"（标准 {expected} 分钟）",
                    {"ticket_id": tid, "number": number, "window_number": wnum}))
    r = rules["device_silent"]
    if r["enabled"]:
        devices = s.scalars(select(Device).where(
            Device.hall_id == hall.id, Device.revoked_at.is_(None),
            Device.kind.in_((DeviceKind.KIOSK, DeviceKind.DISPLAY)),
            Device.last_seen_at.is_not(None)))
        for d in devices:
            assert d.last_seen_at is not None
            minutes = (now - d.last_seen_at).total_seconds() / 60
            level = _level(minutes, r["yellow_minutes"], r["red_minutes"])
            if level:
                kind = "取号机" if d.kind == DeviceKind.KIOSK else "显示屏"
                out.append(Condition(
                    "device_silent", f"device:{d.id}", level, round(minutes, 1),
                    f"{kind}「{d.name}」已 {int(minutes)} 分钟无心跳",
                    {"device_id": d.id, "device_kind": d.kind}))
    r = rules["application_due"]
    if r["enabled"]:
        out += _due_applications(s, hall, now, r)
    return out


def _due_applications(s: Session, hall: Hall, now: datetime,
                      r: dict[str, Any]) -> list[Condition]:
    """办件 whose promised time limit is near (yellow) or passed (red); paused ones wait."""
    out = []
    for app, service_name, left in running(s, hall, business_day(now, hall.timezone)):
        level = "red" if left < 0 else "yellow" if left <= r["yellow_days_left"] else None
        if level:
            when = f"已超过承诺时限 {-left} 个工作日" if left < 0 else f"剩余 {left} 个工作日到期"
            out.append(Condition(
                "application_due", f"application:{app.id}", level, float(left),
                f"办件 {app.receipt_no}（{service_name}）{when}",
                {"application_id": app.id, "receipt_no": app.receipt_no,
                 "promised_due": app.promised_due.isoformat()}))
    return out


def storage_condition(state: StorageState) -> Condition | None:
    """存储空间不足: red when the data directory is below its reserve or cannot be written
    (uploads are refused, readiness fails), yellow below twice the reserve (act before)."""
    free_mb = state.free_bytes / MB
    reserve_mb = state.min_free_bytes / MB
    if state.problem == "not_writable":
        level, message = "red", "服务器数据目录无法写入，请立即检查磁盘"
    elif state.problem == "low_space":
        level, message = "red", (f"服务器磁盘仅剩 {free_mb:.0f} MB（低于保留的 "
                                 f"{reserve_mb:g} MB），已暂停接收材料上传，请立即清理或扩容")
    elif state.free_bytes < 2 * state.min_free_bytes:
        level, message = "yellow", (f"服务器磁盘仅剩 {free_mb:.0f} MB，接近保留的 "
                                    f"{reserve_mb:g} MB，请尽快清理或扩容")
    else:
        return None
    return Condition("storage_low", "server:data_dir", level, round(free_mb, 1), message,
                     {"free_mb": round(free_mb, 1), "reserve_mb": reserve_mb,
                      "writable": state.writable})


def _idle_windows(s: Session, hall: Hall, now: datetime, r: dict[str, Any],
                  waiting: list[Any]) -> list[Condition]:
    waiting_by_service: dict[int, int] = defaultdict(int)
    for row in waiting:
        waiting_by_service[row[2]] += 1
    if not waiting_by_service:
        return []
    out = []
    links: dict[int, set[int]] = defaultdict(set)
    for wid, sid in s.execute(select(WindowService.window_id, WindowService.service_id)
                              .join(Window, Window.id == WindowService.window_id)
                              .where(Window.hall_id == hall.id)):
        links[wid].add(sid)
    busy = set(s.scalars(select(Ticket.window_id).where(
        Ticket.hall_id == hall.id, Ticket.status.in_((TicketStatus.CALLED, TicketStatus.SERVING)))))
    last_done = dict(s.execute(
        select(Ticket.window_id, func.max(Ticket.finished_at))
        .where(Ticket.hall_id == hall.id, Ticket.window_id.is_not(None),
               Ticket.finished_at.is_not(None))
        .group_by(Ticket.window_id)).tuples().all())
    for w in s.scalars(select(Window).where(Window.hall_id == hall.id,
                                            Window.state.in_(("open", "paused")))):
        people = sum(waiting_by_service[sid] for sid in links[w.id])
        if people == 0 or w.id in busy:
            continue
        since = w.state_changed_at
        if w.state == "open" and last_done.get(w.id) and last_done[w.id] > since:
            since = last_done[w.id]
        minutes = (now - since).total_seconds() / 60
        level = _level(minutes, r["yellow_minutes"], r["red_minutes"])
        if level:
            what = "暂停" if w.state == "paused" else "空闲"
            out.append(Condition(
                "window_idle", f"window:{w.id}", level, round(minutes, 1),
                f"{w.number}号窗口已{what} {int(minutes)} 分钟，仍有 {people} 人等候",
                {"window_id": w.id, "window_number": w.number, "state": w.state,
                 "waiting": people}))
    return out


def evaluate_alerts(s: Session, hall: Hall, now: datetime | None = None,
                    extra: Iterable[Condition] = ()) -> dict[str, int]:
    """Raise, escalate/de-escalate and clear the hall's alerts; safe to run any number of times.

    `extra`: conditions of the server itself (storage), not computed from the hall's data.
    """
    now = now or utcnow()
    # Passes of several server processes take turns per hall (no duplicate alerts).
    s.execute(select(Hall.id).where(Hall.id == hall.id).with_for_update())
    wanted = {(c.rule, c.subject): c for c in [*conditions(s, hall, now), *extra]}
    open_rows = {(a.rule, a.subject): a for a in s.scalars(
        select(Alert).where(Alert.hall_id == hall.id, Alert.cleared_at.is_(None),
                            Alert.rule.not_in(REPORTED_RULES)))}
    return _apply(s, hall.id, wanted, open_rows, now)


def report_condition(s: Session, hall: Hall, rule: str, subject: str,
                     condition: Condition | None, now: datetime | None = None) -> dict[str, int]:
    """Raise, update or (condition None) clear the one alert a device reports itself."""
    now = now or utcnow()
    s.execute(select(Hall.id).where(Hall.id == hall.id).with_for_update())
    open_rows = {(a.rule, a.subject): a for a in s.scalars(
        select(Alert).where(Alert.hall_id == hall.id, Alert.cleared_at.is_(None),
                            Alert.rule == rule, Alert.subject == subject))}
    wanted = {(rule, subject): condition} if condition is not None else {}
    return _apply(s, hall.id, wanted, open_rows, now)


def _apply(s: Session, hall_id: int, wanted: dict[tuple[str, str], Condition],
           open_rows: dict[tuple[str, str], Alert], now: datetime) -> dict[str, int]:
    """Make the open alerts among `open_rows` match `wanted`, with their events."""
    counts = {"raised": 0, "changed": 0, "cleared": 0}
    events: list[tuple[str, Alert, dict[str, Any]]] = []
    for key, c in wanted.items():
        row = open_rows.get(key)
        if row is None:
            row = Alert(hall_id=hall_id, rule=c.rule, subject=c.subject, level=c.level,
                        message=c.message, value=c.value, data=c.data, raised_at=now,
                        level_changes=[{"at": iso(now), "level": c.level}])
            s.add(row)
            s.flush()
            counts["raised"] += 1
            events.append((EventType.ALERT_RAISED, row, {}))
            continue
        row.value, row.message, row.data = c.value, c.message, c.data
        if row.level != c.level:
            previous = row.level
            row.level = c.level
            row.level_changes = [*row.level_changes, {"at": iso(now), "level": c.level}]
            counts["changed"] += 1
            events.append((EventType.ALERT_RAISED, row, {"previous_level": previous}))
    for key, row in open_rows.items():
        if key not in wanted:
            row.cleared_at = now
            counts["cleared"] += 1
            events.append((EventType.ALERT_CLEARED, row, {}))
    # Events last, as append_event wants; their data carries no personal data.
    for type_, row, extra in events:
        append_event(s, hall_id=hall_id, type=type_, at=now, data={**alert_public(row), **extra})
    return counts


def alert_public(a: Alert) -> dict[str, Any]:
    """Wire form of an alert (no personal data: numbers, windows and services only)."""
    ack = ((a.acknowledged_at - a.raised_at).total_seconds()
           if a.acknowledged_at is not None else None)
    return {
        "id": a.id, "rule": a.rule, "rule_name": RULE_NAMES_ZH.get(a.rule, a.rule),
        "subject": a.subject, "level": a.level, "message": a.message, "value": a.value,
        "data": a.data, "raised_at": iso(a.raised_at), "cleared_at": iso(a.cleared_at),
        "acknowledged_at": iso(a.acknowledged_at), "acknowledged_by": a.acknowledged_by,
        "seconds_to_acknowledge": ack, "level_changes": a.level_changes,
        "open": a.cleared_at is None,
    }


def list_alerts(s: Session, *, hall_id: int, state: str = "open",
                limit: int = 200) -> list[dict[str, Any]]:
    """Open alerts (red first), or all alerts newest first."""
    stmt = select(Alert).where(Alert.hall_id == hall_id)
    if state == "open":
        stmt = stmt.where(Alert.cleared_at.is_(None))
    elif state != "all":
        raise Invalid("state 只能是 open 或 all", code=ErrorCode.INVALID_STATE)
    rows = list(s.scalars(stmt.order_by(Alert.id.desc()).limit(limit)))
    if state == "open":
        rows.sort(key=lambda a: (-LEVEL_RANK.get(a.level, 0), a.raised_at, a.id))
    return [alert_public(a) for a in rows]


def acknowledge(s: Session, *, alert_id: int, staff_id: int,
                now: datetime | None = None) -> Alert:
    """Mark an alert acknowledged (once)."""
    a = s.get(Alert, alert_id)
    if a is None:
        raise NotFound("告警不存在", code=ErrorCode.ALERT_NOT_FOUND)
    if a.acknowledged_at is not None:
        raise Conflict("该告警已确认", code=ErrorCode.ALREADY_ACKNOWLEDGED)
    a.acknowledged_at = now or utcnow()
    a.acknowledged_by = staff_id
    return a
