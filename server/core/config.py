"""Server settings from flags and TONGBAN_* environment variables."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEMO_SECRET = "tongban-demo-secret-change-me"


@dataclass(frozen=True)
class DbTimeouts:
    """How long database work may take before it fails as `database_unavailable` (seconds)."""

    connect: int
    statement: float
    lock: float
    pool: float
    keepalive: int


class Settings(BaseSettings):
    """All knobs of the server; every field can be set as TONGBAN_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="TONGBAN_", extra="ignore")

    data_dir: Path = Field(Path("./var"), description="Directory for the SQLite file and uploads")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default: SQLite file in the data directory"
    )
    host: str = Field("127.0.0.1", description="Address to listen on")
    port: int = Field(8000, description="TCP port to listen on")
    demo: bool = Field(False, description="Seed the demo hall and allow the demo secret")
    secret_key: str = Field(DEMO_SECRET, description="Key for ID-number hashes and signatures")
    token_ttl_hours: float = Field(12.0, description="Lifetime of staff access tokens")
    starvation_minutes: float = Field(30.0, description="Wait after which a ticket goes first")
    recall_limit: int = Field(3, description="Maximum number of calls for one ticket")
    green_channel_age: int = Field(60, description="Age from which the green channel applies")
    ws_queue_size: int = Field(2000, description="Bounded outgoing queue per websocket")
    ws_replay_limit: int = Field(1000, description="Most events replayed before a snapshot")
    heartbeat_seconds: float = Field(20.0, description="Websocket heartbeat interval")
    track_ws_per_token: int = Field(
        5, ge=1, description="Live tracking sockets one tracking token may hold open at once")
    track_debounce_seconds: float = Field(
        0.2, ge=0, description="Pause after a hall event so a burst costs one tracking recompute")
    track_pace_seconds: float = Field(
        2.0, ge=0, description="Least time between two tracking recomputes for others' moves "
        "(a change of the ticket itself is pushed at once)")
    track_threads: int = Field(
        4, ge=1, description="Threads recomputing tracking views (kept apart from HTTP threads)")
    eta_window_minutes: float = Field(120.0, description="Look-back for recent service times")
    alert_interval_seconds: float = Field(
        15.0, description="How often the 电子监察 rules are evaluated (0 = never)")
    log_level: str = Field("INFO", description="Logging level")
    log_json: bool = Field(False, description="Log one JSON object per line")
    header_timeout_seconds: float = Field(
        10.0, gt=0, description="A request's line and headers must arrive within this (else 408)")
    body_timeout_seconds: float = Field(
        30.0, gt=0, description="Longest pause between two chunks of a request body (else 408)")
    connections_per_client: int = Field(
        256, ge=0, description="Open HTTP connections one client address may hold (0 = no cap; "
        "behind a reverse proxy on the same host all clients share its address)")
    json_body_limit: int = Field(1_000_000, description="Largest JSON request body in bytes")
    upload_limit: int = Field(12_000_000, description="Largest multipart request body in bytes")
    metrics_token: str | None = Field(None, description="Bearer token for /metrics (else admin)")
    citizen_token_ttl_hours: float = Field(24.0, description="Lifetime of citizen tokens")
    otp_ttl_seconds: int = Field(300, description="Validity of a citizen one-time code")
    otp_max_attempts: int = Field(5, description="Wrong codes allowed before a code is burnt")
    otp_resend_seconds: int = Field(60, description="Minimum gap between codes for one phone")
    otp_per_phone_per_hour: int = Field(5, description="Codes one phone may request per hour")
    otp_per_ip_per_hour: int = Field(200, description="Codes one client address may request")
    notify_backend: str = Field("outbox", description="outbox (record only) | log | smtp")
    smtp_url: str | None = Field(None, description="smtp://user:pass@host:port for e-mail")
    material_max_bytes: int = Field(10_000_000, description="Largest pre-submitted file")
    online_interval_seconds: float = Field(
        60.0, description="How often reminders, expiries and the day close run (0 = never)")
    login_failures_per_client: str = Field(
        "20/10 minutes", description="Failed logins allowed per client address (0 = no limit)")
    rate_limit_storage: str = Field(
        "memory://", description="Where per-client limits count: memory:// (per process) or "
        "redis://host:6379/0[?key_prefix=...] (shared by every server process)")
    otp_failures_per_client: str = Field(
        "30/10 minutes", description="Wrong one-time codes allowed per client address (0 = off)")
    retention_days: int = Field(
        180, ge=1, description="Days after which finished visits lose their personal data")
    retention_interval_hours: float = Field(
        6.0, ge=0, description="How often the retention purge runs in the server (0 = never)")
    min_free_mb: float = Field(
        100.0, ge=0, description="Free space the data directory must keep: below it /readyz "
        "answers 503, uploads 507 and the managers get a 存储空间不足 alert (yellow below twice)")
    orphan_file_minutes: float = Field(
        15.0, gt=0, description="Upload temp files and unreferenced material files older than "
        "this are deleted at start and with each retention run")
    hub_poll_seconds: float = Field(
        1.0, description="Event pump poll when no wake-up arrives (30 s while LISTEN is up)")
    listen_ping_seconds: float = Field(
        5.0, gt=0, description="PostgreSQL LISTEN connection: round trip every N s to detect "
        "a silent stall (also its TCP keepalive idle time)")
    listen_ping_timeout_seconds: float = Field(
        5.0, gt=0, description="No answer to that round trip within N s: reconnect and resync")
    ws_compression: bool = Field(
        False, description="permessage-deflate on websockets (small events: costs more than saved)")
    db_connect_timeout_seconds: int = Field(
        5, ge=2, description="PostgreSQL: longest wait for a new connection (libpq minimum 2); "
        "also how long /readyz waits for the database")
    db_statement_timeout_seconds: float = Field(
        30.0, gt=0, description="PostgreSQL: the server cancels a longer statement; a round "
        "trip with no answer for this plus 2 s cuts the connection (a hung link or proxy)")
    db_lock_timeout_seconds: float = Field(
        10.0, gt=0, description="PostgreSQL: longest wait for one row or advisory lock")
    db_pool_timeout_seconds: float = Field(
        10.0, gt=0, description="Longest wait for a free pooled database connection")
    db_keepalive_seconds: int = Field(
        2, ge=1, description="PostgreSQL: TCP keepalive idle time and probe interval; a link "
        "that stops answering is dropped after about 4 times this (tcp_user_timeout too)")
    clock: str | None = Field(
        None, description="Bench/test only: compressed clock 'start=<ISO>,speed=<n>[,real=<unix>]'")

    @property
    def db_timeouts(self) -> DbTimeouts:
        """The database timeouts, in one object for `Database`."""
        return DbTimeouts(
            connect=self.db_connect_timeout_seconds, statement=self.db_statement_timeout_seconds,
            lock=self.db_lock_timeout_seconds, pool=self.db_pool_timeout_seconds,
            keepalive=self.db_keepalive_seconds)

    @cached_property
    def effective_database_url(self) -> str:
        """The configured URL or the embedded SQLite default."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'tongban.sqlite3').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is the embedded SQLite file."""
        return self.effective_database_url.startswith("sqlite")
