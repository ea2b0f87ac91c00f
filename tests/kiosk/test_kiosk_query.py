"""查询 by typed number: any ticket of the hall's day, wherever it was issued; never another hall's,
and never anything personal."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from kiosk import idnumber
from server.demo import SERVICES
from tests.support.api import KIOSK, MEDICAL, SOCIAL, login, open_window
from tests.support.live import LiveServer
from tests.support.online import citizen_login, make_id_number, random_phone

ADMIN_PASSWORD = "demo1234"
ENTERPRISE = SERVICES[6]["code"]  # prefix F, only window 8 handles it
PUBLIC_KEYS = {"number", "hall_code", "hall_name", "service_code", "service_name", "status",
               "status_text", "position", "people_ahead", "estimated_wait_minutes",
               "window_hint", "accepting", "window"}


@pytest.fixture
def http(live: LiveServer) -> Iterator[httpx.Client]:
    """An HTTP client on the live server (other kiosks, counters, citizens, the admin)."""
    with httpx.Client(base_url=live.url, timeout=10) as client:
        yield client


def _device(http: httpx.Client, hall: str, name: str) -> dict[str, str]:
    """A new kiosk device of `hall`; its Authorization header."""
    r = http.post("/api/v1/devices", json={"hall_code": hall, "kind": "kiosk", "name": name},
                  headers=login(http, "admin", ADMIN_PASSWORD))
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _issue(http: httpx.Client, headers: dict[str, str], service: str, hall: str = "demo",
           **body: Any) -> dict[str, Any]:  # noqa: ANN401
    r = http.post(f"/api/v1/halls/{hall}/tickets", json={"service_code": service, **body},
                  headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def _query(h: Any, number: str) -> None:  # noqa: ANN401
    """Type the number on the kiosk's keypad and press 查询."""
    h.ctl.open_query()
    h.wait_screen("query")
    h.type_keys(number)
    h.click("查询")  # the title also says 查询; the button is the one that is clickable
    h.wait_screen("query_result")


def test_typed_number_finds_tickets_from_other_kiosks_counters_and_remote(
        kiosk: Any, live: LiveServer, http: httpx.Client) -> None:
    """A number taken at another kiosk, at a counter or remotely shows its queue facts only."""
    elder_id = idnumber.make_id_number("11010519500314002")
    other_kiosk = _issue(http, _device(http, "demo", "二号取号机"), SOCIAL, id_number=elder_id)
    assert other_kiosk["priority_class"] == "green"
    clerk = login(http, "clerk5")
    counter_id = make_id_number("19851120")
    at_counter = _issue(http, clerk, MEDICAL, id_number=counter_id, citizen_name="欧阳明辉")
    citizen = citizen_login(http, random_phone())
    r = http.post("/api/v1/remote-tickets", headers=citizen,
                  json={"hall_code": "demo", "service_code": SOCIAL})
    assert r.status_code == 201, r.text
    r = http.post("/api/v1/halls/demo/checkins", headers=clerk,
                  json={"booking_code": r.json()["booking_code"]})
    assert r.status_code == 201, r.text
    remote = r.json()
    assert remote["source"] == "remote"

    try:
        _check_public_views(kiosk(), http, elder_id, counter_id, other_kiosk, at_counter, remote)
    finally:  # later tests count the people ahead in these queues
        for ticket in (other_kiosk, at_counter, remote):
            http.post(f"/api/v1/tickets/{ticket['id']}/cancel", headers=clerk)


def _check_public_views(h: Any, http: httpx.Client, elder_id: str, counter_id: str,  # noqa: ANN401
                        *tickets: dict[str, Any]) -> None:
    other_kiosk, at_counter, _ = tickets
    for ticket in tickets:
        _query(h, ticket["number"])
        shown = h.texts()
        assert ticket["number"] in shown and ticket["service_name"] in shown
        assert "当前状态：等待中" in shown and "前面还有" in shown
        ahead = h.ctl.state.query_result["people_ahead"]
        assert isinstance(ahead, int) and f"前面还有 {ahead} 人" in shown
        # nothing personal and nothing that unlocks the slip: not even the green channel
        assert "欧阳" not in shown and "绿色通道" not in shown
        assert set(h.ctl.state.query_result) == PUBLIC_KEYS
    for number, secret in ((other_kiosk["number"], other_kiosk["tracking_token"]),
                           (at_counter["number"], at_counter["tracking_token"])):
        r = http.get(f"/api/v1/halls/demo/tickets/by-number/{number}", headers=KIOSK)
        assert r.status_code == 200, r.text
        raw = r.text
        assert secret not in raw and "欧阳" not in raw and "green" not in raw
        # no ID in any form: neither the birth dates nor a masked 110105********1234
        assert elder_id[6:14] not in raw and counter_id[6:14] not in raw and "*" not in raw


def test_called_number_shows_its_window_and_unknown_numbers_say_so(
        kiosk: Any, live: LiveServer, http: httpx.Client) -> None:
    """Once called, the typed number says which window to go to; a number nobody has today
    gets a clear message on the query screen."""
    clerk = login(http, "clerk8")
    wid = open_window(http, clerk, 8)
    try:
        mine = _issue(http, KIOSK, ENTERPRISE)
        while True:  # anything older at window 8 first (other tests may have left some)
            r = http.post(f"/api/v1/windows/{wid}/call-next", headers=clerk)
            assert r.status_code == 200, r.text
            if r.json()["id"] == mine["id"]:
                break
            http.post(f"/api/v1/tickets/{r.json()['id']}/no-show", headers=clerk)
        h = kiosk()
        _query(h, mine["number"])
        assert "请到 8号窗口 企业开办窗口 办理" in h.texts()
        assert "前面还有" not in h.texts()
        assert http.post(f"/api/v1/tickets/{mine['id']}/start", headers=clerk).status_code == 200
        assert http.post(f"/api/v1/tickets/{mine['id']}/complete",
                         headers=clerk).status_code == 200
        _query(h, mine["number"])
        assert "当前状态：已办结" in h.texts()
    finally:
        http.post(f"/api/v1/windows/{wid}/close", headers=clerk)
    h.ctl.open_query()
    h.ctl.state.query_text = "F999"  # far beyond today's count
    h.ctl.query_submit()
    h.qtbot.waitUntil(lambda: h.ctl.state.screen == "query"
                      and h.ctl.state.query_message_key == "query_not_found")
    assert "今天本大厅没有这个号码" in h.texts()
    h.ctl.state.query_text = "F12"
    h.ctl.query_submit()
    assert "号码格式应为字母加3位数字" in h.texts()


def test_another_halls_numbers_stay_in_that_hall(
        kiosk: Any, live: LiveServer, http: httpx.Client) -> None:
    """Same prefix, same number in two halls: each kiosk finds only its own hall's ticket, and a
    device of one hall is refused on the other hall's lookup."""
    admin = login(http, "admin", ADMIN_PASSWORD)
    hall = f"north{secrets.token_hex(2)}"
    assert http.post("/api/v1/halls", json={"code": hall, "name": "北区分中心"},
                     headers=admin).status_code == 201
    r = http.post(f"/api/v1/halls/{hall}/services", headers=admin,
                  json={"code": "N-1", "name": "北区综合事项", "prefix": "A"})
    assert r.status_code == 201, r.text
    north_kiosk = _device(http, hall, "北区取号机")
    theirs = _issue(http, north_kiosk, "N-1", hall=hall)
    extra = _issue(http, KIOSK, SERVICES[0]["code"])
    ours = _issue(http, KIOSK, SERVICES[0]["code"])  # A002 or later: north has only A001
    try:
        _each_hall_its_own(kiosk, http, hall, north_kiosk, theirs, ours)
    finally:  # later tests count the people ahead in demo's queues
        manager = login(http, "manager")
        for ticket in (extra, ours):
            http.post(f"/api/v1/tickets/{ticket['id']}/cancel", headers=manager)


def _each_hall_its_own(kiosk: Any, http: httpx.Client, hall: str,  # noqa: ANN401
                       north_kiosk: dict[str, str], theirs: dict[str, Any],
                       ours: dict[str, Any]) -> None:
    assert theirs["number"] == "A001" and ours["number"] > "A001"

    # Refused across halls, whichever way round: 403, and nothing of the ticket in the answer.
    for headers, target in ((north_kiosk, "demo"), (KIOSK, hall)):
        r = http.get(f"/api/v1/halls/{target}/tickets/by-number/A001", headers=headers)
        assert r.status_code == 403, r.text
        assert r.json()["error"]["code"] == "forbidden_hall"
    assert http.get("/api/v1/halls/demo/tickets/by-number/A001").status_code == 401

    # Each kiosk answers from its own hall: demo's A00x is demo's, north's A001 is north's.
    h = kiosk()
    _query(h, ours["number"])
    assert h.ctl.state.query_result["hall_code"] == "demo"
    north = kiosk(hall=hall, token=north_kiosk["Authorization"].split()[1])
    north.qtbot.waitUntil(lambda: north.ctl.state.hall_name == "北区分中心")
    _query(north, "A001")
    assert "北区综合事项" in north.texts()
    assert north.ctl.state.query_result["hall_code"] == hall
    north.ctl.open_query()
    north.ctl.state.query_text = ours["number"]  # demo's number: not a ticket of this hall
    north.ctl.query_submit()
    north.qtbot.waitUntil(lambda: north.ctl.state.query_message_key == "query_not_found")
    assert "今天本大厅没有这个号码" in north.texts()
