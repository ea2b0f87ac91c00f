"""An appointment with pre-submitted materials reaches the counter: calling it lists them with
their pre-review status (one reused from the citizen's library), the PNG and the PDF open and
render inside the client, the clerk verifies one, and the audit log has every read.
Also the screenshots of the main screen (1366×768, 1920×1080), the login dialog and English."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
from PIL import Image, ImageDraw, ImageFont
from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QApplication

from counter_client.app import CounterApp
from counter_client.config import CounterConfig
from counter_client.ui.common import setup_app
from tests.counter.conftest import idle, press
from tests.support.api import HUKOU, IDCARD, KIOSK, issue, login
from tests.support.online import book_appointment, make_id_number

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT, size)


def id_card_png() -> bytes:
    """A scanned-looking ID card front as PNG."""
    img = Image.new("RGB", (856, 540), "#f4f1e8")
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((8, 8, 848, 532), 24, outline="#8aa1b1", width=4)
    d.text((40, 40), "居民身份证（样例）", fill="#1f4e8c", font=_font(40))
    for i, line in enumerate(("姓名  张三", "性别  男    民族  汉", "出生  1990年1月1日",
                              "住址  示范市人民路1号")):
        d.text((40, 130 + i * 70), line, fill="#222", font=_font(34))
    d.rectangle((600, 120, 800, 380), fill="#c9d6df")
    d.text((640, 230), "照片", fill="#555", font=_font(36))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def hukou_pdf() -> bytes:
    """A two-page A4 PDF (户口簿 首页 and 本人页)."""
    pages = []
    for title in ("居民户口簿 · 户主页", "居民户口簿 · 本人页"):
        page = Image.new("RGB", (595, 842), "white")
        d = ImageDraw.Draw(page)
        d.rectangle((30, 30, 565, 812), outline="#b22222", width=3)
        d.text((60, 60), title, fill="#b22222", font=_font(30))
        for i in range(8):
            d.line((60, 160 + i * 70, 535, 160 + i * 70), fill="#999", width=1)
        d.text((60, 175), "户别：家庭户   户主姓名：张三", fill="#222", font=_font(20))
        pages.append(page)
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=72)
    return buf.getvalue()


def move_proof_png() -> bytes:
    img = Image.new("RGB", (600, 800), "white")
    d = ImageDraw.Draw(img)
    d.text((40, 40), "准予迁入证明", fill="#222", font=_font(36))
    d.ellipse((380, 560, 540, 720), outline="#dd6666", width=3)  # a faint stamp
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _booking(http: httpx.Client) -> dict:
    id_number = make_id_number("19900101")
    phone = "13912345678"
    # An earlier booking whose accepted ID card is in the citizen's library.
    book_appointment(http, service_code=IDCARD, id_number=id_number, phone=phone,
                     materials={"id_card": ("身份证.png", id_card_png(), "image/png")},
                     accept=["id_card"])
    booking = book_appointment(
        http, service_code=HUKOU, id_number=id_number, phone=phone,
        materials={"hukou_book": ("户口簿.pdf", hukou_pdf(), "application/pdf"),
                   "move_proof": ("迁入证明.png", move_proof_png(), "image/png")},
        accept=["hukou_book"], reject={"move_proof": "印章不清晰，请带原件"})
    headers = booking["citizen_headers"]
    r = http.post(f"/api/v1/appointments/{booking['booking_code']}/materials/id_card/reuse",
                  headers=headers)
    assert r.status_code == 201, r.text
    return booking


def _shot(widget, artifacts_dir: Path, name: str) -> Path:
    out = artifacts_dir / "counter"
    out.mkdir(exist_ok=True)
    path = out / name
    assert widget.grab().save(str(path))
    return path


def test_login_dialog_screenshot(qtbot, live, artifacts_dir: Path, tmp_path: Path) -> None:
    setup_app(QApplication.instance())
    app = CounterApp(CounterConfig(server=live.url, path=tmp_path / "c.json"))
    app.start()
    qtbot.addWidget(app.login)
    qtbot.keyClicks(app.login.username, "clerk4")
    qtbot.mouseClick(app.login.button, Qt.LeftButton)
    assert app.login.error.text() == "请输入用户名和密码"
    qtbot.keyClicks(app.login.password, "wrong-password")
    qtbot.mouseClick(app.login.button, Qt.LeftButton)
    qtbot.waitUntil(lambda: app.login.button.isEnabled() and bool(app.login.error.text()))
    assert app.login.error.text() == "用户名或密码错误"
    assert app.main is None and app.login.isVisible()
    app.login.password.clear()
    app.login.error.setText("")
    _shot(app.login, artifacts_dir, "login.png")
    app.shutdown()


def test_appointment_materials_open_verify_and_audit(qtbot, counter, live, http: httpx.Client,
                                                     artifacts_dir: Path) -> None:
    booking = _booking(http)
    app = counter("clerk4", 4)
    main, session = app.main, app.session
    r = http.post("/api/v1/halls/demo/checkins", json={"booking_code": booking["booking_code"]},
                  headers=KIOSK)
    assert r.status_code == 201, r.text
    ticket = r.json()
    qtbot.waitUntil(lambda: [i["number"] for i in session.queue] == [ticket["number"]])
    assert main.queue_table.item(0, 4).text() == "预约已签到，优先办理"

    press(qtbot, app, Qt.Key_F1)
    assert main.number.text() == ticket["number"]
    assert main.fields["source"].text().startswith(f"网上预约 · {booking['booking_code']} · ")
    # the clerk handling the ticket sees the full name (the server audits that read)
    qtbot.waitUntil(lambda: main.fields["citizen"].text() == "张三")
    qtbot.waitUntil(lambda: main.materials_table.rowCount() == 3)
    rows = {main.materials_table.item(r, 0).text(): [main.materials_table.item(r, c).text()
                                                     for c in range(1, 5)]
            for r in range(3)}
    assert rows["居民身份证"] == ["是", "通过", "材料库复用", "未核验"]
    assert rows["居民户口簿"] == ["是", "通过", "本次上传", "未核验"]
    assert rows["准予迁入证明"] == ["是", "退回：印章不清晰，请带原件", "本次上传", "未核验"]
    assert main.materials_summary.text() == "共 3 项：通过 2，待审 0，退回 1，未提交 0"
    by_name = {m["name"]: m for m in session.materials}

    press(qtbot, app, Qt.Key_F3)  # serving while reading the materials
    waiting = [issue(http, HUKOU, id_number=make_id_number("19500101")), issue(http, IDCARD),
               issue(http, HUKOU)]
    qtbot.waitUntil(lambda: len(session.queue) == 3)
    assert [main.queue_table.item(r, 4).text() for r in range(3)] == [
        "绿色通道", "按等待先后", "按等待先后"]
    assert [main.queue_table.item(r, 1).text() for r in range(3)] == [
        t["number"] for t in waiting]
    # Main screen with a ticket being served and the materials listed, at both sizes.
    for w, h in ((1366, 768), (1920, 1080)):
        main.resize(w, h)
        qtbot.wait(50)
        assert main.size().width() == w and main.size().height() == h
        _shot(main, artifacts_dir, f"main_{w}x{h}.png")
    main.resize(1366, 768)

    # Open the PNG (reused ID card): it renders; zoom and rotate change the picture.
    card = by_name["居民身份证"]
    open_btn = main.materials_table.findChild(type(main.buttons["call"]), f"open-{card['id']}")
    qtbot.mouseClick(open_btn, Qt.LeftButton)
    viewer = main.viewers[card["id"]]
    qtbot.waitUntil(lambda: bool(viewer.pixmaps), timeout=10000)
    assert viewer.sizes == [(856, 540)] and viewer.state.pages == 1
    fitted = viewer.image.pixmap().size()
    assert fitted.width() > fitted.height()
    _shot(viewer, artifacts_dir, "viewer_png.png")
    qtbot.mouseClick(viewer.buttons["zoom_in"], Qt.LeftButton)
    assert viewer.image.pixmap().width() > fitted.width()
    qtbot.mouseClick(viewer.buttons["rotate"], Qt.LeftButton)
    rotated = viewer.image.pixmap().size()
    assert rotated.height() > rotated.width()  # quarter turn: portrait now
    qtbot.waitUntil(viewer.scroll.verticalScrollBar().isVisible)  # taller than the view: pan
    _shot(viewer, artifacts_dir, "viewer_png_rotated.png")
    qtbot.mouseClick(viewer.verify, Qt.LeftButton)
    idle(qtbot, app)
    assert viewer.verify.text() == "已核验" and not viewer.verify.isEnabled()
    viewer.close()

    # Open the PDF: two pages rendered by pdfium; page 2 is reachable.
    book = by_name["居民户口簿"]
    main.open_material(book["id"])
    pdf_viewer = main.viewers[book["id"]]
    qtbot.waitUntil(lambda: bool(pdf_viewer.pixmaps), timeout=10000)
    assert pdf_viewer.state.pages == 2 and pdf_viewer.sizes[0] == (1190, 1684)
    assert "第 1 / 2 页" in pdf_viewer.info.text()
    _shot(pdf_viewer, artifacts_dir, "viewer_pdf_page1.png")
    qtbot.mouseClick(pdf_viewer.buttons["next_page"], Qt.LeftButton)
    assert "第 2 / 2 页" in pdf_viewer.info.text()
    assert not pdf_viewer.buttons["next_page"].isEnabled()
    _shot(pdf_viewer, artifacts_dir, "viewer_pdf_page2.png")
    pdf_viewer.close()

    # The table shows the verification; the server has it too.
    rows = {main.materials_table.item(r, 0).text(): main.materials_table.item(r, 4).text()
            for r in range(3)}
    assert rows == {"居民身份证": "已核验", "居民户口簿": "未核验", "准予迁入证明": "未核验"}
    clerk = login(http, "clerk4")
    server_items = {m["name"]: m for m in http.get(
        f"/api/v1/tickets/{ticket['id']}/materials", headers=clerk).json()}
    assert server_items["居民身份证"]["verified"] is True
    assert server_items["居民身份证"]["verified_by"] == "刘洋"

    # Every open is in the audit log, with who and which ticket.
    manager = login(http, "manager")
    for m in (card, book):
        log = http.get(f"/api/v1/materials/{m['id']}/audit", headers=manager).json()
        reads = [e for e in log if e.get("action", "read") == "read"]
        assert len(reads) == 1, log
        assert reads[0]["staff"] == "刘洋" and reads[0]["ticket_id"] == ticket["id"]
    untouched = http.get(f"/api/v1/materials/{by_name['准予迁入证明']['id']}/audit",
                         headers=manager).json()
    assert [e for e in untouched if e.get("action", "read") == "read"] == []
    press(qtbot, app, Qt.Key_F4)
    assert main.rating_box.isVisible() and session.rating["url"].endswith(
        "/t/" + ticket["tracking_token"])
    _shot(main, artifacts_dir, "main_after_complete_rating.png")


def test_english_main_screen(qtbot, counter, http: httpx.Client, artifacts_dir: Path) -> None:
    app = counter("clerk5", 5, lang="en")
    assert app.main.buttons["call"].text() == "Call next\nF1"
    assert app.main.connection.text() == "● Connected"
    _shot(app.main, artifacts_dir, "main_en_1366x768.png")


def test_checklist_puts_what_was_not_submitted_first_in_red(
        qtbot, counter, http: httpx.Client, artifacts_dir: Path) -> None:
    booking = book_appointment(
        http, service_code=HUKOU, name="李四", phone="13912340001",
        materials={"hukou_book": ("户口簿.pdf", hukou_pdf(), "application/pdf")},
        accept=["hukou_book"])
    app = counter("clerk4", 4)
    main = app.main
    r = http.post("/api/v1/halls/demo/checkins", json={"booking_code": booking["booking_code"]},
                  headers=KIOSK)
    assert r.status_code == 201, r.text
    qtbot.waitUntil(lambda: r.json()["number"] in [i["number"] for i in app.session.queue])
    press(qtbot, app, Qt.Key_F1)
    assert main.number.text() == r.json()["number"]
    table = main.materials_table
    qtbot.waitUntil(lambda: table.rowCount() == 3)
    rows = [[table.item(row, c).text() for c in range(5)] for row in range(3)]
    assert rows == [["居民身份证", "是", "未提交", "—", "—"],
                    ["准予迁入证明", "是", "未提交", "—", "—"],
                    ["居民户口簿", "是", "通过", "本次上传", "未核验"]]
    for row in (0, 1):
        cell = table.item(row, 2)
        assert cell.foreground().color().name() == "#c53030" and cell.font().bold()
        assert table.cellWidget(row, 5) is None  # nothing to open
    assert table.cellWidget(2, 5) is not None
    assert main.materials_summary.text() == "共 3 项：通过 1，待审 0，退回 0，未提交 2"
    assert main.fields["citizen"].text() == "李四"
    _shot(main, artifacts_dir, "main_checklist_missing_1366x768.png")
