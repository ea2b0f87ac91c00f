"""`python -m display` as an installer would run it: a real process against a real server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from PyQt5.QtGui import QImage

from display.__main__ import build_parser, parse_args
from display.__main__ import main as display_main
from tests.display.conftest import DISPLAY_TOKEN, HallDriver
from tests.support.api import hall_with_device
from tests.support.live import ROOT, LiveServer


def test_every_display_option_has_help() -> None:
    for action in build_parser()._actions:
        assert action.help, action.option_strings


def test_cli_options_and_errors(capsys: pytest.CaptureFixture[str]) -> None:
    args = parse_args(["--token", "t", "--mode", "window", "--window", "3", "--portrait",
                       "--digits", "yao", "--repeat", "3", "--lang", "en"])
    assert (args.mode, args.window, args.portrait, args.digits, args.repeat, args.lang) == (
        "window", 3, True, "yao", 3, "en")
    with pytest.raises(SystemExit):
        parse_args(["--token", "t", "--mode", "window"])
    assert "--window" in capsys.readouterr().err
    assert parse_args(["--token", "t"]).page_seconds == 10
    assert parse_args(["--token", "t", "--page-seconds", "6"]).page_seconds == 6
    with pytest.raises(SystemExit):
        parse_args(["--token", "t", "--page-seconds", "1"])  # nobody reads a page in 1 s
    assert "--page-seconds must be at least 3" in capsys.readouterr().err


def test_python_m_display_draws_the_window_screen(live: LiveServer, voice_cache: Path,
                                                  tmp_path: Path) -> None:
    hall = HallDriver(live.url)
    hall.open(1)
    hall.issue(1)
    number = hall.call(1)["number"]
    hall.close()
    out = tmp_path / "window1.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, "-m", "display", "--server", live.url, "--token", DISPLAY_TOKEN,
         "--mode", "window", "--window", "1", "--portrait", "--audio", "none",
         "--voice-cache", str(voice_cache), "--screenshot", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1080, 1920)
    assert number == "A001"
    assert "screenshot saved" in proc.stderr
    # The ticket digits are drawn: plenty of the digit yellow (#ffd54a) on the screen.
    yellow = sum(1 for x in range(0, 1080, 6) for y in range(0, 1920, 6)
                 if image.pixelColor(x, y).name() == "#ffd54a")
    assert yellow > 800


def test_display_takes_its_hall_from_the_token(live: LiveServer, voice_cache: Path,
                                               tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    with httpx.Client(base_url=live.url, timeout=10) as client:
        token = hall_with_device(client, "east", "display")
    out = tmp_path / "east.png"
    # another hall's display, no --hall: it connects to that hall and draws (no 404 loop)
    proc = subprocess.run(
        [sys.executable, "-m", "display", "--server", live.url, "--token", token,
         "--audio", "none", "--voice", "none", "--windowed", "--screenshot", str(out)],
        cwd=ROOT, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, capture_output=True,
        text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "of hall east" in proc.stderr and QImage(str(out)).width() == 1920
    # a wrong token or another hall than the token's: exit 2 at once, in both languages
    assert display_main(["--server", live.url, "--token", "not-a-token"]) == 2
    err = capsys.readouterr().err
    assert "显示屏令牌无效或已吊销" in err and "display token is invalid or revoked" in err
    assert display_main(["--server", live.url, "--token", token, "--hall", "demo"]) == 2
    assert "不一致" in capsys.readouterr().err
    assert display_main(["--server", live.url, "--token", "demo-kiosk-token"]) == 2
    assert "not to a display" in capsys.readouterr().err
