"""`create_staff_blueprint(settings)`: the staff review portal, mounted at /staff.

    app.blueprint(create_staff_blueprint(load_settings()))

Reads conversations from the tracker store's `events` table and keeps its own
tables (staff_*) in the same database, creating them on first use.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, Optional

from sanic import Blueprint, Sanic
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.staff import routes_admin, routes_auth, routes_conversations, routes_reports
from bot.staff.access import guarded
from bot.staff.accounts import User
from bot.staff.portal import PREFIX, Portal, add_security_headers

logger = logging.getLogger(__name__)


class StaffBlueprint(Blueprint):
    """Also puts the portal's security headers on error responses under /staff
    that Sanic makes before any route is chosen (405, malformed requests)."""

    def register(self, app: Sanic, options: Dict[str, Any]) -> None:
        super().register(app, options)
        app.register_middleware(_headers_under_prefix, "response")


async def _headers_under_prefix(request: Request, reply: HTTPResponse) -> None:
    if request.path == PREFIX or request.path.startswith(PREFIX + "/"):
        add_security_headers(reply)


def create_staff_blueprint(
    settings: Settings, engine: Optional[Engine] = None, secret: Optional[bytes] = None, name: str = "staff"
) -> Blueprint:
    """`engine` and `secret` are for tests; by default they come from settings and STAFF_SECRET_KEY."""
    portal = Portal(settings, engine=engine, secret=secret)
    bp = StaffBlueprint(name, url_prefix=PREFIX)
    bp.ctx.portal = portal
    routes_auth.register(bp, portal)
    routes_conversations.register(bp, portal)
    routes_reports.register(bp, portal)
    routes_admin.register(bp, portal)

    @bp.get("/<rest:path>", name="not_found")
    @guarded(portal)
    async def not_found(request: Request, user: User, rest: str) -> HTTPResponse:
        return portal.error(request, 404, "There is no such page in the staff portal.", user)

    @bp.exception(Exception)
    async def failure(request: Request, problem: Exception) -> HTTPResponse:
        status = getattr(problem, "status_code", 500)
        if status >= 500:
            logger.exception("staff portal error on %s", request.path, exc_info=problem)
            return portal.error(request, 500, "Something went wrong. The error was logged; please try again.")
        return portal.error(request, status, "That request could not be handled.")

    return bp
