"""The access-control matrix: every route of the app × every role, and who may call it.

A row says which roles succeed; everyone else must be refused (401 anonymous, 403 others)
unless the row names another refusal (e.g. 409 for a clerk who already holds another window).
`make(world)` builds a fresh request whose target is in the right state, so that allowed
roles really succeed (2xx/3xx) rather than fail for another reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from server.applications.models import Application
from server.demo import SERVICES
from tests.security.world import ROLES, World
from tests.support.api import HUKOU, SOCIAL


@dataclass
class Req:
    """One request: URL and optional JSON body / query; `fresh_token` for token-consuming calls."""

    url: str
    json: Any = None
    params: dict[str, str] | None = None
    fresh_token: bool = False
    data: dict[str, str] | None = None
    files: dict[str, tuple[str, bytes, str]] | None = None


@dataclass
class Row:
    """Who may call a route, and how to build a valid request for it."""

    allowed: frozenset[str]
    make: Callable[[World], Req]
    refused: dict[str, int] = field(default_factory=dict)
    reuse: bool = False  # read-only: one target serves every role


EVERYONE = frozenset(ROLES)
AUTHENTICATED = EVERYONE - {"anonymous"}
CITIZENS = frozenset({"citizen_a", "citizen_b"})
DEMO_DEVICES = frozenset({"kiosk", "display", "counter"})
DEMO_CLERKS = frozenset({"clerk_w1", "clerk_w2"})
MANAGERS = frozenset({"manager", "admin"})
ADMIN = frozenset({"admin"})
DEMO_STAFF = DEMO_CLERKS | MANAGERS
WINDOW1_HOLDERS = frozenset({"clerk_w1"}) | MANAGERS  # managers/admins may act on any window
KIOSK_AND_STAFF = DEMO_STAFF | {"kiosk"}
KIOSKS = frozenset({"kiosk", "kiosk_east"})
OWNER = frozenset({"citizen_a"})
NOT_YOURS = {"citizen_b": 404}  # another citizen's booking does not exist for them
DEMO_BACK_OFFICE = DEMO_STAFF | {"reviewer"}  # the reviewer of 公安局, which reviews 户口迁移
REVIEWERS = MANAGERS | {"reviewer"}
ALL_MATERIALS = sorted({m["code"] for svc in SERVICES for m in svc["materials"]})


def _const(url: str, **kw: Any) -> Callable[[World], Req]:  # noqa: ANN401
    return lambda w: Req(url, **kw)


def _ticket_action(state: str, action: str, body: Any = None) -> Callable[[World], Req]:  # noqa: ANN401
    return lambda w: Req(f"/api/v1/tickets/{w.ticket(state)['id']}/{action}", json=body)


def _window1(action: str) -> Callable[[World], Req]:
    def make(w: World) -> Req:
        w.window1_closed() if action == "open" else w.reset_window1()
        return Req(f"/api/v1/windows/{w.w1}/{action}")
    return make


def _call_next(w: World) -> Req:
    w.reset_window1()
    w.issue()
    return Req(f"/api/v1/windows/{w.w1}/call-next")


def _third_in_line(w: World) -> Req:
    """A 到号提醒 for a number with two people ahead."""
    token = [w.issue() for _ in range(3)][-1]["tracking_token"]
    return Req(f"/api/v1/track/{token}/reminder", json={"phone": "13900000001", "ahead": 1})


def _done_track(w: World) -> Req:
    return Req(f"/api/v1/track/{w.ticket('done')['tracking_token']}/evaluation",
               json={"rating": 5, "comment": "很好"})


def _case(state: str, action: str, body: Callable[[World], Any]) -> Callable[[World], Req]:  # noqa: ANN401
    return lambda w: Req(f"/api/v1/cases/{w.case(state)}/{action}", json=body(w))


def _own(suffix: str = "", *, material: bool = True, tomorrow: bool = False,
         **kw: Any) -> Callable[[World], Req]:  # noqa: ANN401
    return lambda w: Req("/api/v1/appointments/"
                         f"{w.booking(material=material, tomorrow=tomorrow)['booking_code']}"
                         f"{suffix}", **kw)


def _next_slot(w: World) -> Req:
    b = w.booking(material=False, tomorrow=True)
    slots = w.ok(w.c.get(f"/api/v1/halls/demo/services/{b['service_code']}/slots",
                         params={"date": b["local_day"]}))["slots"]
    later = [x["start"] for x in slots if x["bookable"] and x["start"] > b["slot_start"]]
    return Req(f"/api/v1/appointments/{b['booking_code']}/reschedule",
               json={"slot_start": later[0]})


def _upload(w: World) -> Req:
    from tests.support.online import sample_pdf

    b = w.booking(material=False)
    return Req(f"/api/v1/appointments/{b['booking_code']}/materials",
               data={"material_code": "id_card"},
               files={"file": ("../../身份证.pdf", sample_pdf(), "application/pdf")})


def _application(state: str, action: str, body: Any = None, **kw: Any,  # noqa: ANN401
                 ) -> Callable[[World], Req]:
    return lambda w: Req(f"/api/v1/applications/{w.application(state, **kw)}/{action}",
                         json=body)


def _decided(w: World, app_id: int) -> dict[str, Any]:
    """Approve every pending department review of an application (as the manager)."""
    manager = w.headers["manager"]
    app = w.ok(w.c.get(f"/api/v1/applications/{app_id}", headers=manager))
    for r in app["reviews"]:
        app = w.ok(w.c.post(f"/api/v1/applications/{app_id}/review", headers=manager,
                            json={"decision": "approve", "department": r["department"]}))
    return app


def _rate_tracked(w: World) -> Req:
    app = _decided(w, w.application())
    t = w.ok(w.c.get(f"/api/v1/tickets/{app['ticket_id']}", headers=w.headers["manager"]))
    return Req(f"/api/v1/track/{t['tracking_token']}/applications/{app['receipt_no']}"
               "/evaluation", json={"rating": 5})


def _rate_own(w: World) -> Req:
    b = w.booking(material=False)
    app = w.ok(w.c.post(f"/api/v1/appointments/{b['booking_code']}/application",
                        json={"materials": ALL_MATERIALS}, headers=w.headers["manager"]))
    app = _decided(w, app["id"])
    return Req(f"/api/v1/citizen/applications/{app['receipt_no']}/evaluation",
               json={"rating": 4})


def _free_pickup_slot(w: World, app_id: int) -> str:
    """The start of a pickup slot the application may still move to (slots fill up)."""
    app = w.ok(w.c.get(f"/api/v1/applications/{app_id}", headers=w.headers["manager"]))
    listed = w.ok(w.c.get("/api/v1/halls/demo/pickup-slots", headers=w.headers["manager"],
                          params={"service_code": app["service_code"]}))
    return next(x["start"] for d in listed["days"] for x in d["slots"] if x["available"])


def _tracked_app(w: World) -> tuple[str, str, int]:
    """(tracking token, receipt number, id) of a fresh application accepted at window 1."""
    app = w.ok(w.c.get(f"/api/v1/applications/{w.application()}", headers=w.headers["manager"]))
    t = w.ok(w.c.get(f"/api/v1/tickets/{app['ticket_id']}", headers=w.headers["manager"]))
    return t["tracking_token"], app["receipt_no"], app["id"]


def _tracked_slots(w: World) -> Req:
    token, receipt, _ = _tracked_app(w)
    return Req(f"/api/v1/track/{token}/applications/{receipt}/pickup-slots")


def _tracked_slot_move(w: World) -> Req:
    token, receipt, app_id = _tracked_app(w)
    return Req(f"/api/v1/track/{token}/applications/{receipt}/pickup-slot",
               json={"slot_start": _free_pickup_slot(w, app_id)})


def _own_app(w: World) -> dict[str, Any]:
    """An application of citizen A (linked directly: more bookings would hit A's limit)."""
    app_id = w.application()

    def link(s: Any) -> None:  # noqa: ANN401 - a Session
        s.get(Application, app_id).citizen_id = w.citizen_id["citizen_a"]

    w.db.write(link)
    return w.ok(w.c.get(f"/api/v1/applications/{app_id}", headers=w.headers["manager"]))


def _own_slots(w: World) -> Req:
    return Req(f"/api/v1/citizen/applications/{_own_app(w)['receipt_no']}/pickup-slots")


def _own_slot_move(w: World) -> Req:
    app = _own_app(w)
    return Req(f"/api/v1/citizen/applications/{app['receipt_no']}/pickup-slot",
               json={"slot_start": _free_pickup_slot(w, app["id"])})


def _staff_slot_move(w: World) -> Req:
    app_id = w.application()
    return Req(f"/api/v1/applications/{app_id}/pickup-slot",
               json={"slot_start": _free_pickup_slot(w, app_id)})


def _accept_booking(w: World) -> Req:
    b = w.booking(f"136{w.n():08d}", material=False)  # a new account: no pending limit
    return Req(f"/api/v1/appointments/{b['booking_code']}/application",
               json={"materials": ALL_MATERIALS})


def _pickup(path: str) -> Callable[[World], Req]:
    def make(w: World) -> Req:
        person = w.id_number()
        w.application("ready_for_pickup", id_number=person)
        return Req(f"/api/v1/halls/demo/{path}", json={"id_number": person})
    return make


def _material(action: str, body: Any = None) -> Callable[[World], Req]:  # noqa: ANN401
    return lambda w: Req(f"/api/v1/materials/{w.handled_material()[0]}/{action}", json=body)


MATRIX: dict[tuple[str, str], Row] = {
    # --- public documentation and probes
    ("GET", "/openapi.json"): Row(EVERYONE, _const("/openapi.json")),
    ("GET", "/docs"): Row(EVERYONE, _const("/docs")),
    ("GET", "/docs/swagger-init.js"): Row(EVERYONE, _const("/docs/swagger-init.js")),
    ("GET", "/redoc"): Row(EVERYONE, _const("/redoc")),
    ("GET", "/docs/assets/{name}"): Row(EVERYONE, _const("/docs/assets/swagger-ui.css")),
    ("GET", "/"): Row(EVERYONE, _const("/")),
    ("GET", "/favicon.ico"): Row(EVERYONE, _const("/favicon.ico")),
    ("GET", "/healthz"): Row(EVERYONE, _const("/healthz")),
    ("GET", "/readyz"): Row(EVERYONE, _const("/readyz")),
    ("GET", "/metrics"): Row(ADMIN, _const("/metrics")),
    ("GET", "/dashboard"): Row(EVERYONE, _const("/dashboard")),
    ("GET", "/dashboard/{name:path}"): Row(EVERYONE, _const("/dashboard/index.html")),
    ("GET", "/backoffice"): Row(EVERYONE, _const("/backoffice")),
    ("GET", "/backoffice/{name:path}"): Row(EVERYONE, _const("/backoffice/index.html")),
    # --- auth and staff accounts
    ("POST", "/api/v1/auth/login"): Row(EVERYONE, _const(
        "/api/v1/auth/login", json={"username": "clerk8", "password": "demo1234"})),
    ("POST", "/api/v1/auth/logout"): Row(
        DEMO_STAFF | CITIZENS | {"clerk_east", "reviewer"},
        _const("/api/v1/auth/logout", fresh_token=True)),
    ("GET", "/api/v1/auth/me"): Row(AUTHENTICATED, _const("/api/v1/auth/me")),
    ("POST", "/api/v1/staff"): Row(MANAGERS, lambda w: Req("/api/v1/staff", json={
        "username": f"newclerk{w.n()}", "password": "clerk12345", "role": "clerk",
        "hall_code": "demo"})),
    ("GET", "/api/v1/staff"): Row(MANAGERS, _const("/api/v1/staff", params={"hall": "demo"})),
    # --- catalog
    ("GET", "/api/v1/halls"): Row(EVERYONE, _const("/api/v1/halls")),
    ("POST", "/api/v1/halls"): Row(ADMIN, lambda w: Req("/api/v1/halls", json={
        "code": f"hall-{w.n()}", "name": "新大厅"})),
    ("GET", "/api/v1/halls/{hall_code}/services"): Row(
        EVERYONE, _const("/api/v1/halls/demo/services")),
    ("POST", "/api/v1/halls/{hall_code}/services"): Row(MANAGERS, lambda w: Req(
        "/api/v1/halls/demo/services", json={"code": f"NEW-{w.n()}", "name": "新事项",
                                             "prefix": "Z"})),
    ("GET", "/api/v1/halls/{hall_code}/services/{code}"): Row(
        EVERYONE, _const(f"/api/v1/halls/demo/services/{HUKOU}")),
    # --- windows
    ("GET", "/api/v1/windows"): Row(DEMO_STAFF | {"counter"}, _const(
        "/api/v1/windows", params={"hall": "demo"})),
    ("GET", "/api/v1/windows/{window_id}"): Row(
        DEMO_STAFF | {"counter"}, lambda w: Req(f"/api/v1/windows/{w.w1}")),
    ("POST", "/api/v1/windows/{window_id}/open"): Row(
        WINDOW1_HOLDERS, _window1("open"), refused={"clerk_w2": 409}),
    ("POST", "/api/v1/windows/{window_id}/pause"): Row(WINDOW1_HOLDERS, _window1("pause")),
    ("POST", "/api/v1/windows/{window_id}/close"): Row(WINDOW1_HOLDERS, _window1("close")),
    ("POST", "/api/v1/halls/{hall_code}/windows"): Row(MANAGERS, lambda w: Req(
        "/api/v1/halls/demo/windows", json={"number": 100 + w.n(), "name": "新窗口"})),
    ("PUT", "/api/v1/windows/{window_id}/services"): Row(
        MANAGERS, lambda w: Req(f"/api/v1/windows/{w.window[10]}/services",
                                json=w.window_services(10))),
    ("GET", "/api/v1/windows/{window_id}/queue"): Row(
        DEMO_STAFF | {"counter"}, lambda w: Req(f"/api/v1/windows/{w.w1}/queue")),
    # --- devices
    ("POST", "/api/v1/devices"): Row(ADMIN, _const("/api/v1/devices", json={
        "hall_code": "demo", "kind": "kiosk", "name": "新取号机"})),
    ("GET", "/api/v1/devices"): Row(MANAGERS, _const("/api/v1/devices",
                                                     params={"hall": "demo"})),
    ("DELETE", "/api/v1/devices/{device_id}"): Row(
        ADMIN, lambda w: Req(f"/api/v1/devices/{w.device()}")),
    # A kiosk reports on itself (any hall's kiosk, each about its own hall).
    ("POST", "/api/v1/devices/me/status"): Row(KIOSKS, _const(
        "/api/v1/devices/me/status", json={"printer": "ok"})),
    ("POST", "/api/v1/devices/me/help"): Row(KIOSKS, _const("/api/v1/devices/me/help")),
    # --- tickets
    ("POST", "/api/v1/halls/{hall_code}/tickets"): Row(
        DEMO_STAFF | {"kiosk"}, _const("/api/v1/halls/demo/tickets",
                                       json={"service_code": HUKOU})),
    # 查询 by the number on the slip: kiosks and staff of the hall (numbers are guessable)
    ("GET", "/api/v1/halls/{hall_code}/tickets/by-number/{number}"): Row(
        KIOSK_AND_STAFF, lambda w: Req(f"/api/v1/halls/demo/tickets/by-number/"
                                       f"{w.issue()['number']}"), reuse=True),
    ("GET", "/api/v1/tickets/{ticket_id}"): Row(
        DEMO_STAFF, lambda w: Req(f"/api/v1/tickets/{w.issue()['id']}")),
    ("POST", "/api/v1/windows/{window_id}/call-next"): Row(WINDOW1_HOLDERS, _call_next),
    ("POST", "/api/v1/tickets/{ticket_id}/recall"): Row(
        WINDOW1_HOLDERS, _ticket_action("called", "recall")),
    ("POST", "/api/v1/tickets/{ticket_id}/start"): Row(
        WINDOW1_HOLDERS, _ticket_action("called", "start")),
    ("POST", "/api/v1/tickets/{ticket_id}/no-show"): Row(
        WINDOW1_HOLDERS, _ticket_action("called", "no-show")),
    ("POST", "/api/v1/tickets/{ticket_id}/requeue"): Row(
        WINDOW1_HOLDERS, _ticket_action("called", "requeue")),
    ("POST", "/api/v1/tickets/{ticket_id}/complete"): Row(
        WINDOW1_HOLDERS, _ticket_action("serving", "complete")),
    ("POST", "/api/v1/tickets/{ticket_id}/hang"): Row(
        WINDOW1_HOLDERS, _ticket_action("serving", "hang")),
    ("POST", "/api/v1/tickets/{ticket_id}/resume"): Row(
        WINDOW1_HOLDERS, _ticket_action("suspended", "resume")),
    ("POST", "/api/v1/tickets/{ticket_id}/transfer"): Row(WINDOW1_HOLDERS, _ticket_action(
        "serving", "transfer", {"service_code": SOCIAL, "reason": "需社保窗口办理"})),
    ("POST", "/api/v1/tickets/{ticket_id}/cancel"): Row(
        DEMO_STAFF, lambda w: Req(f"/api/v1/tickets/{w.issue()['id']}/cancel")),
    # --- public board, tracking, 好差评
    ("GET", "/api/v1/halls/{hall_code}/board"): Row(
        EVERYONE - {"kiosk_east", "clerk_east"}, _const("/api/v1/halls/demo/board")),
    ("GET", "/api/v1/track/{tracking_token}"): Row(
        EVERYONE, lambda w: Req(f"/api/v1/track/{w.issue()['tracking_token']}")),
    ("POST", "/api/v1/track/{tracking_token}/evaluation"): Row(EVERYONE, _done_track),
    ("GET", "/api/v1/track/{tracking_token}/reminder"): Row(
        EVERYONE, lambda w: Req(f"/api/v1/track/{w.issue()['tracking_token']}/reminder"),
        reuse=True),
    # one ticket for every role: setting it again replaces it (no per-client limit reached)
    ("POST", "/api/v1/track/{tracking_token}/reminder"): Row(EVERYONE, _third_in_line,
                                                              reuse=True),
    ("POST", "/api/v1/tickets/{ticket_id}/rating-request"): Row(
        WINDOW1_HOLDERS, lambda w: Req(f"/api/v1/tickets/{w.ticket('done')['id']}/rating-request")),
    # --- counter client helpers
    ("GET", "/api/v1/windows/{window_id}/suspended"): Row(
        DEMO_STAFF, lambda w: Req(f"/api/v1/windows/{w.w1}/suspended"), reuse=True),
    ("GET", "/api/v1/staff/me/today"): Row(  # a platform admin belongs to no hall: 422 no_hall
        DEMO_CLERKS | {"manager", "clerk_east"}, _const("/api/v1/staff/me/today"),
        refused={"admin": 422}, reuse=True),
    # --- browser wall display (token in the header here; the URL form is tested in tests/display)
    ("GET", "/display/{hall_code}"): Row(DEMO_STAFF | {"display"}, _const("/display/demo")),
    ("GET", "/display/_assets/{name}"): Row(EVERYONE, _const("/display/_assets/app.js")),
    # --- 评价器: only a window's rating pad (no role here; its rules are in tests/ratepad)
    ("GET", "/api/v1/ratepad/state"): Row(frozenset(), _const("/api/v1/ratepad/state")),
    ("POST", "/api/v1/ratepad/ratings"): Row(
        frozenset(), lambda w: Req("/api/v1/ratepad/ratings",
                                   json={"ticket_id": w.ticket("done")["id"], "rating": 5})),
    ("GET", "/ratepad/"): Row(frozenset(), _const("/ratepad/")),
    ("GET", "/ratepad/_assets/{name}"): Row(EVERYONE, _const("/ratepad/_assets/app.js")),
    # --- realtime
    # reviewers too: the back-office page follows application events live
    ("WS", "/ws/halls/{hall_code}"): Row(DEMO_DEVICES | DEMO_STAFF | {"reviewer"},
                                         _const("/ws/halls/demo")),
    # the tracking token is the credential; any bearer token sent along is ignored
    ("WS", "/ws/track/{tracking_token}"): Row(
        EVERYONE, lambda w: Req(f"/ws/track/{w.issue()['tracking_token']}")),
    # --- manager: statistics, live, alerts
    ("GET", "/api/v1/halls/{hall}/stats"): Row(MANAGERS, _const("/api/v1/halls/demo/stats")),
    ("GET", "/api/v1/halls/{hall}/stats/export.{fmt}"): Row(
        MANAGERS, _const("/api/v1/halls/demo/stats/export.csv")),
    ("GET", "/api/v1/halls/{hall}/live"): Row(MANAGERS, _const("/api/v1/halls/demo/live")),
    ("GET", "/api/v1/halls/{hall}/alerts"): Row(MANAGERS, _const("/api/v1/halls/demo/alerts")),
    ("POST", "/api/v1/halls/{hall}/alerts/evaluate"): Row(
        MANAGERS, _const("/api/v1/halls/demo/alerts/evaluate")),
    ("POST", "/api/v1/alerts/{alert_id}/ack"): Row(
        MANAGERS, lambda w: Req(f"/api/v1/alerts/{w.alert()}/ack")),
    ("GET", "/api/v1/halls/{hall}/alert-rules"): Row(
        MANAGERS, _const("/api/v1/halls/demo/alert-rules")),
    ("PUT", "/api/v1/halls/{hall}/alert-rules"): Row(
        MANAGERS, _const("/api/v1/halls/demo/alert-rules", json={})),
    # --- manager: 好差评 follow-up cases
    ("GET", "/api/v1/halls/{hall}/cases"): Row(MANAGERS, _const("/api/v1/halls/demo/cases")),
    ("GET", "/api/v1/cases/{case_id}"): Row(
        DEMO_STAFF, lambda w: Req(f"/api/v1/cases/{w.case()}")),
    ("POST", "/api/v1/cases/{case_id}/assign"): Row(MANAGERS, _case(
        "open", "assign", lambda w: {"staff_id": w.staff_id["clerk1"]})),
    # the case is assigned to clerk1: clerk2 of the same hall may not reply
    ("POST", "/api/v1/cases/{case_id}/reply"): Row(
        WINDOW1_HOLDERS, _case("assigned", "reply", lambda w: {"text": "已电话回访"})),
    ("POST", "/api/v1/cases/{case_id}/close"): Row(MANAGERS, _case(
        "replied", "close", lambda w: {"resolution": "已整改"})),
    # --- manager: audited configuration
    ("GET", "/api/v1/halls/{hall}/audit"): Row(MANAGERS, _const("/api/v1/halls/demo/audit")),
    ("GET", "/api/v1/halls/{hall}/config"): Row(MANAGERS, _const("/api/v1/halls/demo/config")),
    ("PUT", "/api/v1/halls/{hall}/config/services/{code}"): Row(MANAGERS, _const(
        f"/api/v1/halls/demo/config/services/{HUKOU}", json={"expected_minutes": 12})),
    ("POST", "/api/v1/halls/{hall}/config/windows"): Row(MANAGERS, lambda w: Req(
        "/api/v1/halls/demo/config/windows", json={"number": 200 + w.n(), "name": "配置窗口"})),
    ("PUT", "/api/v1/halls/{hall}/config/windows/{window_id}"): Row(MANAGERS, lambda w: Req(
        f"/api/v1/halls/demo/config/windows/{w.window[10]}", json={"name": "税务窗口"})),
    ("POST", "/api/v1/halls/{hall}/config/staff"): Row(MANAGERS, lambda w: Req(
        "/api/v1/halls/demo/config/staff", json={"username": f"cfgclerk{w.n()}",
                                                 "password": "clerk12345", "full_name": "新人"})),
    ("PATCH", "/api/v1/halls/{hall}/config/staff/{staff_id}"): Row(MANAGERS, lambda w: Req(
        f"/api/v1/halls/demo/config/staff/{w.staff_id['clerk8']}", json={"full_name": "黄强"})),
    ("POST", "/api/v1/halls/{hall}/config/devices"): Row(MANAGERS, _const(
        "/api/v1/halls/demo/config/devices", json={"kind": "display", "name": "配置屏"})),
    ("DELETE", "/api/v1/halls/{hall}/config/devices/{device_id}"): Row(
        MANAGERS, lambda w: Req(f"/api/v1/halls/demo/config/devices/{w.device()}")),
    ("PUT", "/api/v1/halls/{hall}/notice"): Row(MANAGERS, _const(
        "/api/v1/halls/demo/notice", json={"notice": "请按顺序办理"})),
    ("GET", "/api/v1/halls/{hall}/manager-settings"): Row(
        MANAGERS, _const("/api/v1/halls/demo/manager-settings")),
    ("PUT", "/api/v1/halls/{hall}/manager-settings"): Row(
        MANAGERS, _const("/api/v1/halls/demo/manager-settings", json={})),
    # --- citizen portal pages (static; the data behind them is checked below)
    ("GET", "/portal"): Row(EVERYONE, _const("/portal")),
    ("GET", "/portal/{name:path}"): Row(EVERYONE, _const("/portal/index.html")),
    ("GET", "/t/{tracking_token}"): Row(
        EVERYONE, lambda w: Req(f"/t/{w.issue()['tracking_token']}"), reuse=True),
    # --- citizen login and the notification outbox
    ("POST", "/api/v1/citizen/otp"): Row(
        EVERYONE, lambda w: Req("/api/v1/citizen/otp", json={"phone": f"136{w.n():08d}"})),
    ("POST", "/api/v1/citizen/login"): Row(
        EVERYONE, lambda w: Req("/api/v1/citizen/login", json=w.otp_login_body())),
    ("GET", "/api/v1/citizen/me"): Row(CITIZENS, _const("/api/v1/citizen/me")),
    ("GET", "/api/v1/admin/outbox"): Row(ADMIN, _const("/api/v1/admin/outbox")),
    # --- service guide and slots (public)
    ("GET", "/api/v1/halls/{hall_code}/services/{code}/guide"): Row(
        EVERYONE, _const(f"/api/v1/halls/demo/services/{HUKOU}/guide")),
    ("GET", "/api/v1/halls/{hall_code}/services/{code}/slots"): Row(
        EVERYONE, _const(f"/api/v1/halls/demo/services/{HUKOU}/slots")),
    # --- a citizen's own bookings: citizen A owns the target, citizen B must not see it
    ("POST", "/api/v1/appointments"): Row(CITIZENS, lambda w: Req("/api/v1/appointments", json={
        "hall_code": "demo", "service_code": HUKOU, "name": "欧阳娜娜",
        "id_number": w.id_number(), "phone": "13900000009",
        "slot_start": w.ok(w.c.get(f"/api/v1/halls/demo/services/{HUKOU}/slots"))["slots"][-1][
            "start"]})),
    ("GET", "/api/v1/appointments"): Row(CITIZENS, _const("/api/v1/appointments")),
    ("GET", "/api/v1/appointments/{booking_code}"): Row(
        OWNER, _own(material=False), refused=NOT_YOURS, reuse=True),
    ("DELETE", "/api/v1/appointments/{booking_code}"): Row(
        OWNER, _own(material=False, tomorrow=True), refused=NOT_YOURS),
    ("POST", "/api/v1/appointments/{booking_code}/reschedule"): Row(
        OWNER, _next_slot, refused=NOT_YOURS),
    ("GET", "/api/v1/appointments/{booking_code}/qr.{fmt}"): Row(
        OWNER, _own("/qr.png", material=False), refused=NOT_YOURS, reuse=True),
    ("POST", "/api/v1/appointments/{booking_code}/materials"): Row(
        OWNER, _upload, refused=NOT_YOURS),
    ("GET", "/api/v1/appointments/{booking_code}/materials"): Row(
        OWNER, _own("/materials"), refused=NOT_YOURS, reuse=True),
    ("GET", "/api/v1/appointments/{booking_code}/reusable"): Row(
        OWNER, _own("/reusable", material=False), refused=NOT_YOURS, reuse=True),
    ("POST", "/api/v1/appointments/{booking_code}/materials/{material_code}/reuse"): Row(
        OWNER, lambda w: Req(f"/api/v1/appointments/{w.reusable_booking()['booking_code']}"
                             "/materials/id_card/reuse"), refused=NOT_YOURS),
    ("POST", "/api/v1/remote-tickets"): Row(CITIZENS, _const(
        "/api/v1/remote-tickets", json={"hall_code": "demo", "service_code": SOCIAL})),
    # --- kiosk check-in (a kiosk of the hall or its staff)
    ("POST", "/api/v1/halls/{hall_code}/checkins/lookup"): Row(
        KIOSK_AND_STAFF, lambda w: Req("/api/v1/halls/demo/checkins/lookup", json={
            "booking_code": w.booking(material=False)["booking_code"]}), reuse=True),
    ("POST", "/api/v1/halls/{hall_code}/checkins"): Row(
        KIOSK_AND_STAFF, lambda w: Req("/api/v1/halls/demo/checkins", json={
            "booking_code": w.booking("13900000010", material=False)["booking_code"]})),
    # --- materials at the counter: the clerk handling the ticket, managers; the owner reads
    ("GET", "/api/v1/tickets/{ticket_id}/materials"): Row(
        WINDOW1_HOLDERS, lambda w: Req(f"/api/v1/tickets/{w.handled_material()[1]}/materials"),
        reuse=True),
    ("GET", "/api/v1/tickets/{ticket_id}/checklist"): Row(
        WINDOW1_HOLDERS, lambda w: Req(f"/api/v1/tickets/{w.handled_material()[1]}/checklist"),
        reuse=True),
    ("GET", "/api/v1/materials/{material_id}/content"): Row(
        WINDOW1_HOLDERS | OWNER, _material("content"), refused=NOT_YOURS, reuse=True),
    ("POST", "/api/v1/materials/{material_id}/verify"): Row(
        WINDOW1_HOLDERS, _material("verify"), refused=NOT_YOURS, reuse=True),
    ("POST", "/api/v1/materials/{material_id}/review"): Row(
        WINDOW1_HOLDERS, _material("review", {"decision": "accept"}), refused=NOT_YOURS,
        reuse=True),
    ("GET", "/api/v1/materials/{material_id}/audit"): Row(
        MANAGERS, _material("audit"), reuse=True),
    ("GET", "/api/v1/halls/{hall_code}/materials"): Row(
        MANAGERS, _const("/api/v1/halls/demo/materials")),
    # --- 办件: acceptance at the window (the clerk serving the ticket) or from a booking
    ("POST", "/api/v1/tickets/{ticket_id}/application"): Row(
        WINDOW1_HOLDERS, lambda w: Req(f"/api/v1/tickets/{w.ticket('serving')['id']}/application",
                                       json={"id_number": w.id_number(),
                                             "materials": ALL_MATERIALS})),
    ("POST", "/api/v1/appointments/{booking_code}/application"): Row(DEMO_STAFF, _accept_booking),
    ("GET", "/api/v1/tickets/{ticket_id}/licence-materials"): Row(
        DEMO_STAFF, lambda w: Req(f"/api/v1/tickets/{w.issue()['id']}/licence-materials"),
        reuse=True),
    # --- 办件: back office (a reviewer only sees their department's applications)
    ("GET", "/api/v1/halls/{hall_code}/applications"): Row(
        DEMO_BACK_OFFICE, _const("/api/v1/halls/demo/applications")),
    ("GET", "/api/v1/halls/{hall_code}/applications/stats"): Row(
        MANAGERS, _const("/api/v1/halls/demo/applications/stats")),
    ("GET", "/api/v1/halls/{hall_code}/applications/stats/export.xlsx"): Row(
        MANAGERS, _const("/api/v1/halls/demo/applications/stats/export.xlsx")),
    ("GET", "/api/v1/applications/{app_id}"): Row(
        DEMO_BACK_OFFICE, lambda w: Req(f"/api/v1/applications/{w.application()}"), reuse=True),
    ("GET", "/api/v1/applications/{app_id}/materials/{material_code}/content"): Row(
        REVIEWERS, lambda w: Req(f"/api/v1/applications/{w.online_application()}"
                                 "/materials/id_card/content"), reuse=True),
    ("POST", "/api/v1/applications/{app_id}/review"): Row(
        REVIEWERS, _application("in_review", "review", {"decision": "approve"})),
    ("POST", "/api/v1/applications/{app_id}/correction"): Row(
        REVIEWERS, _application("in_review", "correction", {"note": "请补充材料"})),
    ("POST", "/api/v1/applications/{app_id}/resume"): Row(
        DEMO_BACK_OFFICE, _application("correction", "resume")),
    ("POST", "/api/v1/applications/{app_id}/ready"): Row(
        DEMO_STAFF, _application("decided", "ready")),
    ("POST", "/api/v1/applications/{app_id}/mail"): Row(
        DEMO_STAFF, _application("decided", "mail", {"tracking_no": "SF1234567890"},
                                 delivery="mail")),
    ("POST", "/api/v1/applications/{app_id}/handover"): Row(
        DEMO_STAFF, _application("ready_for_pickup", "handover")),
    # --- 窗口取件 slots: the counter lists and books them, the citizen moves their own
    ("GET", "/api/v1/halls/{hall_code}/pickup-slots"): Row(
        DEMO_STAFF, _const("/api/v1/halls/demo/pickup-slots", params={"service_code": SOCIAL}),
        reuse=True),
    ("PUT", "/api/v1/applications/{app_id}/pickup-slot"): Row(DEMO_STAFF, _staff_slot_move),
    ("GET", "/api/v1/track/{tracking_token}/applications/{receipt_no}/pickup-slots"): Row(
        EVERYONE, _tracked_slots, reuse=True),
    ("PUT", "/api/v1/track/{tracking_token}/applications/{receipt_no}/pickup-slot"): Row(
        EVERYONE, _tracked_slot_move),
    ("GET", "/api/v1/citizen/applications/{receipt_no}/pickup-slots"): Row(
        OWNER, _own_slots, refused=NOT_YOURS, reuse=True),
    ("PUT", "/api/v1/citizen/applications/{receipt_no}/pickup-slot"): Row(
        OWNER, _own_slot_move, refused=NOT_YOURS),
    # --- 办件: the citizen's side (kiosk 取件/查询 by ID card, tracking token, portal)
    ("POST", "/api/v1/halls/{hall_code}/pickups"): Row(
        KIOSK_AND_STAFF, _pickup("pickups"), reuse=True),
    ("POST", "/api/v1/halls/{hall_code}/applications/lookup"): Row(
        KIOSK_AND_STAFF, _pickup("applications/lookup"), reuse=True),
    ("GET", "/api/v1/track/{tracking_token}/applications"): Row(
        EVERYONE, lambda w: Req(f"/api/v1/track/{w.issue()['tracking_token']}/applications"),
        reuse=True),
    ("GET", "/api/v1/citizen/applications"): Row(CITIZENS, _const("/api/v1/citizen/applications")),
    ("POST", "/api/v1/track/{tracking_token}/applications/{receipt_no}/evaluation"): Row(
        EVERYONE, _rate_tracked),
    ("POST", "/api/v1/citizen/applications/{receipt_no}/evaluation"): Row(
        OWNER, _rate_own, refused=NOT_YOURS),
    # --- 电子证照 store (platform admin)
    ("GET", "/api/v1/licences"): Row(ADMIN, _const("/api/v1/licences")),
    ("POST", "/api/v1/licences"): Row(ADMIN, lambda w: Req("/api/v1/licences", json={
        "id_number": w.id_number(), "licence_type": "property_cert", "name": "不动产权证书"})),
    ("DELETE", "/api/v1/licences/{licence_id}"): Row(
        ADMIN, lambda w: Req(f"/api/v1/licences/{w.licence()}")),
}
