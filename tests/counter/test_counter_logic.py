"""Qt-free parts of the counter client: allowed actions, shortcuts config, transfer validation,
serving timer levels, connection indicator, and document rendering."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from counter_client.actions import Context, allowed_actions, recall_exhausted
from counter_client.config import DEFAULT_SHORTCUTS, CounterConfig, merge_shortcuts
from counter_client.controller import Connection, format_elapsed, timer_level, validate_transfer
from counter_client.documents import UnsupportedDocument, ViewerState, render_pages
from counter_client.strings import TEXT, Strings
from hallclient.settings import SettingsError

HELD = {"window_state": "open", "holds_window": True}


@pytest.mark.parametrize(("ctx", "expected"), [
    (Context(), set()),
    (Context(window_state="closed"), {"open", "reprint"}),
    (Context(window_state="open", held_by_other=True), {"reprint"}),
    (Context(**HELD), {"call", "pause", "close", "reprint"}),
    (Context(window_state="paused", holds_window=True), {"open", "close", "reprint"}),
    (Context(**HELD, ticket_status="called", call_count=1), {"recall", "start", "no_show",
                                                             "pause", "reprint"}),
    (Context(**HELD, ticket_status="called", call_count=3, recall_limit=3),
     {"start", "no_show", "pause", "reprint"}),
    (Context(**HELD, ticket_status="serving"), {"complete", "transfer", "hang", "pause",
                                                "reprint"}),
    (Context(**HELD, ticket_status="serving", acceptable=True),
     {"complete", "transfer", "hang", "pause", "reprint", "accept"}),
    (Context(**HELD, ticket_status="suspended", has_suspended=True),
     {"call", "resume", "pause", "close", "reprint"}),
    (Context(**HELD, ticket_status="done"), {"call", "pause", "close", "reprint"}),
    (Context(**HELD, ticket_status="done", acceptable=True),
     {"call", "pause", "close", "reprint", "accept"}),
    (Context(**HELD, ticket_status="called", acceptable=True), {"recall", "start", "no_show",
                                                                "pause", "reprint"}),
    (Context(ticket_status="done", acceptable=True, window_state="open", held_by_other=True),
     {"reprint"}),
    (Context(**HELD, ticket_status="serving", busy=True), set()),
    (Context(window_state="paused", holds_window=True, ticket_status="serving"),
     {"open", "complete", "transfer", "hang", "reprint"}),
])
def test_allowed_actions_table(ctx: Context, expected: set[str]) -> None:
    assert allowed_actions(ctx) == expected


def test_recall_exhausted() -> None:
    assert recall_exhausted(Context(ticket_status="called", call_count=3, recall_limit=3))
    assert not recall_exhausted(Context(ticket_status="called", call_count=2, recall_limit=3))
    assert not recall_exhausted(Context(ticket_status="serving", call_count=3, recall_limit=3))


def test_config_round_trip_and_shortcut_rules(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "counter.json"
    cfg = CounterConfig.load(path)
    assert cfg.shortcuts == DEFAULT_SHORTCUTS and cfg.window_id is None
    cfg.window_id, cfg.username = 7, "clerk7"
    cfg.save()
    # the operator's keys in the file survive the client remembering its window and user
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**data, "shortcuts": {"call": "Space"}}), encoding="utf-8")
    CounterConfig.load(path).save()
    again = CounterConfig.load(path)
    assert again.window_id == 7 and again.username == "clerk7"
    assert again.shortcuts["call"] == "Space" and again.shortcuts["start"] == "F3"
    # Unknown actions are ignored; a clash falls back to the default key.
    merged = merge_shortcuts({"fly": "F12", "recall": "F1", "start": ""})
    assert "fly" not in merged and merged["start"] == "F3"
    # a configured key wins over another action's default, which then has no key: never two
    assert merged["recall"] == "F1" and merged["call"] == ""
    moved = merge_shortcuts({"recall": "F1", "call": "F2"})  # swapped: both as configured
    assert (moved["call"], moved["recall"]) == ("F2", "F1")
    taken = merge_shortcuts({"pause": "Ctrl+R"})  # 补打小票's default
    assert taken["pause"] == "Ctrl+R" and taken["reprint"] == ""
    keys = [k.upper() for k in merge_shortcuts({"call": "F5", "no_show": "F5"}).values() if k]
    assert len(keys) == len(set(keys))
    # a broken file or a bad value is an error naming the file, not silently the defaults
    path.write_text("{broken", encoding="utf-8")
    with pytest.raises(SettingsError, match="not valid JSON"):
        CounterConfig.load(path)
    path.write_text(json.dumps({"window_id": "x", "lang": "en"}), encoding="utf-8")
    with pytest.raises(SettingsError, match="window_id"):
        CounterConfig.load(path)


def test_transfer_validation() -> None:
    ok = {"current_service": "S1", "current_window": 3}
    assert validate_transfer(kind="service", target=None, reason="x", **ok) == "err_target"
    assert validate_transfer(kind="service", target="S1", reason="x", **ok) == "err_same_service"
    assert validate_transfer(kind="window", target=3, reason="x", **ok) == "err_same_window"
    assert validate_transfer(kind="window", target=4, reason="  ", **ok) == "err_reason"
    assert validate_transfer(kind="window", target=4, reason="长" * 201, **ok) == \
        "err_reason_long"
    assert validate_transfer(kind="service", target="S2", reason="补充材料", **ok) is None


def test_timer_levels_and_format() -> None:
    assert timer_level(9 * 60, 10) == "ok"
    assert timer_level(11 * 60, 10) == "amber"
    assert timer_level(16 * 60, 10) == "red"
    assert timer_level(999, None) == "ok"
    assert format_elapsed(65) == "01:05" and format_elapsed(3725) == "1:02:05"


def test_connection_indicator_levels() -> None:
    c = Connection()
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    assert not c.update("connecting", t0) and c.level == "reconnecting"
    assert not c.update("connected", t0) and c.level == "connected"  # first connect
    c.update("disconnected", t0)
    assert c.level == "reconnecting"
    assert not c.tick(t0 + timedelta(seconds=5)) and c.level == "reconnecting"
    assert c.tick(t0 + timedelta(seconds=11)) and c.level == "disconnected"
    c.update("connecting", t0 + timedelta(seconds=12))
    assert c.level == "disconnected"  # still red while retrying
    assert c.update("connected", t0 + timedelta(seconds=13)) and c.level == "connected"
    c.update("stopped", t0)
    assert c.level == "disconnected"


def test_strings_have_both_languages() -> None:
    assert all(len(pair) == 2 and all(pair) for pair in TEXT.values())
    assert Strings("en")("act_call") == "Call next" and Strings("zh")("act_call") == "叫号"
    assert Strings("xx")("msg_called", number="A001") == "已叫号 A001"


def _png() -> bytes:
    img = Image.new("RGB", (300, 200), "white")
    ImageDraw.Draw(img).rectangle((10, 10, 100, 60), fill="red")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _pdf(pages: int = 2) -> bytes:
    imgs = [Image.new("RGB", (595, 842), c) for c in ("white", "lightblue")][:pages]
    buf = io.BytesIO()
    imgs[0].save(buf, "PDF", save_all=True, append_images=imgs[1:], resolution=72)
    return buf.getvalue()


def test_render_png_and_pdf_pages() -> None:
    [png] = render_pages(_png(), "image/png")
    assert png.size == (300, 200) and png.getpixel((50, 30)) == (255, 0, 0)
    pages = render_pages(_pdf(), "application/pdf")
    assert len(pages) == 2 and pages[0].size == (1190, 1684)  # A4 at 2× (144 dpi)
    r, g, b = pages[1].getpixel((100, 100))
    assert b > r  # the second page is the light blue one
    with pytest.raises(UnsupportedDocument):
        render_pages(b"not a pdf", "application/pdf")
    with pytest.raises(UnsupportedDocument):
        render_pages(b"hello", "text/plain")


def test_viewer_state_zoom_rotate_pages() -> None:
    v = ViewerState(pages=2)
    v.zoom_in()
    assert v.zoom == 1.25
    for _ in range(20):
        v.zoom_out()
    assert v.zoom == 0.25
    v.rotate()
    v.fit((1000, 500), (500, 1000))  # rotated: 500×1000 fits exactly at 1.0
    assert v.rotation == 90 and v.zoom == pytest.approx(1.0)
    v.next_page()
    v.next_page()
    assert v.page == 1
    v.prev_page()
    v.prev_page()
    assert v.page == 0


def test_serving_timer_turns_amber_then_red(qtbot, tmp_path: Path) -> None:
    """The card's timer colour against the service's expected minutes (widget render only)."""
    from counter_client.controller import CounterSession
    from counter_client.ui.main_window import MainWindow
    from hallclient import HallApi

    session = CounterSession(HallApi("http://127.0.0.1:9"), CounterConfig(path=None))
    main = MainWindow(session)
    qtbot.addWidget(main)
    now = datetime.now(UTC)
    base = {"id": 1, "number": "A001", "status": "serving", "service_code": "S",
            "service_name": "户口迁移登记", "expected_minutes": 10, "call_count": 1,
            "recall_limit": 3, "issued_at": (now - timedelta(minutes=40)).isoformat(),
            "first_called_at": (now - timedelta(minutes=30)).isoformat()}
    for minutes, level in ((5, "ok"), (12, "amber"), (16, "red")):
        session.ticket = {**base, "started_at": (now - timedelta(minutes=minutes)).isoformat()}
        main.render_ticket()
        assert main.fields["serving_timer"].property("level") == level
        assert main.fields["serving_timer"].text().startswith(f"{minutes:02d}:")
    assert main.fields["waited"].text() == "10 分钟"
    main.close()
