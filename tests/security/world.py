"""A two-hall world with one caller per role, and fresh resources in any state on demand.

Roles: anonymous, citizen A and B, the demo hall's kiosk, display and counter devices, a kiosk
of the second hall "east", clerk1 holding demo window 1, clerk2 holding demo window 2, the
east hall's clerk, the demo hall's 公安局 back-office reviewer, the demo manager and the
platform admin.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from server.alerts.models import Alert
from server.auth.service import issue_token
from server.cases.models import FollowUpCase
from server.catalog.models import Hall
from server.core.clock import utcnow
from server.core.db import Database
from server.demo import SERVICES, WINDOWS
from tests.support.api import DISPLAY, HUKOU, KIOSK, PASSWORD, SOCIAL
from tests.support.online import (
    book_appointment,
    citizen_login,
    sample_png,
)

COUNTER = {"Authorization": "Bearer demo-counter-token"}
ROLES = (
    "anonymous", "citizen_a", "citizen_b", "kiosk", "display", "counter", "kiosk_east",
    "clerk_w1", "clerk_w2", "clerk_east", "reviewer", "manager", "admin",
)
STAFF_LOGINS = {"clerk_w1": ("clerk1", PASSWORD), "clerk_w2": ("clerk2", PASSWORD),
                "clerk_east": ("eastclerk", "east12345"), "reviewer": ("reviewer3", PASSWORD),
                "manager": ("manager", PASSWORD),
                "admin": ("admin", PASSWORD)}
CITIZEN_PHONES = {"citizen_a": "13900000001", "citizen_b": "13900000002"}
ALL_DAY = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
# Services window 1 handles (so its clerk can be made to handle an appointment's ticket).
WINDOW1_SERVICES = [SERVICES[i]["code"] for i, _ in WINDOWS[0][2]]
OTHER_SERVICES = [x["code"] for x in SERVICES if x["code"] not in WINDOW1_SERVICES]


class World:
    """Callers and resource factories over one TestClient."""

    def __init__(self, client: TestClient) -> None:
        self.c = client
        self.db: Database = client.app.state.db
        self.seq = itertools.count(1)
        self._slots = itertools.count()
        self._all_day_hall()  # remote tickets need the hall open, whenever the test runs
        admin = self._login("admin", PASSWORD)
        self._make_east(admin)
        self.headers: dict[str, dict[str, str]] = {
            "anonymous": {}, "kiosk": KIOSK, "display": DISPLAY, "counter": COUNTER,
            "kiosk_east": self.east_kiosk,
        }
        for role, (user, pw) in STAFF_LOGINS.items():
            self.headers[role] = self._login(user, pw)
        self.citizen_id: dict[str, int] = {}
        for role, phone in CITIZEN_PHONES.items():
            self.headers[role] = citizen_login(self.c, phone)
            me = self.ok(self.c.get("/api/v1/citizen/me", headers=self.headers[role]))
            self.citizen_id[role] = me["id"]
        windows = self.ok(self.c.get("/api/v1/windows", params={"hall": "demo"},
                                     headers=self.headers["admin"]))
        self.window = {w["number"]: w["id"] for w in windows}
        self.w1, self.w2 = self.window[1], self.window[2]
        self.ok(self.c.post(f"/api/v1/windows/{self.w2}/open", headers=self.headers["clerk_w2"]))
        self.reset_window1()
        staff = self.ok(self.c.get("/api/v1/staff", params={"hall": "demo"},
                                   headers=self.headers["admin"]))
        self.staff_id = {s["username"]: s["id"] for s in staff}

    # ------------------------------------------------------------------ callers

    @staticmethod
    def ok(r: Any) -> Any:  # noqa: ANN401 - JSON of a successful response
        assert r.status_code < 300, f"setup failed: {r.status_code} {r.text[:300]}"
        return r.json() if r.content else None

    def _login(self, username: str, password: str) -> dict[str, str]:
        r = self.c.post("/api/v1/auth/login", json={"username": username, "password": password})
        return {"Authorization": f"Bearer {self.ok(r)['access_token']}"}

    def citizen_headers(self, role: str) -> dict[str, str]:
        """Another token for citizen A or B (what a second OTP login would give)."""
        token = self.db.write(lambda s: issue_token(
            s, kind="citizen", subject_id=self.citizen_id[role], ttl_hours=1))
        return {"Authorization": f"Bearer {token}"}

    def fresh_headers(self, role: str) -> dict[str, str]:
        """A new token for the role (for calls that consume their token, like logout)."""
        if role in STAFF_LOGINS:
            return self._login(*STAFF_LOGINS[role])
        if role in CITIZEN_PHONES:
            return self.citizen_headers(role)
        return self.headers[role]

    def _make_east(self, admin: dict[str, str]) -> None:
        self.ok(self.c.post("/api/v1/halls", json={"code": "east", "name": "东区分中心"},
                            headers=admin))
        self.ok(self.c.post("/api/v1/halls/east/services", headers=admin, json={
            "code": "E-1", "name": "东区事项", "prefix": "K"}))
        w = self.ok(self.c.post("/api/v1/halls/east/windows", headers=admin, json={
            "number": 1, "name": "东区1号", "services": [{"service_code": "E-1"}]}))
        self.east_window = w["id"]
        self.ok(self.c.post("/api/v1/staff", headers=admin, json={
            "username": "eastclerk", "password": "east12345", "role": "clerk",
            "hall_code": "east"}))
        dev = self.ok(self.c.post("/api/v1/devices", headers=admin, json={
            "hall_code": "east", "kind": "kiosk", "name": "东区取号机"}))
        self.east_kiosk = {"Authorization": f"Bearer {dev['token']}"}
        clerk = self._login("eastclerk", "east12345")
        self.ok(self.c.post(f"/api/v1/windows/{self.east_window}/open", headers=clerk))

    def n(self) -> int:
        """A fresh number for unique names."""
        return next(self.seq)

    # ------------------------------------------------------------------ tickets and windows

    def reset_window1(self) -> None:
        """Demo window 1 open, held by clerk1, with no called/serving ticket."""
        admin = self.headers["admin"]
        for _ in range(10):
            v = self.ok(self.c.get(f"/api/v1/windows/{self.w1}", headers=admin))
            cur = v["current_ticket"]
            if cur and cur["status"] == "called":
                self.ok(self.c.post(f"/api/v1/tickets/{cur['id']}/start", headers=admin))
            elif cur and cur["status"] == "serving":
                self.ok(self.c.post(f"/api/v1/tickets/{cur['id']}/complete", headers=admin))
            else:
                break
        holder = (v["clerk"] or {}).get("username")
        if holder != "clerk1" and v["state"] != "closed":
            self.ok(self.c.post(f"/api/v1/windows/{self.w1}/close", headers=admin))
        if holder != "clerk1" or v["state"] != "open":
            self.ok(self.c.post(f"/api/v1/windows/{self.w1}/open",
                                headers=self.headers["clerk_w1"]))

    def window1_closed(self) -> None:
        """Demo window 1 closed and free (nobody holds it)."""
        self.reset_window1()
        self.ok(self.c.post(f"/api/v1/windows/{self.w1}/close", headers=self.headers["clerk_w1"]))

    def issue(self, service: str = HUKOU, **body: Any) -> dict[str, Any]:
        """A waiting ticket from the demo kiosk."""
        return self.ok(self.c.post("/api/v1/halls/demo/tickets",
                                   json={"service_code": service, **body}, headers=KIOSK))

    def ticket(self, state: str) -> dict[str, Any]:
        """A ticket at demo window 1 (clerk1) in `state`: called/serving/suspended/done."""
        self.reset_window1()
        self.issue()
        clerk = self.headers["clerk_w1"]
        t = self.ok(self.c.post(f"/api/v1/windows/{self.w1}/call-next", headers=clerk))
        steps = {"called": (), "serving": ("start",), "suspended": ("start", "hang"),
                 "done": ("start", "complete")}[state]
        for action in steps:
            t = self.ok(self.c.post(f"/api/v1/tickets/{t['id']}/{action}", headers=clerk))
        return t

    def window_services(self, number: int) -> list[dict[str, Any]]:
        """The current services of a demo window, as a PUT body."""
        v = self.ok(self.c.get(f"/api/v1/windows/{self.window[number]}",
                               headers=self.headers["admin"]))
        return [{"service_code": x["code"], "priority": x["priority"]} for x in v["services"]]

    # ------------------------------------------------------------------ other resources

    def device(self) -> int:
        """A throw-away demo display device."""
        return self.ok(self.c.post("/api/v1/devices", headers=self.headers["admin"], json={
            "hall_code": "demo", "kind": "display", "name": f"临时屏{self.n()}"}))["id"]

    def case(self, state: str = "open") -> int:
        """A follow-up case for a bad rating, moved to `state` (open/assigned/replied)."""
        t = self.ticket("done")
        self.ok(self.c.post(f"/api/v1/track/{t['tracking_token']}/evaluation",
                            json={"rating": 1, "comment": "等太久"}))
        with self.db.read() as s:
            case_id = s.scalar(select(FollowUpCase.id).where(FollowUpCase.ticket_id == t["id"]))
        manager = self.headers["manager"]
        if state in ("assigned", "replied"):
            self.ok(self.c.post(f"/api/v1/cases/{case_id}/assign", headers=manager,
                                json={"staff_id": self.staff_id["clerk1"]}))
        if state == "replied":
            self.ok(self.c.post(f"/api/v1/cases/{case_id}/reply", headers=manager,
                                json={"text": "已回访致歉"}))
        return case_id

    def application(self, state: str = "in_review", *, delivery: str = "pickup",
                    id_number: str | None = None) -> int:
        """A 户口迁移 application (公安局 reviews it) accepted at window 1, moved to `state`:
        in_review, correction, decided (approved) or ready_for_pickup."""
        t = self.ticket("serving")
        # The service named: the ticket window 1 called may be of another service when earlier
        # rows left other numbers waiting (tests spread over processes run in another order).
        body = {"service_code": HUKOU, "id_number": id_number or self.id_number(),
                "delivery": delivery,
                "mail_address": "示范市人民路2号" if delivery == "mail" else "",
                "materials": ["id_card", "hukou_book", "move_proof"]}
        app = self.ok(self.c.post(f"/api/v1/tickets/{t['id']}/application", json=body,
                                  headers=self.headers["clerk_w1"]))
        manager = self.headers["manager"]
        steps = {"in_review": [], "correction": [("correction", {"note": "请补充迁入证明原件"})],
                 "decided": [("review", {"decision": "approve"})],
                 "ready_for_pickup": [("review", {"decision": "approve"}), ("ready", None)]}
        for action, step_body in steps[state]:
            self.ok(self.c.post(f"/api/v1/applications/{app['id']}/{action}", json=step_body,
                                headers=manager))
        return app["id"]

    def licence(self) -> int:
        """A throw-away licence in the 电子证照 store."""
        return self.ok(self.c.post("/api/v1/licences", headers=self.headers["admin"], json={
            "id_number": self.id_number(), "licence_type": "hukou_book",
            "name": "居民户口簿"}))["id"]

    def alert(self) -> int:
        """An open demo-hall alert (inserted directly: the rules need real waiting time)."""
        hall_id = self._hall_id("demo")

        def work(s: Any) -> int:  # noqa: ANN401
            a = Alert(hall_id=hall_id, rule="queue_length", subject=f"test{self.n()}",
                      level="yellow", message="排队人数偏多", value=30.0, raised_at=utcnow())
            s.add(a)
            s.flush()
            return a.id

        return self.db.write(work)

    def _all_day_hall(self) -> None:
        def work(s: Any) -> None:  # noqa: ANN401
            hall = s.scalar(select(Hall).where(Hall.code == "demo"))
            hall.opening_hours = ALL_DAY

        self.db.write(work)

    # ------------------------------------------------------------------ online side

    def id_number(self) -> str:
        """A valid, never reused ID number (per-person booking limits stay out of the way)."""
        from server.core.ids import check_digit

        first17 = f"110105198{self.n() % 10}0101{self.n() % 1000:03d}"
        return first17 + check_digit(first17)

    def otp_login_body(self) -> dict[str, str]:
        """Phone + a fresh one-time code (read from the outbox) for a new phone."""
        phone = f"137{self.n():08d}"
        self.ok(self.c.post("/api/v1/citizen/otp", json={"phone": phone}))
        sent = self.ok(self.c.get("/api/v1/admin/outbox", headers=self.headers["admin"],
                                  params={"recipient": phone, "kind": "otp", "limit": 1}))
        return {"phone": phone, "code": sent[0]["data"]["code"]}

    def booking(self, owner: str = "citizen_a", *, material: bool = True,
                window1: bool = False, id_number: str | None = None,
                service: str | None = None, accept: bool = False,
                tomorrow: bool = False) -> dict[str, Any]:
        """A booking for the current slot, or tomorrow's first (far from any cancel cut-off);
        services rotate so no slot fills up."""
        pool = WINDOW1_SERVICES if window1 else OTHER_SERVICES + WINDOW1_SERVICES
        service = service or pool[next(self._slots) % len(pool)]
        slot, nxt = None, None
        if tomorrow:
            day = self.ok(self.c.get(f"/api/v1/halls/demo/services/{service}/slots"))["date"]
            nxt = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
            slot = self._far_slot(service, nxt)
        phone = CITIZEN_PHONES.get(owner, owner)
        files = {"id_card": ("身份证 正面.png", sample_png(), "image/png")} if material else None
        out = book_appointment(self.c, service_code=service, id_number=id_number or
                               self.id_number(), name="欧阳娜娜", phone=phone,
                               materials=files, accept=("id_card",) if accept else (),
                               slot_start=slot)
        return {**out, "local_day": nxt}

    def _far_slot(self, service: str, day: str) -> str:
        """The day's first bookable slot at least two hours away: the cancel and reschedule
        cut-offs (30 min before) must not pass while the test runs, also near midnight."""
        slots = self.ok(self.c.get(f"/api/v1/halls/demo/services/{service}/slots",
                                   params={"date": day}))["slots"]
        soon = datetime.now(UTC) + timedelta(hours=2)
        return next(x["start"] for x in slots
                    if x["bookable"] and datetime.fromisoformat(x["start"]) >= soon)

    def material_id(self, booking: dict[str, Any]) -> int:
        """Id of the booking's id_card file."""
        rows = self.ok(self.c.get(f"/api/v1/appointments/{booking['booking_code']}/materials",
                                  headers=booking["citizen_headers"]))
        return next(m["id"] for m in rows if m["material_code"] == "id_card")

    def reusable_booking(self) -> dict[str, Any]:
        """A booking of citizen A that can reuse an accepted id_card from an earlier one."""
        person = self.id_number()
        self.booking(id_number=person, service=HUKOU, material=True, accept=True)
        return self.booking(id_number=person, service=SERVICES[1]["code"], material=False)

    def handled_material(self) -> tuple[int, int]:
        """(material id, ticket id): citizen A's file whose checked-in ticket clerk1 is
        handling at window 1 right now."""
        b = self.booking(window1=True)
        ticket = self.ok(self.c.post("/api/v1/halls/demo/checkins",
                                     json={"booking_code": b["booking_code"]}, headers=KIOSK))
        clerk = self.headers["clerk_w1"]
        for _ in range(60):
            self.reset_window1()
            called = self.c.post(f"/api/v1/windows/{self.w1}/call-next", headers=clerk)
            assert called.status_code == 200, called.text
            if called.json()["id"] == ticket["id"]:
                return self.material_id(b), ticket["id"]
        raise AssertionError("the checked-in ticket was never called")

    def online_application(self) -> int:
        """A 户口迁移 application (公安局 reviews it) accepted from a booking of a new account
        whose id_card came online, pre-reviewed and accepted."""
        b = self.booking(f"136{self.n():08d}", service=HUKOU, accept=True)
        app = self.ok(self.c.post(f"/api/v1/appointments/{b['booking_code']}/application",
                                  json={"materials": ["hukou_book", "move_proof"]},
                                  headers=self.headers["manager"]))
        assert {m["code"]: m["source"] for m in app["materials"]}["id_card"] == "online"
        return app["id"]

    def _hall_id(self, code: str) -> int:
        with self.db.read() as s:
            return s.scalar(select(Hall.id).where(Hall.code == code))


__all__ = ["ROLES", "SOCIAL", "World"]
