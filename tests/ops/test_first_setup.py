"""What a newcomer does first: the README's first-setup walkthrough, run line by line; the demo
kept apart from real data; the README saying what each command installs; `serve --help`."""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from server.__main__ import DEMO_DATA_DIR, build_parser, main, settings_from
from tests.support.databases import copy_sqlite
from tests.support.live import ROOT, free_port

README = ROOT / "README.md"
FIRST_LINE = "export TONGBAN_DATA_DIR=./var TONGBAN_PORT=8000"
REAL_SECRET = "a-real-secret-for-tests-0123456789"


def first_setup_block() -> str:
    """The fenced bash block between the first-setup markers of the README."""
    text = README.read_text(encoding="utf-8")
    section = text.split("<!-- first-setup:begin -->", 1)[1].split("<!-- first-setup:end -->")[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None, "README first-setup section has no ```bash block"
    return block.group(1)


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without any TONGBAN_* setting of the test run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONGBAN_")}
    return {**env, **extra}


def test_readme_first_setup_runs_as_written(tmp_path: Path) -> None:
    script = first_setup_block()
    first, _, rest = script.partition("\n")
    assert first.startswith(FIRST_LINE), "the walkthrough must start by choosing dir and port"
    data, port = tmp_path / "var", free_port()
    script = (f"export TONGBAN_DATA_DIR={shlex.quote(str(data))} TONGBAN_PORT={port}\n"
              + rest)
    out = tmp_path / "out.txt"
    with out.open("wb") as sink:
        # -e: every command must succeed (curl -f fails on any 4xx/5xx); -x: which one failed
        proc = subprocess.Popen(["bash", "-euo", "pipefail", "-xc", script], cwd=ROOT,
                                env=clean_env(), stdout=sink, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            code = proc.wait(timeout=120)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)  # the server the walkthrough left running
    log = out.read_text()
    assert code == 0, log[-3000:]
    assert log.rstrip().endswith("A001"), log[-1500:]  # the issued number was called
    assert '"hall_code":"east"' in log and '"role":"clerk"' in log
    assert "kiosk token: " in log and "refusing" not in log
    assert not (ROOT / "server.log").exists()


def test_demo_defaults_to_its_own_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TONGBAN_DATA_DIR", raising=False)
    parse = build_parser().parse_args
    assert settings_from(parse(["--demo"])).data_dir == DEMO_DATA_DIR
    assert settings_from(parse(["serve", "--demo"])).data_dir == DEMO_DATA_DIR
    assert settings_from(parse([])).data_dir == Path("var")
    assert settings_from(parse(["--demo", "--data-dir", "/x"])).data_dir == Path("/x")
    monkeypatch.setenv("TONGBAN_DATA_DIR", "/srv/demo")
    assert settings_from(parse(["--demo"])).data_dir == Path("/srv/demo")


def test_demo_data_is_refused_without_demo(tmp_path: Path, sqlite_template: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "var"
    copy_sqlite(sqlite_template, data)  # what `make run` left behind
    monkeypatch.setenv("TONGBAN_SECRET_KEY", REAL_SECRET)
    # first setup on top of it: refused before anything is written
    assert main(["--data-dir", str(data), "create-admin", "root", "--password", "rootpass1"]) == 2
    assert "demo" in capsys.readouterr().err
    # serving it with a real secret: refused, nothing listens
    port = free_port()
    r = subprocess.run([sys.executable, "-m", "server", "--data-dir", str(data), "--port",
                        str(port)], cwd=ROOT, capture_output=True, text=True, timeout=60,
                       env=clean_env(TONGBAN_SECRET_KEY=REAL_SECRET))
    assert r.returncode == 2, r.stdout + r.stderr
    assert "demo" in r.stderr and "演示" in r.stderr and "--data-dir" in r.stderr
    # (a directory without the demo hall is served: test_readme_first_setup_runs_as_written)


def test_serve_help_shows_listen_address() -> None:
    r = subprocess.run([sys.executable, "-m", "server", "serve", "--help"], cwd=ROOT,
                       capture_output=True, text=True, timeout=60, env=clean_env())
    assert r.returncode == 0
    for flag in ("--host", "--port", "--data-dir", "--database-url", "--demo", "TONGBAN_PORT"):
        assert flag in r.stdout, flag
    args = build_parser().parse_args(["--port", "9001", "serve"])  # before serve still counts
    assert args.port == 9001 and args.command == "serve"
    assert build_parser().parse_args(["serve", "--host", "0.0.0.0"]).host == "0.0.0.0"


def test_every_server_option_has_help() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    parsers = [parser, *commands.choices.values()]
    for p in parsers:
        for action in (a for a in p._actions if a is not commands):
            assert action.help, f"{p.prog}: {action.option_strings or action.dest} has no help"


def test_readme_says_what_each_command_installs() -> None:
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    listed = re.search(r"DEB_PACKAGES=\((.*?)\)", setup, re.S)
    assert listed is not None
    packages = listed.group(1).split()
    quick = README.read_text(encoding="utf-8").split("## Quick start")[1].split("## ")[0]
    row = next(line for line in quick.splitlines() if line.startswith("| `make setup`"))
    assert re.search(r"`([^`]*)`", row.split("Debian packages", 1)[1]).group(1).split() == \
        packages, "README's make setup row must list DEB_PACKAGES of scripts/setup.sh"
    # make run installs only the Python side, as its row says
    assert "setup.sh python" in (ROOT / "scripts" / "run-demo.sh").read_text()
    run_row = next(line for line in quick.splitlines() if line.startswith("| `make run`"))
    assert "no Debian packages" in run_row
    assert "setup.sh all" in (ROOT / "scripts" / "test.sh").read_text()
