"""Fixtures for the production set-up: real PostgreSQL and Redis on 127.0.0.1.

On a machine without them these tests skip with a reason, except when CI=true,
where a missing service is a failure (DEVELOPERS.md)."""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import uuid
from typing import Dict, Iterator, Optional

import pytest

PG_HOST, PG_PORT, REDIS_PORT = "127.0.0.1", 5432, 6379


def reachable(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def require_services() -> None:
    missing = [name for name, port in (("PostgreSQL", PG_PORT), ("Redis", REDIS_PORT)) if not reachable(port)]
    if missing:
        reason = f"{' and '.join(missing)} not reachable on 127.0.0.1"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true: a missing service is a failure)")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_db() -> Iterator[str]:
    """A fresh database for this test session, dropped afterwards."""
    require_services()
    import psycopg2

    name = f"sepsis_test_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(host=PG_HOST, port=PG_PORT, user="postgres", dbname="postgres")
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    yield name
    admin.cursor().execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (name,)
    )
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()


def production_env(db_name: str, db_port: int = PG_PORT) -> Dict[str, str]:
    return {
        "PROFILE": "production",
        "DB_HOST": PG_HOST,
        "DB_PORT": str(db_port),
        "DB_NAME": db_name,
        "DB_USER": "postgres",
        "DB_PASSWORD": "",
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": str(REDIS_PORT),
        "DB_TIMEOUT_SECONDS": "2",
    }


class TcpProxy:
    """A loopback TCP proxy that a test can stop and start, to take a database away."""

    def __init__(self, target_port: int, host: str = "127.0.0.1") -> None:
        self.target = (host, target_port)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.loop = asyncio.new_event_loop()
        self.server: Optional[asyncio.AbstractServer] = None
        self.connections: set = set()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.close()
            return
        self.connections.update({client_writer, upstream_writer})
        await asyncio.gather(self._pipe(client_reader, upstream_writer), self._pipe(upstream_reader, client_writer))

    def start(self) -> None:
        async def go() -> None:
            self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port, reuse_address=True)

        asyncio.run_coroutine_threadsafe(go(), self.loop).result(5)

    def stop(self) -> None:
        async def go() -> None:
            if self.server:
                self.server.close()
                await self.server.wait_closed()
            for writer in list(self.connections):
                writer.close()
            self.connections.clear()

        asyncio.run_coroutine_threadsafe(go(), self.loop).result(5)
