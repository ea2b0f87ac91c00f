"""Check-in windows with explicit clocks, the calling rule for appointments, remote tickets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from server.appointments.checkin import check_in, lookup
from server.appointments.remote import take_remote
from server.appointments.service import book, mark_no_shows
from server.auth.models import Device
from server.auth.principal import Principal
from server.catalog.models import Hall
from server.core.errors import Conflict
from server.tickets.models import Ticket
from server.tickets.service import call_next, issue_ticket
from tests.online.conftest import db_of, set_booking, set_hall_settings
from tests.support.api import HUKOU, KIOSK, login, open_window
from tests.support.online import citizen_login, make_id_number

SLOT = datetime(2030, 6, 3, 2, 0, tzinfo=UTC)  # Monday 10:00 in Asia/Shanghai


@pytest.fixture
def hall_env(client: TestClient) -> dict:
    """A booking for SLOT made days before, the demo kiosk principal and the hall."""
    c = client
    set_booking(c, HUKOU, horizon_days=400000)
    citizen_login(c)
    settings = c.app.state.settings
    person = make_id_number("19800101")
    appt = db_of(c).write(lambda s: book(
        s, citizen_id=1, hall_code="demo", service_code=HUKOU, slot_start=SLOT, name="周八",
        id_number=person, phone="13800000000", settings=settings,
        now=datetime(2030, 6, 1, tzinfo=UTC)))
    with db_of(c).read() as s:
        hall = s.scalar(select(Hall).where(Hall.code == "demo"))
        kiosk = s.scalar(select(Device).where(Device.kind == "kiosk"))
    principal = Principal("device", kiosk.id, "kiosk", hall.id, kiosk.name)
    return {"c": c, "code": appt.booking_code, "hall": hall, "kiosk": principal,
            "settings": settings, "person": person}


def _lookup(env: dict, now: datetime) -> dict:
    return db_of(env["c"]).write(lambda s: lookup(
        s, hall=s.get(Hall, env["hall"].id), booking_code=env["code"], id_number=None,
        settings=env["settings"], now=now))[0]


def _check_in(env: dict, now: datetime, **kw: str):  # noqa: ANN202 - (Ticket fields, reason)
    def work(s):  # noqa: ANN001, ANN202
        r = check_in(s, hall=s.get(Hall, env["hall"].id), booking_code=kw.get("code",
                     env["code"]), id_number=None, settings=env["settings"],
                     principal=env["kiosk"], now=now)
        t = r.ticket
        return {"id": t.id, "priority_class": t.priority_class, "reason": t.priority_reason,
                "slot": t.appointment_slot_start, "late": r.appointment.late,
                "arrival": r.arrival.code, "text": r.arrival.text}

    return db_of(env["c"]).write(work)


@pytest.mark.parametrize(("offset", "arrival", "priority", "late"), [
    (-10, "early", "appointment", False),
    (0, "on_time", "appointment", False),
    (44, "on_time", "appointment", False),
    (50, "late", "normal", True),
])
def test_arrival_window(hall_env: dict, offset: int, arrival: str, priority: str,
                        late: bool) -> None:
    now = SLOT + timedelta(minutes=offset)
    seen = _lookup(hall_env, now)
    assert (seen["arrival"], seen["can_check_in"]) == (arrival, True)
    t = _check_in(hall_env, now)
    assert (t["arrival"], t["priority_class"], t["late"]) == (arrival, priority, late)
    assert t["slot"] == SLOT
    if late:
        assert t["reason"] == "已超过预约时间 50 分钟，按普通号排队"
    with pytest.raises(Conflict, match="该预约已签到，号码为 A") as err:
        _check_in(hall_env, now + timedelta(minutes=1))
    assert err.value.code == "already_checked_in"


def test_too_early_and_expired(hall_env: dict) -> None:
    seen = _lookup(hall_env, SLOT - timedelta(minutes=31))
    assert (seen["arrival"], seen["can_check_in"]) == ("too_early", False)
    assert seen["arrival_text"] == "请于 09:30 后签到"
    day_before = _lookup(hall_env, SLOT - timedelta(days=1))
    assert day_before["arrival_text"] == "请于 6月3日 09:30 后签到"
    with pytest.raises(Conflict, match="签到时间未到：请于 09:30 后签到") as err:
        _check_in(hall_env, SLOT - timedelta(minutes=40))
    assert err.value.code == "too_early"
    next_day = SLOT + timedelta(days=1)
    with pytest.raises(Conflict) as err:
        _check_in(hall_env, next_day)
    assert err.value.code == "appointment_expired"
    seen = _lookup(hall_env, next_day)
    assert (seen["arrival"], seen["can_check_in"]) == ("expired", False)
    db_of(hall_env["c"]).write(lambda s: mark_no_shows(s, now=next_day))
    assert _lookup(hall_env, next_day)["status"] == "no_show"


def test_early_arrival_is_called_first_only_once_its_slot_started(hall_env: dict) -> None:
    c, env = hall_env["c"], hall_env
    clerk = login(c, "clerk1")
    wid = open_window(c, clerk, 4)
    with db_of(c).read() as s:
        from server.auth.service import resolve_token

        clerk_p = resolve_token(s, clerk["Authorization"].split()[1])

    def walk_in(at: datetime) -> int:
        return db_of(c).write(lambda s: issue_ticket(
            s, hall=s.get(Hall, env["hall"].id), service_code=HUKOU, settings=env["settings"],
            principal=env["kiosk"], now=at).ticket.id)

    def call(at: datetime) -> Ticket:
        def work(s):  # noqa: ANN001, ANN202
            t = call_next(s, window_id=wid, principal=clerk_p, settings=env["settings"], now=at)
            out = (t.id, t.call_reason)
            from server.tickets.service import transition

            transition(s, ticket_id=t.id, action="no-show", principal=clerk_p,
                       settings=env["settings"], now=at)
            return out

        return db_of(c).write(work)

    w1 = walk_in(SLOT - timedelta(minutes=25))
    appt = _check_in(env, SLOT - timedelta(minutes=20))
    w2 = walk_in(SLOT - timedelta(minutes=15))
    assert call(SLOT - timedelta(minutes=5)) == (w1, "longest_wait")  # slot not started yet
    assert call(SLOT + timedelta(minutes=1)) == (appt["id"], "appointment")
    assert call(SLOT + timedelta(minutes=2))[0] == w2


def test_remote_ticket_checked_in_at_the_kiosk(client: TestClient) -> None:
    c = client
    h = citizen_login(c)
    r = c.post("/api/v1/remote-tickets", headers=h,
               json={"hall_code": "demo", "service_code": HUKOU})
    assert r.status_code == 201, r.text
    remote = r.json()
    assert remote["kind"] == "remote" and remote["status"] == "booked"
    assert remote["people_ahead"] == 0 and remote["expires_at"]
    dup = c.post("/api/v1/remote-tickets", headers=h,
                 json={"hall_code": "demo", "service_code": HUKOU})
    assert dup.status_code == 409 and dup.json()["error"]["code"] == "remote_pending"
    walk = c.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU}, headers=KIOSK)
    t = c.post("/api/v1/halls/demo/checkins", json={"booking_code": remote["booking_code"]},
               headers=KIOSK)
    assert t.status_code == 201, t.text
    ticket = t.json()
    assert ticket["source"] == "remote" and ticket["priority_class"] == "normal"
    assert ticket["appointment"]["kind"] == "remote"
    # The place was held from the online request, so it is ahead of the later walk-in.
    assert ticket["position"] == 1
    walk_view = c.get(f"/api/v1/track/{walk.json()['tracking_token']}").json()
    assert walk_view["position"] == 2
    mine = c.get("/api/v1/appointments", headers=h).json()[0]
    assert mine["status"] == "checked_in" and mine["ticket"]["number"] == ticket["number"]

    # Second of two per day; a third is refused.
    other = "11110000MB0234567Y4000217001"
    assert c.post("/api/v1/remote-tickets", headers=h,
                  json={"hall_code": "demo", "service_code": other}).status_code == 201
    third = c.post("/api/v1/remote-tickets", headers=h,
                   json={"hall_code": "demo", "service_code": "11110000MB0345678Z4000317001"})
    assert third.status_code == 409 and third.json()["error"]["code"] == "remote_limit"


def test_remote_ticket_expires_and_needs_opening_hours(client: TestClient) -> None:
    c = client
    settings = c.app.state.settings
    citizen_login(c)
    start = datetime(2030, 6, 3, 3, 0, tzinfo=UTC)
    code = db_of(c).write(lambda s: take_remote(
        s, citizen_id=1, phone="13800000000", hall_code="demo", service_code=HUKOU,
        settings=settings, now=start).booking_code)
    with db_of(c).read() as s:
        hall = s.scalar(select(Hall).where(Hall.code == "demo"))
        kiosk = s.scalar(select(Device).where(Device.kind == "kiosk"))
    p = Principal("device", kiosk.id, "kiosk", hall.id)
    late = start + timedelta(minutes=61)
    with pytest.raises(Conflict, match="已过期") as err:
        db_of(c).write(lambda s: check_in(s, hall=s.get(Hall, hall.id), booking_code=code,
                                          id_number=None, settings=settings, principal=p,
                                          now=late))
    assert err.value.code == "appointment_expired"
    set_hall_settings(c, appointment_hours={})
    r = c.post("/api/v1/remote-tickets", headers=citizen_login(c),
               json={"hall_code": "demo", "service_code": HUKOU})
    assert r.status_code == 409 and r.json()["error"]["code"] == "hall_closed"


def test_elderly_late_arrival_keeps_the_green_channel(client: TestClient) -> None:
    c = client
    set_booking(c, HUKOU, horizon_days=400000)
    citizen_login(c)
    settings = c.app.state.settings
    elder = make_id_number("19500101")
    db_of(c).write(lambda s: book(
        s, citizen_id=1, hall_code="demo", service_code=HUKOU, slot_start=SLOT, name="郑老",
        id_number=elder, phone="13800000000", settings=settings,
        now=datetime(2030, 6, 1, tzinfo=UTC)))
    with db_of(c).read() as s:
        hall = s.scalar(select(Hall).where(Hall.code == "demo"))
        kiosk = s.scalar(select(Device).where(Device.kind == "kiosk"))
    p = Principal("device", kiosk.id, "kiosk", hall.id)
    out = db_of(c).write(lambda s: (lambda r: (r.ticket.priority_class, r.appointment.late))(
        check_in(s, hall=s.get(Hall, hall.id), booking_code=None, id_number=elder,
                 settings=settings, principal=p, now=SLOT + timedelta(hours=2))))
    assert out == ("green", True)
