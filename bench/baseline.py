"""Ceilings to read the figures against, run as their own processes.

`python -m bench.baseline http --database-url U --port P`: a bare FastAPI app whose one
endpoint inserts one row and commits through the server's own `Database` (same SQLite
pragmas, BEGIN IMMEDIATE and write lock, or the same PostgreSQL), served like the server.

`python -m bench.baseline ws --port P`: a bare `websockets` server; a client's
`fire:<n>` message is broadcast to every connection.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, insert

log = logging.getLogger(__name__)
METADATA = MetaData()
ROWS = Table(
    "bench_baseline_rows", METADATA,
    Column("id", Integer, primary_key=True),
    Column("payload", String(64)),
    Column("created_at", DateTime),
)


def http_app(database_url: str):  # noqa: ANN201 - a FastAPI app
    """The bare insert-and-commit app."""
    from fastapi import FastAPI

    from server.core.db import Database

    db = Database(database_url)
    METADATA.create_all(db.engine)
    app = FastAPI()

    @app.get("/ready")
    def ready() -> dict:
        return {"ok": True}

    @app.post("/insert", status_code=201)
    def insert_one() -> dict:
        def work(s) -> int:  # noqa: ANN001
            return s.execute(insert(ROWS).values(
                payload="x" * 32, created_at=datetime.now(UTC).replace(tzinfo=None)
            ).returning(ROWS.c.id)).scalar_one()

        return {"id": db.write(work)}

    return app


async def ws_server(port: int) -> None:
    """Broadcast `fire:<n>` to every connected client."""
    from websockets.asyncio.server import broadcast, serve

    clients: set = set()

    async def handler(conn) -> None:  # noqa: ANN001
        clients.add(conn)
        try:
            async for message in conn:
                if isinstance(message, str) and message.startswith("fire:"):
                    n = int(message[5:])
                    broadcast(clients, json.dumps({"type": "fire", "n": n}))
        finally:
            clients.discard(conn)

    async with serve(handler, "127.0.0.1", port, ping_interval=None, max_queue=None):
        await asyncio.Future()


def main() -> None:
    """Entry point."""
    p = argparse.ArgumentParser(prog="python -m bench.baseline")
    p.add_argument("kind", choices=["http", "ws"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--database-url")
    args = p.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.kind == "http":
        import uvicorn

        uvicorn.run(http_app(args.database_url), host="127.0.0.1", port=args.port,
                    log_level="warning")
    else:
        asyncio.run(ws_server(args.port))


if __name__ == "__main__":
    main()
