"""Slots and booking: capacity under concurrency, limits, cut-offs, no-shows, reminders."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from server.appointments.models import Appointment, SlotCounter
from server.appointments.reminders import send_reminders
from server.appointments.runner import online_pass
from server.appointments.service import book, mark_no_shows
from server.citizens.models import Notification
from tests.online.conftest import db_of, make_citizens, set_booking, set_hall_settings
from tests.support.api import HUKOU, IDCARD, SOCIAL, login
from tests.support.online import book_appointment, citizen_login, current_slot, make_id_number

WEEK = ("mon", "tue", "wed", "thu", "fri")


def _book(c: TestClient, headers: dict, slot: str, *, service: str = HUKOU,
          id_number: str | None = None, name: str = "王五"):  # noqa: ANN202 - a Response
    return c.post("/api/v1/appointments", headers=headers, json={
        "hall_code": "demo", "service_code": service, "slot_start": slot, "name": name,
        "id_number": id_number or make_id_number(), "phone": "13900000000"})


def test_fifty_concurrent_bookings_for_ten_places(any_client: TestClient) -> None:
    c = any_client
    mgr = login(c, "manager")
    r = c.put(f"/api/v1/halls/demo/config/services/{SOCIAL}", headers=mgr,
              json={"booking": {"capacity_per_slot": 10}})
    assert r.status_code == 200, r.text
    slot = current_slot(c, service_code=SOCIAL)["start"]
    citizens = make_citizens(c, 50)
    ids = [make_id_number(seq=i) for i in range(50)]
    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(lambda i: _book(c, citizens[i], slot, service=SOCIAL,
                                                id_number=ids[i]), range(50)))
    codes = sorted(r.status_code for r in results)
    assert codes.count(201) == 10, [r.text for r in results if r.status_code not in (201, 409)]
    assert codes.count(409) == 40
    assert {r.json()["error"]["code"] for r in results if r.status_code == 409} == {"slot_full"}
    after = c.get(f"/api/v1/halls/demo/services/{SOCIAL}/slots").json()["slots"]
    mine = next(s for s in after if s["start"] == slot)
    assert (mine["booked"], mine["remaining"], mine["bookable"]) == (10, 0, False)
    with db_of(c).read() as s:
        assert s.scalar(select(func.count()).select_from(Appointment)
                        .where(Appointment.status == "booked")) == 10
        assert s.scalar(select(SlotCounter.booked)) == 10


def test_slot_calendar_hours_holidays_horizon_and_lead(client: TestClient) -> None:
    c = client
    set_hall_settings(c, appointment_hours={d: [["09:00", "12:00"]] for d in WEEK},
                      closed_days=["2030-01-01"])
    set_booking(c, HUKOU, slot_minutes=60, horizon_days=400000)
    monday = c.get(f"/api/v1/halls/demo/services/{HUKOU}/slots",
                   params={"date": "2030-01-07"}).json()
    assert [s["label"] for s in monday["slots"]] == ["09:00–10:00", "10:00–11:00",
                                                     "11:00–12:00"]
    assert monday["slots"][0]["start"] == "2030-01-07T01:00:00+00:00"  # Asia/Shanghai
    assert all(s["bookable"] and s["remaining"] == 20 for s in monday["slots"])
    holiday = c.get(f"/api/v1/halls/demo/services/{HUKOU}/slots",
                    params={"date": "2030-01-01"}).json()
    assert holiday["closed"] is True and holiday["slots"] == []
    sunday = c.get(f"/api/v1/halls/demo/services/{HUKOU}/slots", params={"date": "2030-01-06"})
    assert sunday.json()["slots"] == []
    set_booking(c, HUKOU, horizon_days=7)
    far = c.get(f"/api/v1/halls/demo/services/{HUKOU}/slots", params={"date": "2030-01-07"})
    assert {s["reason"] for s in far.json()["slots"]} == {"只能预约 7 天内的时段"}
    headers = citizen_login(c)
    r = _book(c, headers, "2030-01-07T01:00:00+00:00")
    assert r.status_code == 409 and r.json()["error"]["code"] == "slot_not_bookable"
    r = _book(c, headers, "2030-01-07T01:30:00+00:00")
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_slot"

    # Lead time, checked with a fixed clock against the booking service itself.
    set_booking(c, HUKOU, lead_minutes=120, horizon_days=400000)
    now = datetime(2030, 1, 7, 0, 30, tzinfo=UTC)  # 08:30 local
    start = datetime(2030, 1, 7, 2, 0, tzinfo=UTC)  # 10:00 local, only 90 minutes ahead

    def attempt(s):  # noqa: ANN001, ANN202
        return book(s, citizen_id=1, hall_code="demo", service_code=HUKOU, slot_start=start,
                    name="王五", id_number=make_id_number(), phone="13900000000",
                    settings=c.app.state.settings, now=now)

    citizen_login(c, "13900000001")
    with pytest.raises(Exception, match="须至少提前 120 分钟预约"):
        db_of(c).write(attempt)
    now = datetime(2030, 1, 6, 23, 0, tzinfo=UTC)
    assert db_of(c).write(attempt).status == "booked"


def test_person_and_validation_limits(client: TestClient) -> None:
    c = client
    headers = citizen_login(c)
    slot = current_slot(c)["start"]
    person = make_id_number("19850505")
    assert _book(c, headers, slot, id_number=person).status_code == 201
    again = _book(c, headers, slot, id_number=person)
    assert again.status_code == 409 and again.json()["error"]["code"] == "person_limit"
    # Another service the same day is fine; so is another person.
    assert _book(c, headers, current_slot(c, service_code=IDCARD)["start"], service=IDCARD,
                 id_number=person).status_code == 201
    assert _book(c, headers, slot).status_code == 201
    bad = _book(c, headers, slot, id_number="110105198505051234")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_id_number"
    noname = _book(c, headers, slot, name="<script>")
    assert noname.status_code == 422 and noname.json()["error"]["code"] == "invalid_name"
    body = {"hall_code": "demo", "service_code": HUKOU, "slot_start": slot, "name": "王五",
            "id_number": make_id_number()}
    assert c.post("/api/v1/appointments", json=body).status_code == 401
    assert c.post("/api/v1/appointments", headers=login(c, "clerk1"),
                  json=body).status_code == 403


def test_cancel_and_reschedule_with_cut_off(client: TestClient) -> None:
    c = client
    slots = c.get(f"/api/v1/halls/demo/services/{HUKOU}/slots",
                  params={"date": _shanghai_tomorrow()}).json()["slots"]
    first, second = slots[20]["start"], slots[21]["start"]
    b = book_appointment(c, slot_start=first)
    h = b["citizen_headers"]
    assert b["can_cancel"] and b["can_reschedule"]
    r = c.post(f"/api/v1/appointments/{b['booking_code']}/reschedule", headers=h,
               json={"slot_start": second})
    assert r.status_code == 200, r.text
    assert r.json()["slot_start"] == second
    held = {s["start"]: s["booked"] for s in c.get(
        f"/api/v1/halls/demo/services/{HUKOU}/slots",
        params={"date": _shanghai_tomorrow()}).json()["slots"]}
    assert (held[first], held[second]) == (0, 1)
    r = c.delete(f"/api/v1/appointments/{b['booking_code']}", headers=h)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert c.delete(f"/api/v1/appointments/{b['booking_code']}",
                    headers=h).json()["error"]["code"] == "not_booked"
    held = {s["start"]: s["booked"] for s in c.get(
        f"/api/v1/halls/demo/services/{HUKOU}/slots",
        params={"date": _shanghai_tomorrow()}).json()["slots"]}
    assert held[second] == 0
    # The slot covering now is past the 30-minute cut-off.
    now_b = book_appointment(c)
    r = c.delete(f"/api/v1/appointments/{now_b['booking_code']}", headers=h)
    assert r.status_code == 409 and r.json()["error"]["code"] == "cutoff_passed"
    assert "截止时间" in r.json()["error"]["message"]
    assert now_b["can_cancel"] is False
    kinds = [n["kind"] for n in c.get("/api/v1/admin/outbox", headers=login(c, "admin"),
                                      params={"recipient": "13800000000"}).json()]
    assert {"booked", "rescheduled", "cancelled"} <= set(kinds)


def _shanghai_tomorrow() -> str:
    from zoneinfo import ZoneInfo

    return (datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=1)).isoformat()


def test_no_shows_block_further_bookings(client: TestClient) -> None:
    c = client
    settings = c.app.state.settings
    set_booking(c, HUKOU, horizon_days=400000)
    person = make_id_number("19700101")
    citizen_login(c)
    days = [date(2030, 3, d) for d in (4, 5, 6, 7)]

    def book_on(day: date, now: datetime):  # noqa: ANN202
        start = datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)
        return db_of(c).write(lambda s: book(
            s, citizen_id=1, hall_code="demo", service_code=HUKOU, slot_start=start,
            name="赵六", id_number=person, phone="13800000000", settings=settings, now=now))

    for day in days[:3]:
        book_on(day, datetime(2030, 3, 1, tzinfo=UTC))
    later = datetime(2030, 3, 7, 0, 0, tzinfo=UTC)
    assert db_of(c).write(lambda s: mark_no_shows(s, now=later)) == 3
    with pytest.raises(Exception, match="3 次预约未到") as err:
        book_on(days[3], later)
    assert getattr(err.value, "code", "") == "booking_blocked"
    # The block ends after no_show_block_days (30).
    assert book_on(date(2030, 4, 20), datetime(2030, 4, 10, tzinfo=UTC)).status == "booked"


def test_reminders_go_through_the_outbox_once(client: TestClient) -> None:
    c = client
    settings = c.app.state.settings
    set_booking(c, HUKOU, horizon_days=400000)
    citizen_login(c)
    start = datetime(2030, 5, 6, 2, 0, tzinfo=UTC)
    db_of(c).write(lambda s: book(
        s, citizen_id=1, hall_code="demo", service_code=HUKOU, slot_start=start, name="孙七",
        id_number=make_id_number(), phone="13800000000", settings=settings,
        now=datetime(2030, 5, 1, tzinfo=UTC)))
    early = start - timedelta(hours=3)
    assert db_of(c).write(lambda s: send_reminders(s, settings=settings, now=early)) == 0
    due = start - timedelta(minutes=100)
    assert db_of(c).write(lambda s: send_reminders(s, settings=settings, now=due)) == 1
    assert db_of(c).write(lambda s: send_reminders(s, settings=settings, now=due)) == 0
    with db_of(c).read() as s:
        [note] = s.scalars(select(Notification).where(Notification.kind == "reminder")).all()
    assert note.recipient == "13800000000" and "10:00" in note.body and "温馨提醒" in note.body
    # The background pass runs the same code on the real clock: nothing is due now.
    assert online_pass(db_of(c), settings) == (0, 0)
