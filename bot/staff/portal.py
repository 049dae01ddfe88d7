"""What every portal route shares: the database, sessions, templates and the
security headers sent with every response."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any, Callable, Dict, Optional, TypeVar
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.staff import clock, indexer, levels, schema
from bot.staff.accounts import User
from bot.staff.sessions import COOKIE_PATH, SESSION_COOKIE, SessionStore, load_secret

PREFIX = "/staff"
TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")
INDEX_REFRESH_SECONDS = 2.0

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'none'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}

T = TypeVar("T")


def add_security_headers(reply: HTTPResponse) -> HTTPResponse:
    for name, value in SECURITY_HEADERS.items():
        reply.headers[name] = value
    return reply


def served_over_https(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.scheme == "https" or forwarded == "https"


def set_cookie(request: Request, reply: HTTPResponse, name: str, value: str, max_age: int) -> None:
    reply.cookies[name] = value
    cookie = reply.cookies[name]
    cookie["path"] = COOKIE_PATH
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["max-age"] = max_age
    if served_over_https(request):
        cookie["secure"] = True


def safe_next(target: Optional[str]) -> str:
    """Only a path inside the portal (never another site, never out of /staff/) after logging in."""
    target = target or ""
    path = target.split("?", 1)[0]
    inside = target.startswith(PREFIX + "/") and not any(bad in target for bad in ("//", "\\", ".."))
    return target if inside and ":" not in path and target.isprintable() else PREFIX + "/"


class Portal:
    def __init__(self, settings: Settings, engine: Optional[Engine] = None, secret: Optional[bytes] = None) -> None:
        self.settings = settings
        self.engine = engine or schema.create_engine(settings.tracker_db_url)
        self.secret = secret or load_secret()
        self.sessions = SessionStore(self.engine, self.secret)
        self.templates = Environment(
            loader=FileSystemLoader(str(TEMPLATES)),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.globals.update(base=PREFIX, show_time=clock.show, urlencode=urlencode, level_names=levels.LEVELS)
        self._ready = False
        self._lock = threading.Lock()

    # --- database ---------------------------------------------------------
    def _prepare(self) -> None:
        with self._lock:
            if not self._ready:
                schema.ensure_schema(self.engine)
                self._ready = True

    async def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run blocking database work off the event loop (the parent page shares it)."""
        if not self._ready:
            await asyncio.to_thread(self._prepare)
        return await asyncio.to_thread(function, *args, **kwargs)

    async def refresh_index(self) -> None:
        await self.run(indexer.refresh, self.engine, min_interval=INDEX_REFRESH_SECONDS)

    # --- responses ----------------------------------------------------------
    async def user(self, request: Request) -> Optional[User]:
        cookie = request.cookies.get(SESSION_COOKIE)
        return await self.run(self.sessions.user, cookie) if cookie else None

    def render(
        self, request: Request, template: str, status: int = 200, user: Optional[User] = None, **context: Any
    ) -> HTTPResponse:
        values: Dict[str, Any] = {
            "user": user,
            "csrf": self.sessions.csrf_token(request.cookies.get(SESSION_COOKIE)),
            "path": request.path,
            "notice": "",
            "error": "",
        }
        values.update(context)
        html = self.templates.get_template(template).render(**values)
        return add_security_headers(response.html(html, status=status))

    def error(self, request: Request, status: int, message: str, user: Optional[User] = None) -> HTTPResponse:
        return self.render(request, "error.html", status=status, user=user, status_code=status, message=message)
