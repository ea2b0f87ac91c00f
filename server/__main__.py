"""`python -m server`: run the server, or set it up (create-admin, create-device)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

import uvicorn
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.app import create_app
from server.auth.ratelimit import RateLimitStorageError
from server.auth.service import create_staff
from server.catalog.service import create_hall, get_hall
from server.core.config import DEMO_SECRET, Settings
from server.core.db import Database
from server.core.errors import DomainError, NotFound
from server.demo import (
    DEMO_COUNTER_TOKEN,
    DEMO_DISPLAY_TOKEN,
    DEMO_KIOSK_TOKEN,
    DEMO_PASSWORD,
    DEMO_RATEPAD_TOKEN,
    demo_present,
    seed_demo,
)
from server.devices.service import create_device
from server.migrate import upgrade
from server.ops.backup import backup_data_dir, restore_data_dir
from server.ops.requestlog import configure_logging
from server.ops.slowclients import connection_limit, guarded_protocol, raise_fd_limit
from server.retention.service import run_retention
from server.windows.models import Window
from tongban_common.wire import DEVICE_KINDS, ErrorCode, StaffRole

log = logging.getLogger("server")
MIN_SECRET_LENGTH = 16
RECOMMENDED_FD_LIMIT = 65536  # LimitNOFILE in the service unit
LOW_FD_LIMIT = 4096  # below this a few hundred slow clients or displays use it all up
DEMO_DATA_DIR = Path("var", "demo")  # --demo keeps its well-known accounts away from ./var

ENV_HELP = """
environment variables (flags win):
  TONGBAN_DATA_DIR        data directory (default ./var; ./var/demo with --demo)
  TONGBAN_DATABASE_URL    SQLAlchemy URL (default: SQLite file in the data directory),
                          e.g. postgresql+psycopg://user@host:5432/tongban
  TONGBAN_HOST / TONGBAN_PORT   listen address (default 127.0.0.1:8000)
  TONGBAN_SECRET_KEY      key for ID-number hashes; required unless --demo
  TONGBAN_TOKEN_TTL_HOURS, TONGBAN_STARVATION_MINUTES, TONGBAN_RECALL_LIMIT,
  TONGBAN_GREEN_CHANNEL_AGE, TONGBAN_HEARTBEAT_SECONDS, TONGBAN_LOG_LEVEL
  TONGBAN_RETENTION_DAYS  purge personal data of visits older than this (default 180)
  TONGBAN_RETENTION_INTERVAL_HOURS  how often the server purges (default 6, 0 = never)
  TONGBAN_LOGIN_FAILURES_PER_CLIENT  failed logins per client address (default 20/10 minutes)
  TONGBAN_RATE_LIMIT_STORAGE  where those limits count: memory:// (default, per process) or
                          redis://host:6379/0[?key_prefix=tongban] (shared by all processes)
  TONGBAN_DB_CONNECT_TIMEOUT_SECONDS, TONGBAN_DB_KEEPALIVE_SECONDS,
  TONGBAN_DB_STATEMENT_TIMEOUT_SECONDS, TONGBAN_DB_LOCK_TIMEOUT_SECONDS,
  TONGBAN_DB_POOL_TIMEOUT_SECONDS  database limits (default 5, 2, 30, 10, 10): past them a
                          request answers 503 database_unavailable instead of hanging
"""


def build_parser() -> argparse.ArgumentParser:
    """Command-line interface."""
    p = argparse.ArgumentParser(
        prog="python -m server", description="Tongban 通办 hall server.",
        epilog=ENV_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_server_options(p, None)
    sub = p.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="run the HTTP/WebSocket server (default)",
                           description="Run the HTTP/WebSocket server.", epilog=ENV_HELP,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_server_options(serve, argparse.SUPPRESS)
    a = sub.add_parser("create-admin", help="create a platform admin account")
    a.add_argument("username", help="login name of the new admin")
    a.add_argument("--password", help="password (else read from TONGBAN_ADMIN_PASSWORD)")
    h = sub.add_parser("create-hall", help="create a hall")
    h.add_argument("code", help="short hall code used in URLs, e.g. east")
    h.add_argument("name", help="hall name shown to citizens, e.g. 东区政务服务分中心")
    h.add_argument("--timezone", default="Asia/Shanghai",
                   help="IANA time zone of the business day (default Asia/Shanghai)")
    d = sub.add_parser("create-device", help="register a device and print its token once")
    d.add_argument("hall_code", help="code of the device's hall")
    d.add_argument("kind", choices=[str(k) for k in DEVICE_KINDS],
                   help="what the device is")
    d.add_argument("name", help="a name to recognise it by, e.g. 一楼取号机")
    d.add_argument("--window", type=int, help="window number the device belongs to (ratepad)")
    sub.add_parser("migrate", help="apply database migrations and exit")
    b = sub.add_parser("backup", help="online backup of the SQLite data directory (VACUUM INTO)")
    b.add_argument("dest", type=Path, help="new directory to write the backup into")
    r = sub.add_parser("restore", help="restore a backup into the data directory (server stopped)")
    r.add_argument("backup", type=Path, help="directory written by `backup`")
    g = sub.add_parser("purge", help="purge personal data of finished visits (retention)")
    g.add_argument("--days", type=int, help="older than this many days "
                   "(default TONGBAN_RETENTION_DAYS, 180)")
    return p


def _add_server_options(p: argparse.ArgumentParser, default: object) -> None:
    """Flags shared by the main command and `serve` (SUPPRESS there: the main one's values stay)."""
    p.add_argument("--host", default=default, help="listen address (TONGBAN_HOST, default "
                   "127.0.0.1; 0.0.0.0 for every interface)")
    p.add_argument("--port", type=int, default=default,
                   help="listen port (TONGBAN_PORT, default 8000)")
    p.add_argument("--data-dir", type=Path, default=default, help="data directory "
                   f"(TONGBAN_DATA_DIR; default ./var, with --demo ./{DEMO_DATA_DIR})")
    p.add_argument("--database-url", default=default,
                   help="database URL (TONGBAN_DATABASE_URL; default SQLite in the data dir)")
    p.add_argument("--demo", action="store_true", default=False if default is None else default,
                   help="seed the demo hall 示范政务服务大厅 (public demo logins and tokens)")
    p.add_argument("--log-level", default=default, help="logging level (TONGBAN_LOG_LEVEL)")


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from the environment, overridden by flags."""
    overrides = {
        k: v for k, v in {
            "host": args.host, "port": args.port, "data_dir": args.data_dir,
            "database_url": args.database_url, "log_level": args.log_level,
        }.items() if v is not None
    }
    if args.demo:
        overrides["demo"] = True
        if "data_dir" not in overrides and not os.environ.get("TONGBAN_DATA_DIR"):
            overrides["data_dir"] = DEMO_DATA_DIR
    return Settings(**overrides)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = build_parser().parse_args(argv)
    settings = settings_from(args)
    configure_logging(settings.log_level, json_lines=settings.log_json)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    command = args.command or "serve"
    if command == "serve":
        return serve(settings)
    if command in ("backup", "restore"):
        return _backup_command(args, settings)

    upgrade(settings.effective_database_url)
    if command == "migrate":
        return 0
    if command == "purge":
        return _purge_command(args, settings)
    db = Database(settings.effective_database_url)
    try:
        if _demo_data_outside_demo(db, settings):
            return 2
        return _setup_command(args, db)
    finally:
        db.dispose()


def _setup_command(args: argparse.Namespace, db: Database) -> int:

    try:
        if args.command == "create-admin":
            password = args.password or os.environ.get("TONGBAN_ADMIN_PASSWORD", "")
            db.write(lambda s: create_staff(s, username=args.username, password=password,
                                            role=StaffRole.ADMIN, hall_id=None))
            sys.stdout.write(f"admin {args.username} created\n")
        elif args.command == "create-hall":
            db.write(lambda s: create_hall(s, code=args.code, name=args.name,
                                           timezone=args.timezone))
            sys.stdout.write(f"hall {args.code} created\n")
        elif args.command == "create-device":
            token = db.write(lambda s: _create_device(s, args))
            sys.stdout.write(f"device token (shown once): {token}\n")
    except DomainError as exc:
        sys.stderr.write(f"error: {exc.message}\n")
        return 2
    return 0


def _create_device(s: Session, args: argparse.Namespace) -> str:
    """Register a device from the command line; returns its token."""


    hall = get_hall(s, args.hall_code)
    window_id = None
    if args.window is not None:
        window_id = s.scalar(select(Window.id).where(Window.hall_id == hall.id,
                                                     Window.number == args.window))
        if window_id is None:
            raise NotFound(f"窗口 {args.window} 不存在", code=ErrorCode.WINDOW_NOT_FOUND)
    return create_device(s, hall_id=hall.id, kind=args.kind, name=args.name,
                         window_id=window_id)[1]


def _demo_data_outside_demo(db: Database, settings: Settings) -> bool:
    """Without --demo, refuse a database holding the demo hall (public passwords and tokens)."""

    if settings.demo:
        return False
    with db.read() as s:
        if not demo_present(s):
            return False
    where = settings.data_dir if settings.is_sqlite else "the database (TONGBAN_DATABASE_URL)"
    sys.stderr.write(
        f"refusing to start: {where} holds the demo hall and its demo accounts and device "
        "tokens, which must never be live outside --demo. Use another data directory for a "
        "real installation (e.g. --data-dir /var/lib/tongban), or run the demo with --demo "
        f"(its default data directory is ./{DEMO_DATA_DIR}).\n"
        f"拒绝启动：{where} 中有演示大厅及其公开的演示账号和设备令牌，只能以 --demo 运行；"
        "正式使用请换一个数据目录。\n")
    return True


def _purge_command(args: argparse.Namespace, settings: Settings) -> int:


    days = args.days if args.days is not None else settings.retention_days
    if days < 1:
        sys.stderr.write("error: --days must be at least 1\n")
        return 2
    db = Database(settings.effective_database_url)
    try:
        counts = run_retention(db, settings, days=days)
    finally:
        db.dispose()
    sys.stdout.write(json.dumps({"older_than_days": days, "purged": counts}) + "\n")
    return 0


def _backup_command(args: argparse.Namespace, settings: Settings) -> int:

    if not settings.is_sqlite:
        sys.stderr.write("backup/restore covers the embedded SQLite default; on PostgreSQL use "
                         "pg_dump/pg_restore and copy the materials directory\n")
        return 2
    try:
        if args.command == "backup":
            backup_data_dir(settings.data_dir, args.dest)
            sys.stdout.write(f"backup written to {args.dest}\n")
        else:
            restore_data_dir(args.backup, settings.data_dir)
            sys.stdout.write(f"restored {settings.data_dir} from {args.backup}\n")
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    return 0


def serve(settings: Settings) -> int:
    """Migrate, seed when asked, and run uvicorn."""

    weak = settings.secret_key == DEMO_SECRET or len(settings.secret_key) < MIN_SECRET_LENGTH
    if weak and not settings.demo:
        sys.stderr.write(
            "refusing to start: TONGBAN_SECRET_KEY is the demo secret or shorter than "
            f"{MIN_SECRET_LENGTH} characters; set a real secret "
            "(e.g. `export TONGBAN_SECRET_KEY=$(python -c 'import secrets;"
            "print(secrets.token_urlsafe(32))')`) or run with --demo\n"
        )
        return 2

    try:
        app = create_app(settings)
    except RateLimitStorageError as exc:
        sys.stderr.write(f"refusing to start: {exc}\n")
        return 2
    if _demo_data_outside_demo(app.state.db, settings):
        app.state.db.dispose()
        return 2
    if settings.demo:

        created = app.state.db.write(seed_demo)
        log.info("demo hall %s", "seeded" if created else "already present")
    base = f"http://{settings.host}:{settings.port}"
    where = f"SQLite in {settings.data_dir}" if settings.is_sqlite else "PostgreSQL"
    lines = [
        f"Tongban 通办 server on {base}",
        f"  database:   {where}",
        f"  API docs:   {base}/docs",
        f"  citizens:   {base}/portal/   (tracking pages: {base}/t/<tracking token>)",
        f"  managers:   {base}/dashboard",
        f"  websocket:  ws://{settings.host}:{settings.port}/ws/halls/<hall>?token=…&since=…",
    ]
    if settings.demo:
        lines += [
            f"  hall board: {base}/api/v1/halls/demo/board",
            f"  wall screen in a browser: {base}/display/demo?token={DEMO_DISPLAY_TOKEN}",
            f"  demo logins: clerk1…clerk8, manager, admin / {DEMO_PASSWORD}",
            f"  demo device tokens: kiosk {DEMO_KIOSK_TOKEN}, display {DEMO_DISPLAY_TOKEN}, "
            f"counter {DEMO_COUNTER_TOKEN}, rating pad of window 1 {DEMO_RATEPAD_TOKEN}",
            f"  rating pad in a browser: {base}/ratepad/?token={DEMO_RATEPAD_TOKEN}",
        ]
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
    fd_limit = raise_fd_limit()
    if fd_limit < LOW_FD_LIMIT:
        log.warning("open-files limit is %d: set LimitNOFILE=%d (see docs/reliability.md)",
                    fd_limit, RECOMMENDED_FD_LIMIT)
    protocol = guarded_protocol(header_timeout=settings.header_timeout_seconds,
                                body_timeout=settings.body_timeout_seconds,
                                per_client=settings.connections_per_client)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning",
                ws_ping_interval=20, ws_ping_timeout=20,
                ws_per_message_deflate=settings.ws_compression, http=protocol,
                limit_concurrency=connection_limit(fd_limit))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
