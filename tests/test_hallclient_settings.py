"""The one settings loader of the hall apps: layers, types, errors, --print-config, help."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from counter_client.__main__ import build_parser as counter_parser
from counter_client.config import CounterConfig
from display.__main__ import build_parser as display_parser
from display.__main__ import parse_args as display_args
from display.config import DisplayConfig
from hallclient.settings import SettingsError, load_settings
from kiosk.__main__ import build_parser as kiosk_parser
from kiosk.config import KioskConfig
from ratepad.__main__ import build_parser as ratepad_parser
from ratepad.__main__ import parse_args as ratepad_args
from ratepad.config import RatepadConfig
from tests.support.live import ROOT

TOKEN = "secret-device-token-1234"


def clean_env(**extra: str) -> dict[str, str]:
    """The process environment without any TONGBAN_ setting (a developer's shell may have some)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONGBAN_")}
    return {**env, "QT_QPA_PLATFORM": "offscreen", **extra}


def run_app(module: str, *args: str, env: dict[str, str] | None = None,
            ) -> subprocess.CompletedProcess[str]:
    """`python -m <module> ...` as an installer would type it."""
    return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT,
                          env=env or clean_env(), capture_output=True, text=True, timeout=60)


def printed(out: str) -> dict[str, str]:
    """`name: value` lines of --print-config."""
    return dict(line.split(": ", 1) if ": " in line else (line.rstrip(":"), "")
                for line in out.splitlines() if line and not line.startswith("#"))


def test_layers_defaults_file_env_flags(tmp_path: Path) -> None:
    """defaults < file < TONGBAN_DISPLAY_* (older names below it) < flags, each typed."""
    path = tmp_path / "display.yaml"
    path.write_text("display:\n  server: http://10.0.0.1:8000\n  repeat: 3\n  lang: en\n"
                    "  page_seconds: 8\n", encoding="utf-8")
    env = {"TONGBAN_SERVER": "http://old-name:1", "TONGBAN_DISPLAY_REPEAT": "4",
           "TONGBAN_HALL": "east", "TONGBAN_DISPLAY_CHIME": "no"}
    cfg = load_settings(DisplayConfig, "display", path=path, environ=env,
                        overrides={"repeat": "5", "lang": None})
    assert cfg.server == "http://old-name:1"  # the older variable still beats the file
    assert cfg.repeat == 5 and cfg.lang == "en" and cfg.page_seconds == 8.0
    assert cfg.hall == "east" and cfg.chime is False and cfg.mode == "hall"
    assert load_settings(DisplayConfig, "display", path=path,
                         environ={}).server == "http://10.0.0.1:8000"
    # the new name wins over the old one
    env["TONGBAN_DISPLAY_SERVER"] = "http://new-name:2"
    assert load_settings(DisplayConfig, "display", environ=env).server == "http://new-name:2"
    # JSON works as well, and TONGBAN_<APP>_CONFIG names the file
    json_path = tmp_path / "pad.json"
    json_path.write_text(json.dumps({"thanks_seconds": 4, "token": "t"}), encoding="utf-8")
    cfg2 = load_settings(RatepadConfig, "ratepad",
                         environ={"TONGBAN_RATEPAD_CONFIG": str(json_path)},
                         overrides={"prompt_seconds": "30"})
    assert (cfg2.thanks_seconds, cfg2.prompt_seconds, cfg2.token) == (4.0, 30.0, "t")


def test_bad_values_name_their_source(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"repeat: bad value 'twice' from \$TONGBAN_DISP"):
        load_settings(DisplayConfig, "display", environ={"TONGBAN_DISPLAY_REPEAT": "twice"})
    with pytest.raises(SettingsError, match="lang: 'fr' from --lang is not one of"):
        load_settings(DisplayConfig, "display", environ={}, overrides={"lang": "fr"})
    path = tmp_path / "k.yaml"
    path.write_text("kiosk:\n  colour: red\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="unknown settings colour"):
        load_settings(KioskConfig, "kiosk", path=path, environ={})
    path.write_text("kiosk: [unclosed\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="not valid YAML"):
        load_settings(KioskConfig, "kiosk", path=path, environ={})
    with pytest.raises(SettingsError, match="cannot read config file"):
        load_settings(KioskConfig, "kiosk", path=tmp_path / "missing.yaml", environ={})
    # one file for a machine running two apps: each reads its section, ignores the other's
    both = tmp_path / "hall.yaml"
    both.write_text("kiosk:\n  lang: en\ndisplay:\n  repeat: 3\n", encoding="utf-8")
    assert load_settings(KioskConfig, "kiosk", path=both, environ={}).lang == "en"
    assert load_settings(DisplayConfig, "display", path=both, environ={}).repeat == 3
    with pytest.raises(SettingsError, match="fullscreen: bad value 'maybe'"):
        load_settings(KioskConfig, "kiosk", environ={"TONGBAN_KIOSK_FULLSCREEN": "maybe"})
    with pytest.raises(SettingsError, match="http"):
        load_settings(CounterConfig, "counter", environ={"TONGBAN_COUNTER_SERVER": "ftp://x"})


@pytest.mark.parametrize("module", ["kiosk", "counter_client", "display", "ratepad"])
def test_print_config_masks_the_token_and_exits_0(module: str, tmp_path: Path) -> None:
    app = {"counter_client": "COUNTER"}.get(module, module.upper())
    env = clean_env(HOME=str(tmp_path), **{f"TONGBAN_{app}_TOKEN": TOKEN,
                                           f"TONGBAN_{app}_SERVER": "http://10.1.2.3:8000"})
    proc = run_app(module, "--print-config", "--lang", "en", env=env)
    assert proc.returncode == 0, proc.stderr
    shown = printed(proc.stdout)
    assert shown["server"] == "http://10.1.2.3:8000" and shown["lang"] == "en"
    assert TOKEN not in proc.stdout
    if module != "counter_client":  # the counter logs in with a password, it has no token
        assert shown["token"] == "secr********"


@pytest.mark.parametrize(("module", "args", "message"), [
    ("kiosk", ["--idle-timeout", "soon"], "idle_timeout: bad value 'soon' from --idle-timeout"),
    ("counter_client", ["--http-timeout", "-1"], "http_timeout must be > 0"),
    ("display", ["--token", "t", "--mode", "window"], "--mode window needs --window N"),
    ("ratepad", ["--token", "t", "--thanks-seconds", "x"], "thanks_seconds: bad value 'x'"),
])
def test_a_bad_value_stops_the_app_with_exit_2(module: str, args: list[str], message: str,
                                               tmp_path: Path) -> None:
    proc = run_app(module, *args, "--print-config", env=clean_env(HOME=str(tmp_path)))
    assert proc.returncode == 2 and message in proc.stderr and proc.stdout == ""


def test_display_and_ratepad_need_a_token(capsys: pytest.CaptureFixture[str]) -> None:
    for parse, name in ((display_args, "TONGBAN_DISPLAY_TOKEN"),
                        (ratepad_args, "TONGBAN_RATEPAD_TOKEN")):
        with pytest.raises(SystemExit) as exit_info:
            parse(["--server", "http://127.0.0.1:9"])
        assert exit_info.value.code == 2
        assert f"--token is required (or {name})" in capsys.readouterr().err


@pytest.mark.parametrize("parser", [kiosk_parser, counter_parser, display_parser,
                                    ratepad_parser])
def test_every_option_has_help_and_names_its_variable(parser) -> None:
    p = parser()
    for action in p._actions:
        assert action.help, action.option_strings
    text = p.format_help()
    assert "--print-config" in text and "--config" in text and "TONGBAN_" in text


def test_counter_remembers_window_and_user_in_its_file(tmp_path: Path) -> None:
    """The file keeps the operator's keys; flags given for one run are not written back."""
    path = tmp_path / "counter.yaml"
    path.write_text("counter:\n  hall: east\n  shortcuts: {call: F12}\n", encoding="utf-8")
    cfg = CounterConfig.load(path, environ={}, server="http://10.9.9.9:8000")
    cfg.username, cfg.window_id = "clerk3", 3
    cfg.save()
    again = CounterConfig.load(path, environ={})
    assert (again.hall, again.username, again.window_id) == ("east", "clerk3", 3)
    assert again.shortcuts["call"] == "F12" and again.server == "http://127.0.0.1:8000"


def test_counter_print_config_shows_what_it_remembers(tmp_path: Path) -> None:
    path = tmp_path / "counter.json"
    env = clean_env(HOME=str(tmp_path), TONGBAN_COUNTER_CONFIG=str(path))
    first_run = run_app("counter_client", "--print-config", env=env)  # no file yet: defaults
    assert first_run.returncode == 0 and printed(first_run.stdout)["username"] == ""
    path.write_text(json.dumps({"username": "clerk4", "window_id": 4}), encoding="utf-8")
    proc = run_app("counter_client", "--print-config", "--hall", "east", env=env)
    shown = printed(proc.stdout)
    assert (shown["username"], shown["window_id"], shown["hall"]) == ("clerk4", "4", "east")
    assert json.loads(shown["shortcuts"])["accept"] == "Ctrl+Return"
