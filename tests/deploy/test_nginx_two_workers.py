"""The shipped nginx site (deploy/nginx/tongban.conf, rendered by deploy/nginx/render.py) in front
of two `python -m server` workers on one PostgreSQL database with Redis rate limits: a hall
flow over HTTPS and WSS, with the websocket held by one worker and every change made by the
other, plus what the site itself promises (redirect, static files, limits, client address)."""

from __future__ import annotations

import http.client
import json
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.support.api import HUKOU, KIOSK, login, open_window
from tests.support.databases import PostgresFactory, require_postgres
from tests.support.live import ROOT, LiveServer, free_port
from tests.support.shared_redis import REDIS_URL, clear_prefix, redis_prefix
from tests.support.tools import require_tool

pytestmark = pytest.mark.postgres
RENDER = ROOT / "deploy" / "nginx" / "render.py"
METRICS_TOKEN = "deploy-test-metrics-token"
LOGIN_ALLOWANCE = 2
UPLOAD_LIMIT = 2_000_000


def _self_signed(openssl: str, folder: Path) -> tuple[Path, Path]:
    """A throw-away certificate for 127.0.0.1 and its key."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=30)
    return cert, key


@dataclass
class Site:
    """nginx on 127.0.0.1 in front of two workers."""

    workers: list[LiveServer]
    http_port: int
    https_port: int
    tls: ssl.SSLContext
    redis_prefix: str
    proc: subprocess.Popen[bytes]
    folder: Path

    @property
    def url(self) -> str:
        """The public HTTPS address."""
        return f"https://127.0.0.1:{self.https_port}"

    def client(self) -> httpx.Client:
        """An HTTPS client through nginx that trusts the test certificate."""
        return httpx.Client(base_url=self.url, verify=self.tls, timeout=10)

    def stream(self, since: int | None = None) -> ClientConnection:
        """The demo hall's event stream through nginx, as the wall display opens it."""
        query = "" if since is None else f"&since={since}"
        return connect(f"wss://127.0.0.1:{self.https_port}/ws/halls/demo"
                       f"?token=demo-display-token{query}", ssl=self.tls, open_timeout=10)


def _start_nginx(nginx: str, folder: Path, site_conf: Path) -> subprocess.Popen[bytes]:
    """nginx in the foreground, one process, everything it writes inside `folder`."""
    main = folder / "nginx.conf"
    main.write_text(f"""daemon off;
master_process off;
pid {folder}/nginx.pid;
error_log {folder}/error.log info;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {site_conf};
}}
""")
    check = subprocess.run([nginx, "-t", "-c", str(main), "-p", str(folder), "-e",
                            str(folder / "error.log")], capture_output=True, timeout=30)
    assert check.returncode == 0, check.stderr.decode()
    log = open(folder / "nginx.out", "ab")  # noqa: SIM115 - handed to the child process
    proc = subprocess.Popen([nginx, "-c", str(main), "-p", str(folder), "-e",
                             str(folder / "error.log")], stdout=log, stderr=log)
    log.close()
    return proc


def _wait_until_served(site: Site, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if site.proc.poll() is not None:
            raise RuntimeError((site.folder / "error.log").read_text()[-2000:])
        try:
            with site.client() as http:
                if http.get("/readyz").status_code == 200:
                    return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("nginx did not answer in time")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, pg_factory: PostgresFactory) -> Iterator[Site]:
    """Two workers on one fresh demo database, nginx rendered from the shipped template."""
    nginx, openssl = require_tool("nginx"), require_tool("openssl")
    require_postgres(pg_factory)
    folder = tmp_path_factory.mktemp("deploy")
    with redis_prefix() as prefix:
        url = pg_factory.new_database()
        env = {"TONGBAN_RATE_LIMIT_STORAGE": f"{REDIS_URL}?key_prefix={prefix}",
               "TONGBAN_LOGIN_FAILURES_PER_CLIENT": f"{LOGIN_ALLOWANCE}/10 minutes",
               "TONGBAN_METRICS_TOKEN": METRICS_TOKEN, "TONGBAN_UPLOAD_LIMIT": str(UPLOAD_LIMIT),
               "TONGBAN_ALERT_INTERVAL_SECONDS": "0", "TONGBAN_RETENTION_INTERVAL_HOURS": "0"}
        workers = [LiveServer(folder / f"worker{i}", url, env=env) for i in (1, 2)]
        proc: subprocess.Popen[bytes] | None = None
        try:
            with ThreadPoolExecutor(2) as pool:  # both start at once, as after a reboot
                list(pool.map(lambda w: w.start(timeout=90), workers))
            cert, key = _self_signed(openssl, folder)
            http_port, https_port = free_port(), free_port()
            site_conf = _render(folder, workers, http_port, https_port, cert, key)
            proc = _start_nginx(nginx, folder, site_conf)
            tls = ssl.create_default_context(cafile=str(cert))
            site = Site(workers, http_port, https_port, tls, prefix, proc, folder)
            _wait_until_served(site)
            yield site
        finally:
            if proc is not None:
                proc.send_signal(signal.SIGQUIT)
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
            for worker in workers:
                worker.stop()


def _render(folder: Path, workers: list[LiveServer], http_port: int, https_port: int,
            cert: Path, key: Path) -> Path:
    """The shipped template rendered for this machine, exactly as an operator renders it."""
    site_conf = folder / "tongban.conf"
    subprocess.run(
        [sys.executable, str(RENDER), "--server-name", "127.0.0.1",
         "--public-host", f"127.0.0.1:{https_port}",
         "--http-listen", f"127.0.0.1:{http_port}",
         "--https-listen", f"127.0.0.1:{https_port}",
         "--tls-cert", str(cert), "--tls-key", str(key),
         "--static-root", str(ROOT / "server"), "--log-dir", str(folder),
         "--upload-limit", str(UPLOAD_LIMIT), "--output", str(site_conf),
         *[arg for w in workers for arg in ("--worker", f"127.0.0.1:{w.port}")]],
        check=True, timeout=30)
    return site_conf


def _metrics(worker: LiveServer) -> dict[str, float]:
    """One worker's own Prometheus figures (scraped directly, as the docs say)."""
    r = httpx.get(f"{worker.url}/metrics", timeout=10,
                  headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert r.status_code == 200, r.text
    out: dict[str, float] = {}
    for line in r.text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out


def _recv_until(ws: ClientConnection, done: Callable[[list[dict]], bool]) -> list[dict]:
    got: list[dict] = []
    deadline = time.monotonic() + 15
    while not (got and done(got)):
        msg = json.loads(ws.recv(timeout=max(0.05, deadline - time.monotonic())))
        if msg.get("type") not in ("ping", "pong"):
            got.append(msg)
    return got


def _socket_counts(site: Site, want: list[int]) -> list[float]:
    """Each worker's open websockets, once they are `want` (sorted): a socket an earlier test
    closed may still be being torn down."""
    deadline = time.monotonic() + 10
    while True:
        counts = [_metrics(w)["tongban_websocket_connections"] for w in site.workers]
        if sorted(counts) == want or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert sorted(counts) == want, counts
    return counts


def _holder(site: Site) -> tuple[LiveServer, LiveServer]:
    """(worker holding the one open websocket, the other worker)."""
    first, second = site.workers
    return (first, second) if _socket_counts(site, [0, 1])[0] == 1 else (second, first)


def test_hall_flow_through_nginx_reaches_a_display_on_the_other_worker(site: Site) -> None:
    with site.client() as http, site.stream() as ws:
        snapshot = _recv_until(ws, lambda m: m[-1]["type"] == "snapshot")[-1]
        holder, other = _holder(site)
        clerk = login(http, "clerk1")
        wid = open_window(http, clerk, 1)
        r = http.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU},
                      headers={**KIOSK, "X-Request-ID": "kiosk-7-0001"})
        assert r.status_code == 201, r.text
        assert r.headers["x-request-id"] == "kiosk-7-0001"  # kept end to end for the logs
        ticket = r.json()
        called = http.post(f"/api/v1/windows/{wid}/call-next", headers=clerk)
        assert called.status_code == 200 and called.json()["id"] == ticket["id"]
        for action in ("start", "complete"):
            r = http.post(f"/api/v1/tickets/{ticket['id']}/{action}", headers=clerk)
            assert r.status_code == 200, r.text
        events = _recv_until(ws, lambda m: m[-1]["type"] == "ticket.completed")
        mine = [e for e in events if e["type"].startswith("ticket.")]
        assert [e["type"] for e in mine] == [
            "ticket.issued", "ticket.called", "ticket.started", "ticket.completed"]
        assert {e["data"]["number"] for e in mine} == {ticket["number"]}
        seqs = [e["seq"] for e in events]
        assert seqs == list(range(snapshot["seq"] + 1, snapshot["seq"] + 1 + len(events)))
        # Least connections: the worker holding the display's socket got none of the writes,
        # so every event above crossed processes (PostgreSQL NOTIFY -> the holder's hub).
        held, made = _metrics(holder), _metrics(other)
        assert held["tongban_tickets_issued_total"] == 0
        assert held["tongban_tickets_called_total"] == 0
        assert made["tongban_tickets_issued_total"] == 1
        assert made["tongban_tickets_called_total"] == 1


def test_site_redirects_serves_static_files_and_hides_metrics(site: Site) -> None:
    r = httpx.get(f"http://127.0.0.1:{site.http_port}/portal/?x=1", timeout=10)
    assert r.status_code == 308
    assert r.headers["location"] == f"{site.url}/portal/?x=1"
    with site.client() as http:
        page = http.get("/portal/")
        assert page.status_code == 200 and "x-request-id" in page.headers  # from a worker
        # The page's CSP lets it open its websocket to the public host and port.
        assert f"wss://127.0.0.1:{site.https_port}" in page.headers["content-security-policy"]
        assert page.headers["strict-transport-security"].startswith("max-age=")
        for path, file in (("/portal/app.js", "portal/static/app.js"),
                           ("/dashboard/style.css", "dashboard/static/style.css"),
                           ("/display/_assets/strings.js", "display_page/static/strings.js")):
            asset = http.get(path)
            assert asset.status_code == 200, path
            assert asset.content == (ROOT / "server" / file).read_bytes()
            assert "x-request-id" not in asset.headers  # nginx answered, not a worker
            assert asset.headers["x-content-type-options"] == "nosniff"
            assert "charset=utf-8" in asset.headers["content-type"]
        assert http.get("/portal/../core/config.py").status_code == 404
        assert http.get("/metrics", headers={
            "Authorization": f"Bearer {METRICS_TOKEN}"}).status_code == 404


def test_oversized_request_gets_the_servers_json_413_from_nginx(site: Site) -> None:
    # Only the headers: nginx refuses by Content-Length before any body is sent.
    conn = http.client.HTTPSConnection("127.0.0.1", site.https_port, context=site.tls,
                                       timeout=10)
    try:
        conn.putrequest("POST", "/api/v1/materials")
        conn.putheader("Content-Type", "multipart/form-data; boundary=x")
        conn.putheader("Content-Length", str(UPLOAD_LIMIT + 1))
        conn.endheaders()
        r = conn.getresponse()
        assert r.status == 413
        assert r.getheader("content-type").startswith("application/json")
        assert json.loads(r.read())["error"]["code"] == "payload_too_large"
    finally:
        conn.close()


def test_clients_cannot_pick_their_address_and_both_workers_count_together(
        site: Site) -> None:
    _socket_counts(site, [0, 0])  # no open socket tilts nginx's least_conn choice
    before = [_metrics(w) for w in site.workers]
    codes = []
    try:
        with site.client() as http:
            for i in range(LOGIN_ALLOWANCE + 1):
                # A sprayer inventing a new X-Forwarded-For each time gains nothing: nginx
                # replaces the header with the address it sees.
                r = http.post("/api/v1/auth/login",
                              json={"username": f"ghost{i}", "password": "123456"},
                              headers={"X-Forwarded-For": f"203.0.113.{i + 1}"})
                codes.append(r.json()["error"]["code"])
        after = [_metrics(w) for w in site.workers]
    finally:
        clear_prefix(site.redis_prefix)  # give 127.0.0.1 its allowance back
    assert codes == ["bad_credentials"] * LOGIN_ALLOWANCE + ["rate_limited"]
    key = 'tongban_http_requests_total{method="POST",route="/api/v1/auth/login",status="401"}'
    served = [a.get(key, 0) - b.get(key, 0) for a, b in zip(after, before, strict=True)]
    assert all(n >= 1 for n in served), served  # both workers counted into one allowance


def test_a_display_whose_worker_stops_reconnects_and_misses_nothing(site: Site) -> None:
    # Last in this module: it takes a worker down for good, as the first step of a rolling
    # restart does (starting it again would add a server start-up to the suite's time).
    with site.client() as http:
        numbers = []
        with _open_stream(site) as ws:
            last = _recv_until(ws, lambda m: m[-1]["type"] == "snapshot")[-1]["seq"]
            holder, _ = _holder(site)
            holder.stop()
            with pytest.raises(ConnectionClosed):  # the display's socket drops with it
                _recv_until(ws, lambda m: False)
        for _ in range(2):  # nginx passes every request to the worker that is still up
            r = http.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU},
                          headers=KIOSK)
            assert r.status_code == 201, r.text
            numbers.append(r.json()["number"])
        # The display reconnects through nginx with `since` and lands on the other worker
        # (like the display client, it tries again if the first attempt meets the dying one).
        replay = _reconnect_and_replay(site, since=last, count=2)
        assert [e["type"] for e in replay] == ["ticket.issued"] * 2
        assert [e["data"]["number"] for e in replay] == numbers
        assert [e["seq"] for e in replay] == [last + 1, last + 2]


def _open_stream(site: Site) -> ClientConnection:
    """The stream, retried as a display retries (one CI-box run timed out a first handshake
    while the box was saturated; the display client tries again after a pause)."""
    for attempt in range(3):
        try:
            return site.stream()
        except (TimeoutError, OSError):
            if attempt == 2:
                raise
            time.sleep(1)
    raise AssertionError("unreachable")


def _reconnect_and_replay(site: Site, *, since: int, count: int) -> list[dict]:
    """Open the stream with `since`, retrying as a display does, and read `count` events."""
    for attempt in range(3):
        try:
            with site.stream(since=since) as ws:
                return _recv_until(ws, lambda m: len(m) == count)
        except (TimeoutError, ConnectionClosed, OSError):
            if attempt == 2:
                raise
            time.sleep(1)
    raise AssertionError("unreachable")


def test_render_refuses_a_worker_that_is_not_host_and_port() -> None:
    r = subprocess.run([sys.executable, str(RENDER), "--server-name", "hall.example",
                        "--worker", "10.0.0.1"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "not host:port: 10.0.0.1" in r.stderr
