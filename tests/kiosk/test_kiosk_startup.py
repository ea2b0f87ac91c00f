"""`python -m kiosk` takes its hall from the device token; a wrong token stops it at once."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time

import httpx
import pytest

from kiosk.__main__ import build_parser as kiosk_parser
from kiosk.__main__ import main as kiosk_main
from tests.support.api import hall_with_device
from tests.support.live import ROOT, LiveServer


def test_kiosk_of_another_hall_loads_that_halls_services(live: LiveServer) -> None:
    with httpx.Client(base_url=live.url, timeout=10) as client:
        token = hall_with_device(client, "kiosk-east", "kiosk")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "--server", live.url, "--token",
                             token, "--windowed"], cwd=ROOT, env=env, stderr=subprocess.PIPE,
                            text=True)
    wanted = '/api/v1/halls/kiosk-east/services "HTTP/1.1 200 OK"'
    lines: queue.Queue[str] = queue.Queue()
    assert proc.stderr is not None

    def pump() -> None:
        for line in proc.stderr:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    seen: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while wanted not in "".join(seen[-1:]):  # each log line is awaited as it comes
            seen.append(lines.get(timeout=max(0.1, deadline - time.monotonic())))
    except queue.Empty:
        pass
    finally:
        proc.terminate()
        proc.wait(10)
    log = "".join(seen)
    assert wanted in log, log[-2000:]
    assert "/halls/demo/" not in log and " 404 " not in log


def test_kiosk_with_a_wrong_token_exits_at_once(live: LiveServer,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert kiosk_main(["--server", live.url, "--token", "not-a-token"]) == 2
    err = capsys.readouterr().err
    assert "设备令牌无效或已吊销" in err and "token is invalid or revoked" in err
    assert kiosk_main(["--server", live.url, "--token", "demo-display-token"]) == 2
    assert "不是取号机" in capsys.readouterr().err
    assert kiosk_main(["--server", live.url, "--token", "demo-kiosk-token",
                       "--hall", "kiosk-other"]) == 2
    assert "kiosk-other" in capsys.readouterr().err
    # the server down and no hall configured: nothing to run for (exit 3, a supervisor retries)
    assert kiosk_main(["--server", "http://127.0.0.1:9", "--token", "demo-kiosk-token"]) == 3
    assert "无法连接服务器" in capsys.readouterr().err




def test_every_kiosk_option_has_help() -> None:
    for action in kiosk_parser()._actions:
        assert action.help, action.option_strings
