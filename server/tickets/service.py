"""Issuing tickets, calling them and moving them through their life cycle."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import exists, func, literal, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from server.auth.principal import Principal
from server.catalog.models import Hall, ServiceItem
from server.catalog.service import get_service
from server.core.clock import business_day, utcnow
from server.core.config import Settings
from server.core.db import UTCDateTime, lock_key
from server.core.errors import Conflict, Forbidden, Invalid, NotFound
from server.core.ids import hash_id, mask_name, parse_id_number
from server.events.service import append_event
from server.tickets import eta
from server.tickets.models import IdempotencyKey, Ticket
from server.tickets.numbering import format_number, next_number
from server.tickets.ordering import explain, next_candidate_query, queue_day, reason_text
from server.windows.models import Window, WindowService
from server.windows.service import TicketSide, check_window_holder, get_window, install_ticket_side
from tongban_common.wire import ACTIVE_STATUSES, ErrorCode, EventType, TicketStatus

ACTIVE = (TicketStatus.CALLED, TicketStatus.SERVING)
R = TypeVar("R")
ETA_CACHE = "tongban_eta_at_issue"  # Session.info key: ticket id → (now, ahead, minutes)


@dataclass
class IssueResult:
    """A ticket, whether it was replayed from an idempotency key, and its service."""

    ticket: Ticket
    replayed: bool
    service: ServiceItem | None = None


def issue_ticket(
    s: Session,
    *,
    hall: Hall,
    service_code: str,
    settings: Settings,
    principal: Principal | None,
    id_number: str | None = None,
    citizen_name: str | None = None,
    priority: str | None = None,
    source: str = "walk_in",
    idempotency_key: str | None = None,
    appointment: dict[str, Any] | None = None,
    queued_since: datetime | None = None,
    now: datetime | None = None,
) -> IssueResult:
    """Issue the next number for a service; a known idempotency key returns its ticket.

    `queued_since` backdates the place in the queue (a remote ticket held since it was taken).
    """
    now = now or utcnow()
    if idempotency_key:
        prior = idempotent_ticket(s, hall_id=hall.id, key=idempotency_key)
        if prior is not None:
            if not same_issuer(prior, principal):
                # Replays are for the caller's own retries, not for reading others' tickets.
                raise Conflict("该 Idempotency-Key 已被其他终端使用，请换一个",
                               code=ErrorCode.IDEMPOTENCY_KEY_REUSED)
            return IssueResult(prior, True)
    service = get_service(s, hall.id, service_code)
    if (appointment is None and (hall.settings or {}).get("no_window_policy") == "refuse"
            and not serving_window_numbers(s, service.id)):
        # A booked appointment is honoured regardless; walk-ins wait for a window to open.
        raise Conflict(f"「{service.name}」暂无窗口办理，暂停取号，请咨询工作人员",
                       code=ErrorCode.NO_OPEN_WINDOW)
    priority_class, reason, id_fields = _priority(
        settings=settings, hall=hall, id_number=id_number, requested=priority,
        principal=principal, now=now,
    )
    if appointment:
        priority_class, reason = "appointment", appointment.get("reason", "预约签到")
    day = business_day(now, hall.timezone)
    n = next_number(s, hall_id=hall.id, prefix=service.prefix, day=day)
    ticket = Ticket(
        hall_id=hall.id,
        service_id=service.id,
        original_service_id=service.id,
        prefix=service.prefix,
        seq_no=n,
        number=format_number(service.prefix, n),
        business_day=day,
        status=TicketStatus.WAITING,
        source=source,
        priority_class=priority_class,
        priority_reason=reason,
        tracking_token=secrets.token_urlsafe(16),
        citizen_name_masked=mask_name(citizen_name) if citizen_name else None,
        issued_by_device_id=principal.id if principal and principal.kind == "device" else None,
        issued_by_staff_id=principal.id if principal and principal.kind == "staff" else None,
        citizen_id=principal.id if principal and principal.kind == "citizen" else None,
        appointment_id=(appointment or {}).get("id"),
        appointment_slot_start=(appointment or {}).get("slot_start"),
        issued_at=now,
        queued_at=min(queued_since, now) if queued_since else now,
        **id_fields,
    )
    s.add(ticket)
    s.flush()
    if idempotency_key:
        s.add(IdempotencyKey(hall_id=hall.id, key=idempotency_key, ticket_id=ticket.id))
    # The hall row read in this transaction (its seq keys the remembered queue, eta.py).
    hall_seq = hall.event_seq if hall in s and queued_since is None else None
    ahead, minutes, waiting = eta.ticket_estimate(
        s, ticket=ticket, service=service, now=now,
        lookback=settings.eta_window_minutes, starvation=settings.starvation_minutes,
        hall_seq=hall_seq)
    ticket.estimated_wait_at_issue = minutes
    # The response view reads this instead of estimating a second time.
    s.info.setdefault(ETA_CACHE, {})[ticket.id] = (now, ahead, minutes)
    ev = append_event(
        s,
        hall_id=hall.id,
        type=EventType.TICKET_ISSUED,
        ticket_id=ticket.id,
        at=now,
        data={
            **_public_ticket_data(ticket, service),
            "source": source,
            "waiting": waiting,
            "estimated_wait_minutes": ticket.estimated_wait_at_issue,
        },
        private=_private_data(ticket),
    )
    if hall_seq is not None:
        eta.confirm_issue_seq(s, hall.id, ev.seq)
    return IssueResult(ticket, False, service)


def serving_window_numbers(s: Session, service_id: int) -> list[int]:
    """Numbers of the open or paused windows that handle a service (closed ones serve nobody)."""
    return list(s.scalars(
        select(Window.number)
        .join(WindowService, WindowService.window_id == Window.id)
        .where(WindowService.service_id == service_id, Window.state.in_(eta.SERVING_STATES))
        .order_by(Window.number)
    ))


def idempotent_ticket(s: Session, *, hall_id: int, key: str) -> Ticket | None:
    """The ticket issued under this Idempotency-Key, if any.

    Holds the key until commit: a concurrent request with the same key (a kiosk retrying
    while its first try is still running) waits here, then finds the ticket and replays it.
    """
    lock_key(s, f"idempotency:{hall_id}:{key}")
    return s.scalar(
        select(Ticket)
        .join(IdempotencyKey, IdempotencyKey.ticket_id == Ticket.id)
        .where(IdempotencyKey.hall_id == hall_id, IdempotencyKey.key == key)
    )


def same_issuer(ticket: Ticket, principal: Principal | None) -> bool:
    """Whether `principal` issued `ticket` (the only caller who may replay its key)."""
    if principal is None:
        return False
    if principal.kind == "device":
        return ticket.issued_by_device_id == principal.id
    if principal.kind == "staff":
        return ticket.issued_by_staff_id == principal.id
    return ticket.citizen_id == principal.id


def _priority(
    *,
    settings: Settings,
    hall: Hall,
    id_number: str | None,
    requested: str | None,
    principal: Principal | None,
    now: datetime,
) -> tuple[str, str, dict[str, Any]]:
    """Priority class, its reason, and the stored ID fields (hash + mask only)."""
    fields: dict[str, Any] = {}
    klass, reason = "normal", ""
    if id_number:
        parsed = parse_id_number(id_number, today=business_day(now, hall.timezone))
        fields = {"id_hash": hash_id(parsed.value, settings.secret_key), "id_masked": parsed.masked}
        age = parsed.age_on(business_day(now, hall.timezone))
        threshold = int(hall.settings.get("green_channel_age", settings.green_channel_age))
        if age >= threshold:
            klass, reason = "green", f"{threshold}岁及以上老年人绿色通道"
    if requested and requested not in ("normal", "green"):
        raise Invalid("priority 只能是 normal 或 green", code=ErrorCode.INVALID_PRIORITY)
    if requested == "green" and klass != "green":
        if principal is None or principal.kind != "staff":
            raise Forbidden("只有工作人员可以标记绿色通道", code=ErrorCode.GREEN_NEEDS_STAFF)
        klass, reason = "green", "工作人员标记绿色通道"
    return klass, reason, fields


def _public_ticket_data(ticket: Ticket, service: ServiceItem) -> dict[str, Any]:
    return {
        "ticket_id": ticket.id,
        "number": ticket.number,
        "service_code": service.code,
        "service_name": service.name,
        "priority_class": ticket.priority_class,
        "status": ticket.status,
    }


def _private_data(ticket: Ticket) -> dict[str, Any] | None:
    data = {"id_masked": ticket.id_masked, "citizen_name_masked": ticket.citizen_name_masked}
    return {k: v for k, v in data.items() if v} or None


# ---------------------------------------------------------------- windows and calling


def call_next(
    s: Session, *, window_id: int, principal: Principal, settings: Settings,
    now: datetime | None = None,
) -> Ticket | None:
    """Atomically take the next waiting ticket for the window, or None when nobody waits."""
    now = now or utcnow()
    window = get_window(s, window_id)
    check_window_holder(window, principal)
    if window.state != "open":
        raise Conflict(f"{window.number} 号窗口未开放（当前：{window.state}），不能叫号",
                       code=ErrorCode.WINDOW_NOT_OPEN)
    busy = s.scalar(
        select(Ticket.number).where(Ticket.window_id == window.id, Ticket.status.in_(ACTIVE))
    )
    if busy:
        raise Conflict(f"请先办结、过号或退回当前号码 {busy}", code=ErrorCode.WINDOW_BUSY)
    candidate = next_candidate_query(
        hall_id=window.hall_id, window_id=window.id, now=now,
        day=queue_day(s, window.hall_id, now), starvation_minutes=settings.starvation_minutes,
    ).scalar_subquery()
    # One statement takes the ticket and returns the whole row (no re-read, no second UPDATE).
    ticket = s.scalars(
        update(Ticket)
        .where(Ticket.id == candidate, Ticket.status == TicketStatus.WAITING)
        .values(
            status=TicketStatus.CALLED, window_id=window.id, staff_id=principal.id, called_at=now,
            call_count=Ticket.call_count + 1,
            first_called_at=func.coalesce(Ticket.first_called_at, literal(now, UTCDateTime())),
        )
        .returning(Ticket),
        execution_options={"populate_existing": True},
    ).one_or_none()
    if ticket is None:
        return None
    ticket.call_reason = explain(
        ticket, window_id=window.id, now=now, starvation_minutes=settings.starvation_minutes,
        top_priority=_skipped_older(s, ticket=ticket, window=window),
    )
    ticket.target_window_id = None
    _emit(s, ticket, EventType.TICKET_CALLED, window=window, now=now,
          extra={"reason": ticket.call_reason,
                 "reason_text": reason_text(ticket.call_reason,
                                            starvation_minutes=settings.starvation_minutes)})
    return ticket


def shown_row(s: Session, model: type[R], row_id: int) -> R:
    """A hall or service row to read (never to change): from the session, else this
    process's short memory (eta.hall_loads: emptied by any committed catalog edit here,
    at most a few seconds old otherwise; a detached copy), else SQL."""
    row = s.identity_map.get(identity_key(model, row_id))
    if row is not None:
        return row
    bind = eta.memory_key(s)
    known = eta.hall_loads.recall(bind, (model, row_id))
    if known is not None:
        return known  # type: ignore[return-value]
    generation = eta.hall_loads.generation
    row = s.get(model, row_id)
    if row is None:
        raise NotFound(f"{model.__name__} {row_id} 不存在", code=ErrorCode.NOT_FOUND)
    if not s.info.get(eta.STALE) and row not in s.dirty:
        # A detached copy of the columns: shared read-only between sessions.
        snap = model(**{a.key: getattr(row, a.key) for a in sa_inspect(model).column_attrs})
        make_transient_to_detached(snap)
        eta.hall_loads.remember(bind, (model, row_id), snap, generation)
    return row


def _skipped_older(s: Session, *, ticket: Ticket, window: Window) -> bool:
    """Whether an older normal ticket was passed over because of window priority."""
    return bool(
        s.scalar(
            select(
                exists().where(
                    Ticket.hall_id == window.hall_id,
                    Ticket.status == TicketStatus.WAITING,
                    Ticket.business_day == ticket.business_day,
                    Ticket.queued_at < ticket.queued_at,
                    Ticket.target_window_id.is_(None),
                    Ticket.service_id.in_(
                        select(WindowService.service_id).where(
                            WindowService.window_id == window.id
                        )
                    ),
                )
            )
        )
    )


def _emit(
    s: Session, ticket: Ticket, type: str, *, window: Window | None, now: datetime,
    extra: dict[str, Any] | None = None,
) -> None:
    service = shown_row(s, ServiceItem, ticket.service_id)
    data = _public_ticket_data(ticket, service)
    data["call_count"] = ticket.call_count
    if window is not None:
        data.update(window_id=window.id, window_number=window.number, window_name=window.name)
    data.update(extra or {})
    # Staff-only: which clerk acted, so per-clerk counts (transfers) survive the ticket moving on.
    private = {**(_private_data(ticket) or {}), "staff_id": ticket.staff_id}
    append_event(s, hall_id=ticket.hall_id, type=type, data=data,
                 private=private, ticket_id=ticket.id, at=now)


# ---------------------------------------------------------------- life cycle

TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "recall": ((TicketStatus.CALLED,), TicketStatus.CALLED),
    "start": ((TicketStatus.CALLED,), TicketStatus.SERVING),
    "complete": ((TicketStatus.SERVING,), TicketStatus.DONE),
    "no-show": ((TicketStatus.CALLED,), TicketStatus.NO_SHOW),
    "requeue": ((TicketStatus.CALLED,), TicketStatus.WAITING),
    "cancel": ((TicketStatus.WAITING,), TicketStatus.CANCELLED),
    "hang": ((TicketStatus.SERVING,), TicketStatus.SUSPENDED),
    "resume": ((TicketStatus.SUSPENDED,), TicketStatus.SERVING),
    "transfer": ((TicketStatus.SERVING,), TicketStatus.WAITING),
}
EVENT_TYPES = {
    "recall": EventType.TICKET_RECALLED, "start": EventType.TICKET_STARTED,
    "complete": EventType.TICKET_COMPLETED, "no-show": EventType.TICKET_NO_SHOW,
    "requeue": EventType.TICKET_REQUEUED, "cancel": EventType.TICKET_CANCELLED,
    "hang": EventType.TICKET_SUSPENDED, "resume": EventType.TICKET_RESUMED,
    "transfer": EventType.TICKET_TRANSFERRED,
}
STATUS_ZH = {
    TicketStatus.WAITING: "等待中", TicketStatus.CALLED: "已叫号", TicketStatus.SERVING: "办理中",
    TicketStatus.SUSPENDED: "已挂起", TicketStatus.DONE: "已办结", TicketStatus.NO_SHOW: "已过号",
    TicketStatus.CANCELLED: "已取消",
}


def get_ticket(s: Session, ticket_id: int) -> Ticket:
    """A ticket by id, or 404."""
    ticket = s.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFound(f"号码 {ticket_id} 不存在", code=ErrorCode.TICKET_NOT_FOUND)
    return ticket


# What a citizen types: the service's prefix (1-2 capital letters, never digits) and the
# day's sequence, at least three digits. Letters-then-digits splits unambiguously, and
# (hall, prefix, business day, seq) is unique in the table, so a number names one ticket.
NUMBER_RE = re.compile(r"^([A-Z]{1,2})(\d{3,5})$")


def find_by_number(s: Session, *, hall: Hall, number: str, now: datetime | None = None) -> Ticket:
    """The ticket of the hall's current business day with this number (A012), or 404."""
    text = (number or "").strip().upper()
    match = NUMBER_RE.match(text)
    if match is None:
        raise Invalid("号码格式应为字母加数字，如 A012", code=ErrorCode.INVALID_TICKET_NUMBER)
    day = business_day(now or utcnow(), hall.timezone)
    ticket = s.scalar(select(Ticket).where(
        Ticket.hall_id == hall.id, Ticket.business_day == day,
        Ticket.prefix == match.group(1), Ticket.seq_no == int(match.group(2))))
    # A0012 parses to the same seq as A012 but is not a number anyone was given.
    if ticket is None or ticket.number != text:
        raise NotFound(f"今天本大厅没有 {text} 号，请核对号票", code=ErrorCode.TICKET_NOT_FOUND)
    return ticket


def transition(
    s: Session,
    *,
    ticket_id: int,
    action: str,
    principal: Principal,
    settings: Settings,
    service_code: str | None = None,
    window_id: int | None = None,
    reason: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Apply one life-cycle action; 409 when the ticket's status does not allow it."""
    now = now or utcnow()
    ticket = s.scalar(select(Ticket).where(Ticket.id == ticket_id).with_for_update())
    if ticket is None:
        raise NotFound(f"号码 {ticket_id} 不存在", code=ErrorCode.TICKET_NOT_FOUND)
    if not principal.can_access_hall(ticket.hall_id):
        raise Forbidden("无权操作其他大厅的号码", code=ErrorCode.FORBIDDEN_HALL)
    allowed_from, target = TRANSITIONS[action]
    if ticket.status not in allowed_from:
        raise Conflict(
            f"号码 {ticket.number} 当前状态为「{STATUS_ZH[ticket.status]}」，不能执行此操作",
            code=ErrorCode.ILLEGAL_TRANSITION,
        )
    window = _acting_window(s, ticket, principal) if action != "cancel" else None
    extra: dict[str, Any] = {}
    if action == "recall":
        limit = int(_hall(s, ticket).settings.get("recall_limit", settings.recall_limit))
        if ticket.call_count >= limit:
            raise Conflict(f"号码 {ticket.number} 已呼叫 {limit} 次，请过号处理",
                           code=ErrorCode.RECALL_LIMIT)
        ticket.call_count += 1
        ticket.called_at = now
    elif action == "start":
        ticket.started_at = now
    elif action in ("complete", "no-show", "cancel"):
        ticket.finished_at = now
    elif action == "requeue":
        ticket.window_id = None
        ticket.staff_id = None
    elif action == "hang":
        ticket.suspended_at = now
    elif action == "resume":
        if ticket.business_day != business_day(now, _hall(s, ticket).timezone):
            raise Conflict("挂起的号码只能在当天回呼", code=ErrorCode.SUSPENDED_EXPIRED)
        busy = s.scalar(select(Ticket.number).where(
            Ticket.window_id == ticket.window_id, Ticket.status.in_(ACTIVE),
            Ticket.id != ticket.id))
        if busy:
            raise Conflict(f"请先处理当前号码 {busy} 再回呼", code=ErrorCode.WINDOW_BUSY)
        ticket.suspended_at = None
    elif action == "transfer":
        extra = _transfer(s, ticket, service_code=service_code, window_id=window_id,
                          reason=reason)
    ticket.status = target
    _emit(s, ticket, EVENT_TYPES[action], window=window, now=now, extra=extra)
    if action == "transfer":
        ticket.window_id = None
        ticket.staff_id = None
    return ticket


# What is left of an earlier business day's queue when a new day starts.
DAY_CLOSE = {TicketStatus.WAITING: (TicketStatus.CANCELLED, EventType.TICKET_CANCELLED),
             TicketStatus.SUSPENDED: (TicketStatus.CANCELLED, EventType.TICKET_CANCELLED),
             TicketStatus.CALLED: (TicketStatus.NO_SHOW, EventType.TICKET_NO_SHOW)}


def close_past_days(s: Session, *, hall_id: int | None = None,
                    now: datetime | None = None) -> int:
    """Lapse tickets of earlier business days still waiting, suspended or called.

    Nobody calls yesterday's numbers first thing in the morning, and they must not count in
    today's queues and estimates. A ticket being served is left to its clerk.
    """
    now = now or utcnow()
    halls = s.scalars(select(Hall) if hall_id is None else select(Hall).where(Hall.id == hall_id))
    closed = 0
    for hall in list(halls):
        stale = s.scalars(select(Ticket).where(
            Ticket.hall_id == hall.id, Ticket.status.in_(tuple(DAY_CLOSE)),
            Ticket.business_day < business_day(now, hall.timezone)).with_for_update()).all()
        for ticket in stale:
            status, event = DAY_CLOSE[ticket.status]
            window = (s.get(Window, ticket.window_id) if ticket.status == TicketStatus.CALLED
                      else None)
            ticket.status, ticket.finished_at = status, now
            _emit(s, ticket, event, window=window, now=now, extra={"reason": "day_closed"})
            closed += 1
    return closed


def _hall(s: Session, ticket: Ticket) -> Hall:
    hall = s.get(Hall, ticket.hall_id)
    assert hall is not None
    return hall


def _acting_window(s: Session, ticket: Ticket, principal: Principal) -> Window:
    """The window that holds the ticket; the caller must be its clerk."""
    if ticket.window_id is None:
        raise Conflict(f"号码 {ticket.number} 未被任何窗口叫到", code=ErrorCode.NOT_AT_WINDOW)
    window = get_window(s, ticket.window_id)
    check_window_holder(window, principal)
    return window


def _transfer(
    s: Session, ticket: Ticket, *, service_code: str | None, window_id: int | None,
    reason: str | None,
) -> dict[str, Any]:
    """Move a serving ticket into another queue; it keeps its number and its place."""
    if bool(service_code) == bool(window_id):
        raise Invalid("转移时请指定目标事项 service_code 或目标窗口 window_id 之一",
                      code=ErrorCode.TRANSFER_TARGET)
    if not (reason or "").strip():
        raise Invalid("请填写转移原因", code=ErrorCode.TRANSFER_REASON)
    from_window = ticket.window_id
    if service_code:
        service = get_service(s, ticket.hall_id, service_code)
        ticket.service_id = service.id
        ticket.target_window_id = None
        target = {"to_service_code": service.code, "to_service_name": service.name}
    else:
        window = get_window(s, int(window_id or 0))
        if window.hall_id != ticket.hall_id:
            raise Forbidden("不能转移到其他大厅的窗口", code=ErrorCode.FORBIDDEN_HALL)
        if window.id == from_window:
            raise Invalid("不能转移到当前窗口", code=ErrorCode.TRANSFER_TARGET)
        ticket.target_window_id = window.id
        target = {"to_window_id": window.id, "to_window_number": window.number}
    ticket.transfer_count += 1
    ticket.started_at = None
    ticket.called_at = None
    return {**target, "from_window_id": from_window, "transfer_reason": reason}


def _ticket_at_window(s: Session, window: Window) -> Ticket | None:
    """The ticket a window shows as current: called or serving first, else a suspended one."""
    return s.scalar(select(Ticket).where(
        Ticket.window_id == window.id,
        Ticket.status.in_((*ACTIVE_STATUSES, TicketStatus.SUSPENDED)))
        .order_by(Ticket.status.in_(ACTIVE_STATUSES).desc()))


def _busy_number(s: Session, window: Window) -> str | None:
    """The number a window is still calling or serving (it may not close meanwhile)."""
    return s.scalar(select(Ticket.number).where(
        Ticket.window_id == window.id, Ticket.status.in_(ACTIVE_STATUSES)))


# Windows sit below tickets (server/windows imports nothing of tickets); what a window needs to
# know of its tickets is installed here.
install_ticket_side(TicketSide(current=_ticket_at_window, busy_number=_busy_number,
                               close_past_days=close_past_days))
