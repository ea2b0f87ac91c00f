"""Shared helpers for the printers tests: a sample slip and a loopback ESC/POS printer."""

from __future__ import annotations

import socket
import sys
import threading
from datetime import datetime
from pathlib import Path

# Let plain `pytest` (not only `python -m pytest`) import the package from the repo root.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from printers import TicketSlip  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "printers"
GOLDEN = Path(__file__).resolve().parent / "golden"
TRACKING_URL = "https://tongban.example.gov.cn/t/8f3a2c9d"


def sample_slip(**changes: object) -> TicketSlip:
    """A ticket using every optional field, including full-width punctuation."""
    values: dict[str, object] = {
        "hall_name": "海淀区政务服务中心",
        "number": "A023",
        "service_name": "不动产登记（个人）",
        "window_hint": "3号、5号窗口",
        "people_ahead": 5,
        "estimated_wait_minutes": 15,
        "issued_at": datetime(2025, 3, 14, 9, 30),
        "tracking_url": TRACKING_URL,
        "appointment_line": "09:30-10:00，已签到",
        "citizen_name": "张小三",
        "notice": None,
        "priority_label": "绿色通道",
    }
    values.update(changes)
    return TicketSlip(**values)  # type: ignore[arg-type]


class LoopbackPrinter:
    """A fake TCP 9100 printer on 127.0.0.1.

    mode "answer": replies to DLE EOT n with `replies[n]` and records everything else;
    mode "silent": reads everything but never answers;
    mode "stall": accepts but never reads;
    mode "eof": reads the first query, then closes its sending side (empty reply).
    """

    def __init__(self, mode: str = "answer", replies: dict[int, bytes] | None = None) -> None:
        self.mode = mode
        self.replies = replies if replies is not None else {1: b"\x16", 2: b"\x12", 4: b"\x12"}
        self.received = bytearray()
        self.queries: list[int] = []
        self.done = threading.Event()
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if mode == "stall":
            self._server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(1)
        self._server.settimeout(10)
        self.port = self._server.getsockname()[1]
        self._conns: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self._server.accept()
        except OSError:
            return
        self._conns.append(conn)
        conn.settimeout(0.05)
        try:
            if self.mode == "stall":
                self._stop.wait(30)
                return
            scanned = 0
            while not self._stop.is_set():
                try:
                    chunk = conn.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not chunk:
                    break
                self.received.extend(chunk)
                scanned = self._answer(conn, scanned)
        finally:
            self.done.set()

    def _answer(self, conn: socket.socket, scanned: int) -> int:
        """Answer any complete status queries received since `scanned`."""
        data = bytes(self.received)
        while True:
            i = data.find(b"\x10\x04", scanned)
            if i < 0 or i + 2 >= len(data):
                return scanned if i < 0 else i
            n = data[i + 2]
            self.queries.append(n)
            scanned = i + 3
            if self.mode == "answer" and n in self.replies:
                conn.sendall(self.replies[n])
            elif self.mode == "eof":
                conn.shutdown(socket.SHUT_WR)

    @property
    def ticket_bytes(self) -> bytes:
        """Everything received except the status queries in front of the ticket."""
        data = bytes(self.received)
        start = data.find(b"\x1b@")
        return data[start:] if start >= 0 else b""

    def close(self) -> None:
        """Stop the server."""
        self._stop.set()
        for conn in self._conns:
            conn.close()
        self._server.close()
        self._thread.join(2)

    def __enter__(self) -> LoopbackPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def refused_port() -> int:
    """A local port with nothing listening on it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
