"""A live demo server shared by the pad tests, and a clerk who finishes tickets at a window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.counter.conftest import counter  # noqa: F401 - the counter client fixture, reused
from tests.support.api import issue, login, open_window
from tests.support.live import LiveServer, demo_server


@pytest.fixture(scope="package")
def live(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[LiveServer]:
    """One real server process for the Qt app and the browser page (they use other windows)."""
    with demo_server(tmp_path_factory.mktemp("ratepad") / "live", sqlite_template) as server:
        yield server


@pytest.fixture(scope="session")
def pad_artifacts(artifacts_dir: Path) -> Path:
    """test-artifacts/ratepad/."""
    out = artifacts_dir / "ratepad"
    out.mkdir(parents=True, exist_ok=True)
    return out


class Clerk:
    """A demo clerk at their window, driving the real server over HTTP like the counter client."""

    def __init__(self, base_url: str, number: int) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=15)
        self.auth = login(self.http, f"clerk{number}")
        self.window_id = open_window(self.http, self.auth, number)

    def finish_one(self) -> dict[str, Any]:
        """Issue, call, serve and 办结 a ticket, then ask for the rating (as the client does)."""
        issue(self.http)
        t = self.http.post(f"/api/v1/windows/{self.window_id}/call-next", headers=self.auth).json()
        for action in ("start", "complete"):
            r = self.http.post(f"/api/v1/tickets/{t['id']}/{action}", headers=self.auth)
            assert r.status_code == 200, r.text
        r = self.http.post(f"/api/v1/tickets/{t['id']}/rating-request", headers=self.auth)
        assert r.status_code == 200 and r.json()["ratepad"] is True, r.text
        return t

    def case_of(self, ticket_id: int) -> dict[str, Any] | None:
        """The follow-up case opened for a ticket's rating, as the manager sees it."""
        cases = self.http.get("/api/v1/halls/demo/cases",
                              headers=login(self.http, "manager")).json()
        return next((c for c in cases if c["ticket_id"] == ticket_id), None)
