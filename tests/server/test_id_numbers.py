"""ID numbers typed in any script are one person; what is not a number is a 422, never a 500.

Tickets, appointments and check-ins all go through one rule (tongban_common.idnumber): decimal
digits of any script become ASCII, full-width Ｘ/ｘ is X, superscripts and fractions are refused,
and the first two digits must be a province-level region code.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from server.app import create_app
from tests.conftest import make_settings
from tests.support.api import HUKOU, KIOSK, issue, login
from tests.support.databases import copy_sqlite
from tests.support.online import citizen_login, current_slot, make_id_number

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")
ELDER = "11010519491231002X"  # born 1949: green channel


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path,
           ) -> Iterator[TestClient]:
    """One app for the module (each test uses its own person); no background passes."""
    data = tmp_path_factory.mktemp("ids") / "data"
    settings = make_settings(data, copy_sqlite(sqlite_template, data), alert_interval_seconds=0,
                             online_interval_seconds=0, retention_interval_hours=0)
    with TestClient(create_app(settings)) as c:
        yield c


def _book(c: TestClient, headers: dict[str, str], slot: str, id_number: str):  # noqa: ANN202
    return c.post("/api/v1/appointments", headers=headers, json={
        "hall_code": "demo", "service_code": HUKOU, "slot_start": slot, "name": "王五",
        "id_number": id_number, "phone": "13900000000"})


def test_one_person_in_full_width_and_ascii_digits_hits_the_per_person_limit(
        client: TestClient) -> None:
    c = client
    headers = citizen_login(c)
    slot = current_slot(c)["start"]
    person = make_id_number("19850505", seq=77)
    first = _book(c, headers, slot, person.translate(FULL_WIDTH))
    assert first.status_code == 201, first.text
    assert first.json()["id_masked"] == person[:6] + "********" + person[-4:]  # stored as ASCII
    again = _book(c, headers, slot, person)
    assert again.status_code == 409 and again.json()["error"]["code"] == "person_limit"
    # The kiosk finds the booking whichever digits the ID reader or keypad sends.
    for script in (ARABIC_INDIC, DEVANAGARI):
        found = c.post("/api/v1/halls/demo/checkins/lookup", headers=KIOSK,
                       json={"id_number": person.translate(script)})
        assert found.status_code == 200, found.text
        assert [a["booking_code"] for a in found.json()["appointments"]] == [
            first.json()["booking_code"]]


def test_full_width_id_on_a_ticket_is_the_same_person(client: TestClient) -> None:
    ticket = issue(client, HUKOU, id_number=ELDER.translate(FULL_WIDTH))
    assert ticket["priority_class"] == "green"  # the birth date was read from it
    staff = client.get(f"/api/v1/tickets/{ticket['id']}", headers=login(client, "manager"))
    assert staff.json()["id_masked"] == "110105********002X"


def test_what_is_not_an_id_number_is_refused_with_422_everywhere(client: TestClient) -> None:
    c = client
    citizen, slot = citizen_login(c, "13800000001"), current_slot(c)["start"]
    refused = {
        "superscript": ELDER[:15] + "²" + ELDER[16:],  # str.isdigit() says yes, int() raises
        "superscript year": ELDER[:6] + "¹⁹⁴⁹" + ELDER[10:],
        "fraction": ELDER[:16] + "½" + ELDER[17],
        "all superscript": "²" * 18,
        "province 99": make_id_number("19491231", region="990105"),  # check digit right
        "province 00": make_id_number("19491231", region="000000"),
    }
    for what, bad in refused.items():
        answers = [
            c.post("/api/v1/halls/demo/tickets", headers=KIOSK,
                   json={"service_code": HUKOU, "id_number": bad}),
            _book(c, citizen, slot, bad),
            c.post("/api/v1/halls/demo/checkins/lookup", headers=KIOSK,
                   json={"id_number": bad}),
            c.post("/api/v1/halls/demo/checkins", headers=KIOSK, json={"id_number": bad}),
        ]
        for r in answers:
            assert r.status_code == 422, (what, r.text)
            assert r.json()["error"]["code"] == "invalid_id_number", what
            if what.startswith("province"):
                assert "行政区划" in r.json()["error"]["message"]
