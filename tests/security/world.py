"""A two-hall world with one caller per role, and fresh resources in any state on demand.

Roles: anonymous, citizen A and B, the demo hall's kiosk, display and counter devices, a kiosk
of the second hall "east", clerk1 holding demo window 1, clerk2 holding demo window 2, the
east hall's clerk, the demo manager and the platform admin.
"""

from __future__ import annotations

import itertools
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from server.alerts.models import Alert
from server.auth.service import issue_token
from server.cases.models import FollowUpCase
from server.core.clock import utcnow
from server.core.db import Database
from tests.support.api import DISPLAY, HUKOU, KIOSK, PASSWORD, SOCIAL

COUNTER = {"Authorization": "Bearer demo-counter-token"}
ROLES = (
    "anonymous", "citizen_a", "citizen_b", "kiosk", "display", "counter", "kiosk_east",
    "clerk_w1", "clerk_w2", "clerk_east", "manager", "admin",
)
STAFF_LOGINS = {"clerk_w1": ("clerk1", PASSWORD), "clerk_w2": ("clerk2", PASSWORD),
                "clerk_east": ("eastclerk", "east12345"), "manager": ("manager", PASSWORD),
                "admin": ("admin", PASSWORD)}
CITIZEN_IDS = {"citizen_a": 900001, "citizen_b": 900002}


class World:
    """Callers and resource factories over one TestClient."""

    def __init__(self, client: TestClient) -> None:
        self.c = client
        self.db: Database = client.app.state.db
        self.seq = itertools.count(1)
        admin = self._login("admin", PASSWORD)
        self._make_east(admin)
        self.headers: dict[str, dict[str, str]] = {
            "anonymous": {}, "kiosk": KIOSK, "display": DISPLAY, "counter": COUNTER,
            "kiosk_east": self.east_kiosk,
        }
        for role, (user, pw) in STAFF_LOGINS.items():
            self.headers[role] = self._login(user, pw)
        for role in CITIZEN_IDS:
            self.headers[role] = self.citizen_headers(role)
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
        """A fresh citizen token for citizen A or B."""
        token = self.db.write(lambda s: issue_token(
            s, kind="citizen", subject_id=CITIZEN_IDS[role], ttl_hours=1))
        return {"Authorization": f"Bearer {token}"}

    def fresh_headers(self, role: str) -> dict[str, str]:
        """A new token for the role (for calls that consume their token, like logout)."""
        if role in STAFF_LOGINS:
            return self._login(*STAFF_LOGINS[role])
        if role in CITIZEN_IDS:
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

    def _hall_id(self, code: str) -> int:
        from server.catalog.models import Hall

        with self.db.read() as s:
            return s.scalar(select(Hall.id).where(Hall.code == code))


__all__ = ["ROLES", "SOCIAL", "World"]
