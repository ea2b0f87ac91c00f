"""Acceptance 1: 8 kiosks issue 400 tickets while 10 clerks drain the queue, on both DBs."""

from __future__ import annotations

import re
import threading
from collections import Counter, defaultdict
from pathlib import Path

import httpx
import pytest

from tests.support.api import FUND, HUKOU, KIOSK, SOCIAL, login
from tests.support.live import LiveServer

SERVICES = [HUKOU, SOCIAL, FUND]
KIOSKS, TICKETS, CLERKS = 8, 400, 10


def _prepare(http: httpx.Client) -> list[dict[str, str]]:
    """10 windows that each handle the 3 services; 10 clerks holding them."""
    admin = login(http, "admin")
    for n in (9, 10):
        r = http.post("/api/v1/staff", headers=admin, json={
            "username": f"clerk{n}", "password": "demo1234", "role": "clerk",
            "hall_code": "demo", "full_name": f"测试{n}"})
        assert r.status_code == 201, r.text
    windows = http.get("/api/v1/windows", params={"hall": "demo"}, headers=admin).json()
    clerks = []
    for i, w in enumerate(sorted(windows, key=lambda w: w["number"])[:CLERKS], start=1):
        body = [{"service_code": s, "priority": 5} for s in SERVICES]
        assert http.put(f"/api/v1/windows/{w['id']}/services", json=body,
                        headers=admin).status_code == 200
        clerk = login(http, f"clerk{i}")
        assert http.post(f"/api/v1/windows/{w['id']}/open", headers=clerk).status_code == 200
        clerks.append({**clerk, "window": str(w["id"])})
    return clerks


@pytest.mark.slow
def test_parallel_issue_and_call_exactly_once(tmp_path: Path, database_url: str) -> None:
    server = LiveServer(tmp_path / "data", database_url).start()
    try:
        _run(server)
    finally:
        server.stop()


def _run(server: LiveServer) -> None:
    http = httpx.Client(base_url=server.url, timeout=30)
    clerks = _prepare(http)
    issued: list[dict] = []
    called: dict[str, list[str]] = defaultdict(list)
    errors: list[str] = []
    issuing_done = threading.Event()
    lock = threading.Lock()

    def kiosk(k: int) -> None:
        with httpx.Client(base_url=server.url, timeout=30) as c:
            for i in range(TICKETS // KIOSKS):
                r = c.post("/api/v1/halls/demo/tickets", headers=KIOSK,
                           json={"service_code": SERVICES[(k + i) % 3]})
                with lock:
                    (issued.append(r.json()) if r.status_code == 201
                     else errors.append(f"issue {r.status_code} {r.text}"))

    def clerk(h: dict[str, str]) -> None:
        wid = h["window"]
        headers = {"Authorization": h["Authorization"]}
        with httpx.Client(base_url=server.url, timeout=30) as c:
            idle_after_done = 0
            while idle_after_done < 3:
                r = c.post(f"/api/v1/windows/{wid}/call-next", headers=headers)
                if r.status_code == 204:
                    if issuing_done.is_set():
                        idle_after_done += 1
                    continue
                if r.status_code != 200:
                    errors.append(f"call {r.status_code} {r.text}")
                    return
                t = r.json()
                called[wid].append(t["number"])
                for action in ("start", "complete"):
                    rr = c.post(f"/api/v1/tickets/{t['id']}/{action}", headers=headers)
                    if rr.status_code != 200:
                        errors.append(f"{action} {rr.status_code} {rr.text}")

    kiosks = [threading.Thread(target=kiosk, args=(k,)) for k in range(KIOSKS)]
    workers = [threading.Thread(target=clerk, args=(h,)) for h in clerks]
    for t in kiosks + workers:
        t.start()
    for t in kiosks:
        t.join()
    issuing_done.set()
    for t in workers:
        t.join(120)

    assert errors == []
    assert len(issued) == TICKETS
    all_called = [n for numbers in called.values() for n in numbers]
    counts = Counter(all_called)
    assert len(all_called) == TICKETS and max(counts.values()) == 1  # each exactly once
    assert set(all_called) == {t["number"] for t in issued}
    by_prefix: dict[str, list[int]] = defaultdict(list)
    for t in issued:
        by_prefix[t["number"][0]].append(int(t["number"][1:]))
    for prefix, nums in by_prefix.items():
        assert sorted(nums) == list(range(1, len(nums) + 1)), prefix  # gapless, unique
    assert sum(1 for numbers in called.values() if numbers) >= 5  # work really was shared
    if server.database_url.startswith("sqlite"):  # writes that met in time shared commits
        scrape = http.get("/metrics", headers=login(http, "admin")).text
        commits = float(re.search(r"^tongban_db_group_commits_total (\S+)$", scrape, re.M)[1])
        grouped = float(re.search(r"^tongban_db_grouped_writes_total (\S+)$", scrape, re.M)[1])
        assert commits > 0 and 2 * commits <= grouped, scrape
