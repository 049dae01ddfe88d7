"""Staff portal fixtures: SQLite and PostgreSQL databases, the portal served
from a Sanic app of our own (in a thread, on a free port), and a logged-in client.

PostgreSQL: 127.0.0.1:5432, database `test`, user postgres (trust auth), each
test in a schema of its own that is dropped afterwards. Unreachable: the
PostgreSQL tests are skipped, except with CI=true, where that is a failure.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import threading
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import pytest
import requests
import sqlalchemy as sa

from bot.config import load_settings
from bot.staff import accounts, schema
from tests.conftest import free_port

PG_URL = os.environ.get("STAFF_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
ADMIN, REVIEWER = "alice", "bob"
PASSWORD = "a long enough password 1"
SECRET = b"staff-portal-tests-secret-key-0123456789"


def _postgres_reachable() -> Optional[str]:
    try:
        engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(sa.text("select 1"))
        engine.dispose()
        return None
    except Exception as problem:  # any failure to connect
        return f"{type(problem).__name__}: {str(problem).strip().splitlines()[0] if str(problem).strip() else ''}"


@pytest.fixture(scope="session")
def postgres_url() -> str:
    problem = _postgres_reachable()
    if problem:
        message = f"PostgreSQL at {PG_URL} is unreachable ({problem})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + "; CI=true requires it")
        pytest.skip(message)
    return PG_URL


def sqlite_engine(path: Path) -> sa.engine.Engine:
    engine = schema.create_engine(f"sqlite:///{path}")
    schema.ensure_schema(engine)
    return engine


@pytest.fixture
def pg_engine(postgres_url: str) -> Iterator[sa.engine.Engine]:
    name = f"staff_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_url)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    engine = schema.create_engine(postgres_url, connect_args={"options": f"-csearch_path={name}"})
    schema.ensure_schema(engine)
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.engine.Engine]:
    """Each test that takes `engine` runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        engine = sqlite_engine(tmp_path / "tracker.db")
        yield engine
        engine.dispose()
    else:
        yield request.getfixturevalue("pg_engine")


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[sa.engine.Engine]:
    engine = sqlite_engine(tmp_path / "tracker.db")
    yield engine
    engine.dispose()


def add_user(engine: sa.engine.Engine, name: str, role: str, password: str = PASSWORD) -> None:
    with engine.begin() as connection:
        accounts.create_user(connection, name, password, role)


class PortalServer:
    """The staff blueprint in a Sanic app of its own, served from a thread."""

    def __init__(self, engine: sa.engine.Engine) -> None:
        from sanic import Sanic

        from bot.staff.app import create_staff_blueprint

        self.engine = engine
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        Sanic.test_mode = True  # Sanic 21.12 can touch up only one app per process outside test mode
        self.app = Sanic(f"staff_test_{uuid.uuid4().hex[:8]}")
        self.app.config.MOTD = False
        self.app.blueprint(create_staff_blueprint(load_settings(), engine=engine, secret=SECRET))
        self.loop = asyncio.new_event_loop()
        self.started = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        if not self.started.wait(20):
            raise RuntimeError("the portal test server did not start")

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            self.app.create_server(host="127.0.0.1", port=self.port, return_asyncio_server=True, access_log=False)
        )
        self.loop.run_until_complete(server.startup())
        self.server = server
        self.started.set()
        self.loop.run_forever()
        pending = [task for task in asyncio.all_tasks(self.loop) if not task.done()]
        for task in pending:
            task.cancel()
        self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self.loop.close()

    async def _shutdown(self) -> None:
        self.server.server.close()
        for connection in list(self.server.connections):
            connection.close_if_idle()
        await self.server.wait_closed()
        self.loop.stop()

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._shutdown(), self.loop)
        self.thread.join(10)


@pytest.fixture
def portal(sqlite_db: sa.engine.Engine) -> Iterator[PortalServer]:
    add_user(sqlite_db, ADMIN, "admin")
    add_user(sqlite_db, REVIEWER, "reviewer")
    server = PortalServer(sqlite_db)
    yield server
    server.stop()


class Client:
    """A browser-like client: keeps cookies, reads CSRF tokens from forms."""

    TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]*)"')

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()

    def url(self, path: str) -> str:
        return self.base + path

    def get(self, path: str, **options: Any) -> requests.Response:
        options.setdefault("allow_redirects", False)
        return self.session.get(self.url(path), timeout=30, **options)

    def post(
        self, path: str, data: Optional[Dict[str, str]] = None, csrf_from: Optional[str] = None, **options: Any
    ) -> requests.Response:
        data = dict(data or {})
        if csrf_from is not None:
            data["csrf_token"] = self.csrf(csrf_from)
        options.setdefault("allow_redirects", False)
        return self.session.post(self.url(path), data=data, timeout=30, **options)

    def csrf(self, page: str) -> str:
        found = self.TOKEN.search(self.get(page).text)
        assert found and found.group(1), f"no CSRF token on {page}"
        return found.group(1)

    def login(self, name: str = ADMIN, password: str = PASSWORD) -> requests.Response:
        return self.post(
            "/staff/login", {"name": name, "password": password, "next": "/staff/"}, csrf_from="/staff/login"
        )


@pytest.fixture
def client(portal: PortalServer) -> Client:
    return Client(portal.base)


@pytest.fixture
def admin(portal: PortalServer) -> Client:
    signed_in = Client(portal.base)
    assert signed_in.login(ADMIN).status_code == 303
    return signed_in


@pytest.fixture
def reviewer(portal: PortalServer) -> Client:
    signed_in = Client(portal.base)
    assert signed_in.login(REVIEWER).status_code == 303
    return signed_in


def random_text() -> str:
    return secrets.token_hex(4)
