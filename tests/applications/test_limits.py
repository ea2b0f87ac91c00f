"""Time limits over the hall calendar, 补正 pauses, 电子监察 alerts, refusal and mail, licences."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import create_engine, inspect, select
from sqlalchemy.orm import Session

from server.alerts.models import Alert
from server.alerts.service import evaluate_alerts
from server.app import create_app
from server.applications import service as apps
from server.applications.models import Application, ApplicationStep
from server.auth.principal import Principal
from server.catalog.models import Hall, ServiceItem
from server.core.ids import check_digit, hash_id
from server.materials.licences import add_licence, licence_store
from server.migrate import alembic_config, upgrade
from server.retention.service import run_retention
from tests.conftest import make_settings
from tests.support.api import ESTATE, HUKOU, KIOSK, issue, login, open_window
from tests.support.databases import copy_sqlite

# Friday 4 December 2026, 10:00 in Shanghai; Tuesday the 8th is a hall holiday.
FRIDAY = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
HOLIDAY = "2026-12-08"
MANAGER = Principal("staff", 1, "manager", None, "周主任")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[TestClient]:
    """One app on a demo SQLite database for the whole module (no alert loop)."""
    data = tmp_path_factory.mktemp("limits")
    app = create_app(make_settings(data, copy_sqlite(sqlite_template, data),
                                   alert_interval_seconds=0, retention_interval_hours=0))
    with TestClient(app) as c:
        yield c


def _person(n: int) -> str:
    first17 = f"32010219850601{n:03d}"
    return first17 + check_digit(first17)


def _accept(s: Session, client: TestClient, *, code: str, now: datetime, n: int,
            delivery: str = "pickup") -> Application:
    hall = s.scalar(select(Hall).where(Hall.code == "demo"))
    assert hall is not None
    hall.settings = {**hall.settings, "closed_days": [HOLIDAY]}
    service = s.scalar(select(ServiceItem).where(ServiceItem.code == code))
    assert service is not None
    person = apps.Applicant(id_hash=hash_id(_person(n), client.app.state.settings.secret_key),
                            id_masked="320102********0000", phone="13700000000")
    materials = apps.checked_materials(licence_store(s, hall), service, person.id_hash,
                                       {m["code"] for m in service.materials}, set())
    return apps.accept(s, hall=hall, service=service, applicant=person, principal=MANAGER,
                       settings=client.app.state.settings, materials=materials,
                       delivery=delivery, mail_address="示范市人民路2号", now=now)


def test_due_dates_skip_weekend_and_holiday_and_pause_during_correction(
        client: TestClient) -> None:
    db, settings = client.app.state.db, client.app.state.settings

    def work(s: Session) -> dict[str, Any]:
        # 社会保障卡申领: legal 10, promised 5 working days.
        app = _accept(s, client, code="11110000MB0234567Y4000217001", now=FRIDAY, n=1)
        first = (app.promised_due, app.legal_due)
        monday = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
        apps.request_correction(s, app=app, principal=MANAGER, settings=settings,
                                note="请补充近期免冠证件照", days=3, now=monday)
        deadline = app.correction_deadline
        thursday = datetime(2026, 12, 10, 2, 0, tzinfo=UTC)
        apps.resume(s, app=app, principal=MANAGER, settings=settings, now=thursday)
        return {"first": first, "deadline": deadline, "paused": app.paused_days,
                "after": (app.promised_due, app.legal_due), "status": app.status}

    out = db.write(work)
    # Mon 7, (Tue 8 closed), Wed 9, Thu 10, Fri 11, Mon 14 → 5th working day is Mon 14.
    assert out["first"] == (date(2026, 12, 14), date(2026, 12, 21))
    assert out["deadline"] == date(2026, 12, 11)  # Mon + 3: Wed, Thu, Fri (Tue closed)
    assert out["paused"] == 2  # Wed 9 and Thu 10 (Tue 8 was a holiday anyway)
    assert out["after"] == (date(2026, 12, 16), date(2026, 12, 23))
    assert out["status"] == "in_review"


def test_overdue_application_raises_an_alert_and_a_paused_one_does_not(
        client: TestClient) -> None:
    db, settings = client.app.state.db, client.app.state.settings

    def work(s: Session) -> dict[str, str]:
        running = _accept(s, client, code="11110000MB0345678Z4000317001", now=FRIDAY, n=2)
        paused = _accept(s, client, code="11110000MB0345678Z4000317001", now=FRIDAY, n=3)
        apps.request_correction(s, app=paused, principal=MANAGER, settings=settings,
                                note="请补充购房合同", days=5, now=FRIDAY)
        hall = s.scalar(select(Hall).where(Hall.code == "demo"))
        assert hall is not None
        # 公积金提取 promises 3 working days: due Thu 10 (Tue 8 closed); Fri 11 is past it.
        evaluate_alerts(s, hall, now=datetime(2026, 12, 11, 2, 0, tzinfo=UTC))
        rows = s.scalars(select(Alert).where(Alert.rule == "application_due",
                                             Alert.cleared_at.is_(None)))
        return {a.subject: a.level for a in rows} | {"running": f"application:{running.id}",
                                                     "msg": running.receipt_no}

    out = db.write(work)
    assert out.pop(out.pop("running")) == "red"
    out.pop("msg")
    assert out == {}  # the paused one raises nothing


def test_refusal_by_one_department_decides_and_withdraws_the_other(client: TestClient) -> None:
    db, settings = client.app.state.db, client.app.state.settings

    def work(s: Session) -> tuple[str, str | None, dict[str, str]]:
        app = _accept(s, client, code=ESTATE, now=FRIDAY, n=4)
        apps.review(s, app=app, principal=MANAGER, settings=settings, decision="refuse",
                    reason="完税凭证与合同金额不符", department="税务局", now=FRIDAY)
        return app.status, app.outcome, {r.department: r.status for r in apps.reviews_of(s, app)}

    assert db.write(work) == ("decided", "refused",
                              {"不动产登记中心": "withdrawn", "税务局": "refused"})


def test_mail_delivery_needs_a_tracking_number_and_ends_delivered(client: TestClient) -> None:
    manager = login(client, "manager")
    app_id = client.app.state.db.write(
        lambda s: _accept(s, client, code=HUKOU, now=FRIDAY, n=5, delivery="mail").id)
    r = client.post(f"/api/v1/applications/{app_id}/review", headers=manager,
                    json={"decision": "approve"})
    assert r.status_code == 200 and r.json()["status"] == "decided"
    wrong = client.post(f"/api/v1/applications/{app_id}/ready", headers=manager)
    assert wrong.status_code == 409 and wrong.json()["error"]["code"] == "wrong_delivery"
    r = client.post(f"/api/v1/applications/{app_id}/mail", headers=manager,
                    json={"tracking_no": "SF1234567890"})
    assert r.json()["status"] == "mailed" and r.json()["mail_tracking_no"] == "SF1234567890"
    r = client.post(f"/api/v1/applications/{app_id}/handover", headers=manager)
    assert r.json()["status"] == "delivered"
    stats = client.get("/api/v1/halls/demo/applications/stats", headers=manager).json()
    assert {x["status"]: x["count"] for x in stats["by_state"]}["delivered"] >= 1
    assert 0 <= stats["on_time_rate"] <= 1


def test_stats_export_xlsx_matches_the_stats(client: TestClient) -> None:
    db, settings = client.app.state.db, client.app.state.settings

    def refused(s: Session) -> None:
        app = _accept(s, client, code=HUKOU, now=FRIDAY, n=9)
        apps.review(s, app=app, principal=MANAGER, settings=settings, decision="refuse",
                    reason="迁入地址不符", now=FRIDAY)

    db.write(refused)
    manager = login(client, "manager")
    url = "/api/v1/halls/demo/applications/stats/export.xlsx"
    assert client.get(url, headers=login(client, "clerk1")).status_code == 403
    stats = client.get("/api/v1/halls/demo/applications/stats", headers=manager).json()
    r = client.get(url, headers=manager)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in r.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["办件状态", "按事项"]
    states = wb["办件状态"]
    assert "办件统计" in states["A1"].value
    rows = {row[0]: row[1] for row in states.iter_rows(min_row=3, values_only=True)}
    assert rows == {**{x["status_text"]: x["count"] for x in stats["by_state"]},
                    "已办结合计": stats["decided"], "按时办结率": stats["on_time_rate"]}
    assert rows["已办结"] >= 1 and states.cell(states.max_row, 2).number_format == "0.0%"
    per = list(wb["按事项"].iter_rows(values_only=True))
    assert per[0] == ("事项", "已办结件数", "平均办理工作日")
    assert per[1:] == [(x["service_name"], x["decided"], x["avg_working_days"])
                       for x in stats["per_service"]]
    assert "户口迁移" in str(per)


def test_licence_in_the_store_replaces_bringing_the_paper(client: TestClient) -> None:
    clerk, admin = login(client, "clerk4"), login(client, "admin")
    person = _person(6)
    wid = open_window(client, clerk, 4)
    body = {"materials": ["id_card", "move_proof"], "id_number": person}

    def serve() -> dict[str, Any]:
        t = issue(client, HUKOU)
        called = client.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()
        client.post(f"/api/v1/tickets/{called['id']}/start", headers=clerk)
        assert called["id"] == t["id"]
        return t

    t = serve()
    missing = client.post(f"/api/v1/tickets/{t['id']}/application", headers=clerk, json=body)
    assert missing.status_code == 422 and "居民户口簿" in missing.json()["error"]["message"]
    client.post(f"/api/v1/tickets/{t['id']}/complete", headers=clerk)

    r = client.post("/api/v1/licences", headers=admin, json={
        "id_number": person, "licence_type": "hukou_book", "name": "居民户口簿",
        "licence_no": "HK-320102-000777", "issuer": "示范市公安局"})
    assert r.status_code == 201 and person not in r.text
    t = serve()
    listed = client.get(f"/api/v1/tickets/{t['id']}/licence-materials", headers=clerk,
                        params={"service_code": HUKOU})
    assert listed.status_code == 200
    # The kiosk read no ID here: the list only knows once the clerk has the ID (acceptance).
    assert not any(m["from_licence"] for m in listed.json())
    app = client.post(f"/api/v1/tickets/{t['id']}/application", headers=clerk, json=body)
    assert app.status_code == 201, app.text
    book = next(m for m in app.json()["materials"] if m["code"] == "hukou_book")
    assert book == {"code": "hukou_book", "name": "居民户口簿", "source": "licence",
                    "licence_no": "HK-320102-000777", "licence_text": "已从电子证照库调取"}

    # With the ID read at the kiosk, the counter's list shows it before acceptance.
    client.post(f"/api/v1/tickets/{t['id']}/complete", headers=clerk)
    read = issue(client, HUKOU, KIOSK, id_number=person)
    listed = client.get(f"/api/v1/tickets/{read['id']}/licence-materials", headers=clerk)
    assert [m["code"] for m in listed.json() if m["from_licence"]] == ["hukou_book"]


def test_migration_goes_down_and_up(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    upgrade(url)
    command.downgrade(alembic_config(url), "0008_login_failures")
    engine = create_engine(url)
    try:
        assert "applications" not in inspect(engine).get_table_names()
        assert "department" not in {c["name"] for c in inspect(engine).get_columns("staff")}
        upgrade(url)
        assert {"applications", "application_reviews", "application_steps", "licences"} <= set(
            inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_booking_acceptance_counts_online_files_and_the_citizen_follows_it(
        client: TestClient) -> None:
    from tests.support.online import book_appointment, sample_png

    b = book_appointment(client, service_code=HUKOU, id_number=_person(7), phone="13900000077",
                         materials={"id_card": ("身份证.png", sample_png(), "image/png")},
                         accept=("id_card",))
    clerk = login(client, "clerk1")
    r = client.post(f"/api/v1/appointments/{b['booking_code']}/application", headers=clerk,
                    json={"materials": ["hukou_book", "move_proof"]})
    assert r.status_code == 201, r.text
    sources = {m["code"]: m["source"] for m in r.json()["materials"]}
    assert sources == {"id_card": "online", "hukou_book": "window", "move_proof": "window"}
    twice = client.post(f"/api/v1/appointments/{b['booking_code']}/application", headers=clerk,
                        json={"materials": ["hukou_book", "move_proof"]})
    assert twice.status_code == 409

    mine = client.get("/api/v1/citizen/applications", headers=b["citizen_headers"]).json()
    assert [a["receipt_no"] for a in mine] == [r.json()["receipt_no"]]
    assert [s["status_text"] for s in mine[0]["timeline"]] == ["已受理", "审批中"]
    assert "id_masked" not in mine[0] and "13900000077" not in str(mine)
    other = book_appointment(client, service_code=HUKOU, id_number=_person(8),
                             phone="13900000078")
    assert client.get("/api/v1/citizen/applications",
                      headers=other["citizen_headers"]).json() == []


def test_retention_clears_applicants_of_ended_applications_only(client: TestClient) -> None:
    """Last in this module: the purge also clears the module's tickets."""
    db, settings = client.app.state.db, client.app.state.settings
    saturday = FRIDAY + timedelta(days=1)

    def work(s: Session) -> dict[str, int]:
        id_hash = hash_id(_person(10), settings.secret_key)
        add_licence(s, id_hash=id_hash, licence_type="hukou_book", name="居民户口簿",
                    licence_no="HK-RETAIN-0001", issuer="示范市公安局", valid_until=None)
        delivered = _accept(s, client, code=HUKOU, now=FRIDAY, n=10, delivery="mail")
        refused = _accept(s, client, code=HUKOU, now=FRIDAY, n=11)
        running = _accept(s, client, code=HUKOU, now=FRIDAY, n=12)
        recent = _accept(s, client, code=HUKOU, now=FRIDAY, n=13)
        for app in (delivered, recent):
            apps.review(s, app=app, principal=MANAGER, settings=settings, decision="approve",
                        now=FRIDAY)
        apps.mark_mailed(s, app=delivered, principal=MANAGER, settings=settings,
                         tracking_no="SF7777777777", now=FRIDAY)
        apps.hand_over(s, app=delivered, principal=MANAGER, settings=settings, now=FRIDAY)
        apps.review(s, app=refused, principal=MANAGER, settings=settings, decision="refuse",
                    reason="材料不符", now=FRIDAY)
        apps.mark_ready(s, app=recent, principal=MANAGER, settings=settings, now=FRIDAY)
        apps.hand_over(s, app=recent, principal=MANAGER, settings=settings, now=saturday)
        return {"delivered": delivered.id, "refused": refused.id, "running": running.id,
                "recent": recent.id}

    ids = db.write(work)
    with db.read() as s:
        before = s.get(Application, ids["delivered"])
        assert before is not None and before.mail_address and before.id_hash
        assert any(m.get("licence_no") == "HK-RETAIN-0001" for m in before.materials)
    # 30 days kept: on 4 January the cutoff is 5 December, after Friday, before Saturday.
    counts = run_retention(db, settings, days=30, now=FRIDAY + timedelta(days=31))
    assert counts["applications"] >= 2
    with db.read() as s:
        rows = {k: s.get(Application, v) for k, v in ids.items()}
        for key in ("delivered", "refused"):
            app = rows[key]
            assert app is not None
            assert (app.id_hash, app.id_masked, app.citizen_id, app.phone, app.mail_address,
                    app.mail_tracking_no) == (None, None, None, "", "", "")
            assert app.receipt_no and app.decided_day == FRIDAY.date()  # statistics stay
        assert not any("licence_no" in m for m in rows["delivered"].materials)
        texts = s.scalars(select(ApplicationStep.text).where(
            ApplicationStep.application_id == ids["delivered"]))
        assert "SF7777777777" not in " ".join(texts)
        for key in ("running", "recent"):
            app = rows[key]
            assert app is not None and app.id_hash and app.phone == "13700000000"
