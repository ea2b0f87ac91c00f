"""到号提醒 from the tracking page: one SMS in the outbox when N or fewer people are ahead."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from server.tickets.models import Ticket
from server.tracking.reminders import check_hall
from tests.online.conftest import db_of
from tests.support.api import HUKOU, issue, login, open_window

PHONE = "13912345678"


def _remind(c: TestClient, token: str, phone: str = PHONE, ahead: int = 1):  # noqa: ANN202
    return c.post(f"/api/v1/track/{token}/reminder", json={"phone": phone, "ahead": ahead})


def _reminders_sent(c: TestClient, admin: dict[str, str], *, count: int) -> list[dict[str, Any]]:
    """The outbox's queue reminders once there are `count` (the hall task sends them)."""
    deadline = time.monotonic() + 15
    while True:
        notes = c.get("/api/v1/admin/outbox", headers=admin,
                      params={"kind": "track_reminder"}).json()
        if len(notes) >= count or time.monotonic() > deadline:
            return notes
        time.sleep(0.05)


def test_one_reminder_when_the_queue_reaches_n(any_client: TestClient) -> None:
    c = any_client
    tickets = [issue(c, HUKOU) for _ in range(4)]
    token = tickets[3]["tracking_token"]  # three people ahead
    assert c.get(f"/api/v1/track/{token}/reminder").json() == {"reminder": None}
    bad = _remind(c, token, phone="12345")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_phone"
    assert _remind(c, token, ahead=4).json()["error"]["code"] == "invalid_ahead"
    near = _remind(c, token, ahead=3)
    assert near.status_code == 409 and near.json()["error"]["code"] == "already_near"
    assert _remind(c, "no-such-token").status_code == 404

    r = _remind(c, token, phone="+86 139-1234-5678", ahead=1)
    assert r.status_code == 201, r.text
    assert r.json()["reminder"] == {"ahead": 1, "phone_masked": "139****5678", "sent": False,
                                    "sent_at": None, "ended": False}
    assert PHONE not in c.get(f"/api/v1/track/{token}/reminder").text

    admin = login(c, "admin")
    clerk = login(c, "clerk1")
    wid = open_window(c, clerk, 1)
    for ticket in tickets[:3]:  # ahead: 2, 1, 0
        called = c.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()
        assert called["id"] == ticket["id"]
        assert c.post(f"/api/v1/tickets/{called['id']}/no-show", headers=clerk).status_code == 200
        if ticket is tickets[1]:
            [note] = _reminders_sent(c, admin, count=1)
    # Sent once, when one person was ahead (not at two, not again at zero).
    assert note["recipient"] == PHONE and note["channel"] == "sms"
    assert note["data"] == {"number": tickets[3]["number"], "people_ahead": 1}
    assert tickets[3]["number"] in note["body"] and "前面还有 1 人" in note["body"]
    assert c.get(f"/api/v1/track/{token}/reminder").json()["reminder"]["sent"] is True
    # The "once" guard: checking again finds nothing pending and sends nothing.
    db = db_of(c)
    hall_id = db.write(lambda s: s.get(Ticket, tickets[3]["id"]).hall_id)
    assert db.write(lambda s: check_hall(s, hall_id, c.app.state.settings)) == (0, 0)
    assert len(c.get("/api/v1/admin/outbox", headers=admin,
                     params={"kind": "track_reminder"}).json()) == 1

    # Not waiting any more: nothing to set.
    done = _remind(c, tickets[0]["tracking_token"])
    assert done.status_code == 409 and done.json()["error"]["code"] == "not_waiting"

    # Five reminders a day per phone (the first one above counts): the public page is no SMS cannon.
    later = [issue(c, HUKOU) for _ in range(7)]
    for ticket in later[2:6]:
        assert _remind(c, ticket["tracking_token"]).status_code == 201
    again = _remind(c, later[6]["tracking_token"])
    assert again.status_code == 429 and again.json()["error"]["code"] == "reminder_limit"
