"""Statistics against a seeded day with hand-computed answers (API, CSV and XLSX)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from server.app import create_app
from tests.conftest import make_settings
from tests.manager.seed import Seeder, local
from tests.support.api import HUKOU, SOCIAL, login

DAY = "2026-03-02"  # a Monday


def t(h: int, m: int):  # noqa: ANN201 - shorthand for the seeded day
    return local(2026, 3, 2, h, m)


@pytest.fixture
def seeded(tmp_path: Path, database_url: str) -> Iterator[tuple[TestClient, dict[str, int]]]:
    """The demo hall with ten tickets on 2026-03-02 (hall time) and one on the next day.

    HUKOU at window 4 (clerk1), SOCIAL at window 5 (clerk2):
      T1 A001 issued 09:00 called 09:05 serve 09:06–09:16   wait  5  service 10  rated 5
      T2 A002 issued 09:02 called 09:16 serve 09:17–09:29   wait 14  service 12  rated 4
      T3 A003 issued 09:04 called 09:29 no-show 09:31       wait 25
      T4 A004 issued 09:10 called 09:31 serve 09:32–09:40   wait 21  service  8  rated 2
      T5 A005 issued 09:20 cancelled 09:25                  (never called)
      T6 A006 issued 09:30 called 10:10 serve 10:10–10:30   wait 40  service 20
      T7 B001 issued 08:58 called 09:01 serve 09:01–09:07   wait  3  service  6  rated 3
      T8 B002 appointment slot 09:30, issued 09:20 (punctual)
                           called 09:30 serve 09:30–09:39   wait 10  service  9  rated 5
      T9 B003 appointment slot 09:30, issued 09:40 (late)
                           called 09:45 serve 09:45–09:50   wait  5  service  5
      T10 B004 issued 09:35 called 09:50 start 09:50, transferred to HUKOU 09:55,
                           called at window 4 10:30, serve 10:30–10:34
                                                            wait 15  service  4 (last segment)
    """
    app = create_app(make_settings(tmp_path / "data", database_url, alert_interval_seconds=0))
    with TestClient(app) as client:
        sd = Seeder(app.state.db, app.state.settings)
        c1, c2 = sd.clerk("clerk1"), sd.clerk("clerk2")
        w4, w5 = sd.open(4, c1, t(8, 50)), sd.open(5, c2, t(8, 50))
        ids: dict[str, int] = {}
        ids["T7"] = sd.issue(SOCIAL, t(8, 58))
        ids["T1"] = sd.issue(HUKOU, t(9, 0))
        assert sd.call(w5, c2, t(9, 1)) == ids["T7"]
        sd.serve(ids["T7"], c2, t(9, 1), t(9, 7))
        ids["T2"] = sd.issue(HUKOU, t(9, 2))
        ids["T3"] = sd.issue(HUKOU, t(9, 4))
        assert sd.call(w4, c1, t(9, 5)) == ids["T1"]
        sd.serve(ids["T1"], c1, t(9, 6), t(9, 16))
        ids["T4"] = sd.issue(HUKOU, t(9, 10))
        assert sd.call(w4, c1, t(9, 16)) == ids["T2"]
        sd.serve(ids["T2"], c1, t(9, 17), t(9, 29))
        ids["T5"] = sd.issue(HUKOU, t(9, 20))
        ids["T8"] = sd.issue(SOCIAL, t(9, 20), source="appointment",
                             appointment={"id": 801, "slot_start": t(9, 30)})
        sd.act(ids["T5"], "cancel", c1, t(9, 25))
        assert sd.call(w4, c1, t(9, 29)) == ids["T3"]
        ids["T6"] = sd.issue(HUKOU, t(9, 30))
        assert sd.call(w5, c2, t(9, 30)) == ids["T8"]
        sd.serve(ids["T8"], c2, t(9, 30), t(9, 39))
        sd.act(ids["T3"], "no-show", c1, t(9, 31))
        assert sd.call(w4, c1, t(9, 31)) == ids["T4"]
        sd.serve(ids["T4"], c1, t(9, 32), t(9, 40))
        ids["T10"] = sd.issue(SOCIAL, t(9, 35))
        ids["T9"] = sd.issue(SOCIAL, t(9, 40), source="appointment",
                             appointment={"id": 802, "slot_start": t(9, 30)})
        assert sd.call(w5, c2, t(9, 45)) == ids["T9"]  # checked-in appointment goes first
        sd.serve(ids["T9"], c2, t(9, 45), t(9, 50))
        assert sd.call(w5, c2, t(9, 50)) == ids["T10"]
        sd.act(ids["T10"], "start", c2, t(9, 50))
        sd.act(ids["T10"], "transfer", c2, t(9, 55), service_code=HUKOU, reason="需户籍窗口办理")
        assert sd.call(w4, c1, t(10, 10)) == ids["T6"]
        sd.serve(ids["T6"], c1, t(10, 10), t(10, 30))
        assert sd.call(w4, c1, t(10, 30)) == ids["T10"]
        sd.serve(ids["T10"], c1, t(10, 30), t(10, 34))
        for name, rating in (("T1", 5), ("T2", 4), ("T4", 2), ("T7", 3), ("T8", 5)):
            sd.rate(ids[name], rating)
        sd.issue(HUKOU, local(2026, 3, 3, 9, 0))  # next day: outside the range
        ids["w4"], ids["w5"], ids["clerk1"], ids["clerk2"] = w4, w5, c1.id, c2.id
        yield client, ids


HALL_TOTALS = {
    "tickets": 10,
    "served": 8,          # T1 T2 T4 T6 T7 T8 T9 T10
    "no_shows": 1,        # T3
    "cancellations": 1,   # T5
    "transfers": 1,       # T10
    "called": 9,          # all but T5
    # waits 5+14+25+21+40+3+10+5+15 = 138; 138/9 = 15.333…
    "avg_wait_minutes": 15.33,
    # sorted 3 5 5 10 14 15 21 25 40; nearest rank ⌈0.9·9⌉ = 9 → 40
    "p90_wait_minutes": 40.0,
    # services 10+12+8+20+6+9+5+4 = 74; 74/8 = 9.25
    "avg_service_minutes": 9.25,
    # sorted 4 5 6 8 9 10 12 20; ⌈0.9·8⌉ = 8 → 20
    "p90_service_minutes": 20.0,
    # waits ≤ 25 min: 8 of 9 (only T6's 40 is over) = 0.8889
    "service_level": 0.8889,
    "appointments": 2,
    "punctuality": 0.5,   # T8 on time, T9 late
    "ratings": 5,
    "satisfaction": 0.6,  # 5, 4, 5 of 5, 4, 2, 3, 5
    "mean_rating": 3.8,   # 19/5
}


def test_hall_totals_match_hand_computed(seeded: tuple[TestClient, dict[str, int]]) -> None:
    client, _ = seeded
    mgr = login(client, "manager")
    r = client.get("/api/v1/halls/demo/stats", params={"from": DAY, "to": DAY}, headers=mgr)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["totals"] == HALL_TOTALS
    assert body["percentile_method"] == "nearest-rank"
    # A stricter target: waits ≤ 10 are 3 5 5 10 → 4 of 9 = 0.4444
    r = client.get("/api/v1/halls/demo/stats",
                   params={"from": DAY, "to": DAY, "target": 10}, headers=mgr)
    assert r.json()["totals"]["service_level"] == 0.4444
    # The next day holds only the one extra ticket.
    nxt = client.get("/api/v1/halls/demo/stats", params={"from": "2026-03-03"}, headers=mgr)
    assert nxt.json()["totals"]["tickets"] == 1 and nxt.json()["totals"]["called"] == 0
    both = client.get("/api/v1/halls/demo/stats",
                      params={"from": DAY, "to": "2026-03-03", "group": "day"}, headers=mgr)
    assert [(x["key"], x["tickets"]) for x in both.json()["rows"]] == [
        (DAY, 10), ("2026-03-03", 1)]


def test_groups_by_service_window_clerk_hour(seeded: tuple[TestClient, dict[str, int]]) -> None:
    client, ids = seeded
    mgr = login(client, "manager")

    def rows(group: str) -> dict:
        r = client.get("/api/v1/halls/demo/stats",
                       params={"from": DAY, "to": DAY, "group": group}, headers=mgr)
        assert r.status_code == 200, r.text
        return {x["label"]: x for x in r.json()["rows"]}

    by_service = rows("service")
    hukou = by_service["户口迁移登记"]  # T1–T6 and T10 (transferred in)
    assert (hukou["tickets"], hukou["served"], hukou["transfers"]) == (7, 5, 1)
    assert hukou["avg_wait_minutes"] == 20.0        # 5+14+25+21+40+15 = 120; /6
    assert hukou["p90_wait_minutes"] == 40.0        # ⌈0.9·6⌉ = 6th of 5 14 15 21 25 40
    assert hukou["avg_service_minutes"] == 10.8     # 10+12+8+20+4 = 54; /5
    assert hukou["p90_service_minutes"] == 20.0     # ⌈0.9·5⌉ = 5th of 4 8 10 12 20
    assert hukou["service_level"] == 0.8333         # 5 of 6
    assert (hukou["satisfaction"], hukou["mean_rating"]) == (0.6667, 3.67)  # 5 4 2
    social = by_service["社会保障卡申领"]  # T7 T8 T9
    assert (social["tickets"], social["served"], social["avg_wait_minutes"]) == (3, 3, 6.0)
    assert social["p90_wait_minutes"] == 10.0       # 3 5 10 → 3rd
    assert social["avg_service_minutes"] == 6.67    # 6+9+5 = 20; /3
    assert (social["appointments"], social["punctuality"]) == (2, 0.5)
    assert (social["satisfaction"], social["mean_rating"]) == (0.5, 4.0)  # 3 5

    by_window = rows("window")
    w4 = by_window["4号 户籍窗口"]
    assert (w4["tickets"], w4["served"], w4["no_shows"], w4["avg_wait_minutes"]) == (6, 5, 1,
                                                                                     20.0)
    assert by_window["5号 社保医保窗口"]["tickets"] == 3
    assert by_window["未分配"]["cancellations"] == 1  # T5 never reached a window

    by_clerk = rows("clerk")
    assert by_clerk["王芳（clerk1）"]["served"] == 5 and by_clerk["李娜（clerk2）"]["served"] == 3

    by_hour = rows("hour")
    assert list(by_hour) == ["08:00–09:00", "09:00–10:00"]
    assert by_hour["08:00–09:00"]["tickets"] == 1 and by_hour["09:00–10:00"]["tickets"] == 9


def test_csv_and_xlsx_exports_carry_the_same_numbers(
    seeded: tuple[TestClient, dict[str, int]],
) -> None:
    client, _ = seeded
    mgr = login(client, "manager")
    params = {"from": DAY, "to": DAY, "group": "service"}
    r = client.get("/api/v1/halls/demo/stats/export.xlsx", params=params, headers=mgr)
    assert r.status_code == 200, r.text
    assert "attachment" in r.headers["content-disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    ws = wb["统计"]
    header = [c.value for c in ws[2]]
    assert header[:4] == ["分组", "名称", "取号数", "办结数"]
    table = {row[1]: dict(zip(header, row, strict=True))
             for row in ws.iter_rows(min_row=3, values_only=True)}
    assert table["合计"]["取号数"] == 10 and table["合计"]["办结数"] == 8
    assert table["合计"]["平均等候(分)"] == 15.33 and table["合计"]["90%等候(分)"] == 40
    assert table["合计"]["服务水平"] == 0.8889 and table["合计"]["满意率"] == 0.6
    assert table["户口迁移登记"]["平均办理(分)"] == 10.8

    r = client.get("/api/v1/halls/demo/stats/export.csv", params=params, headers=mgr)
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    total = next(x for x in lines if x["名称"] == "合计")
    assert (total["取号数"], total["过号数"], total["取消数"]) == ("10", "1", "1")
    assert (total["平均办理(分)"], total["90%办理(分)"], total["预约准时率"]) == ("9.25", "20.0",
                                                                          "0.5")
    assert client.get("/api/v1/halls/demo/stats/export.pdf", headers=mgr).status_code == 422


def test_bad_rating_opened_a_case(seeded: tuple[TestClient, dict[str, int]]) -> None:
    client, ids = seeded
    cases = client.get("/api/v1/halls/demo/cases", headers=login(client, "manager")).json()
    assert [(c["ticket_id"], c["rating"], c["status"]) for c in cases] == [
        (ids["T4"], 2, "open")]
    assert cases[0]["rated_staff"]["id"] == ids["clerk1"] and cases[0]["window_number"] == 4
