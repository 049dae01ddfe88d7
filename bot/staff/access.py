"""Login, role and CSRF checks wrapped around every portal route.

Anonymous: a page (GET) redirects to the login page; anything else (exports,
form posts) gets 401. A reviewer asking for an admin page gets 403. Every POST
needs the form's CSRF token.
"""

from __future__ import annotations

from functools import wraps
from typing import Any, Awaitable, Callable, Optional
from urllib.parse import quote

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.staff.accounts import User
from bot.staff.portal import PREFIX, Portal, add_security_headers
from bot.staff.sessions import SESSION_COOKIE

Handler = Callable[..., Awaitable[HTTPResponse]]
CSRF_FIELD = "csrf_token"


def unauthorised(portal: Portal, request: Request) -> HTTPResponse:
    if "json" in request.headers.get("accept", "") or request.path.endswith((".csv", ".json")):
        reply = response.json({"error": "login required"}, status=401)
    else:
        reply = portal.render(
            request, "error.html", status=401, status_code=401, message="Please log in to use the staff portal."
        )
    reply.headers["WWW-Authenticate"] = 'FormLogin realm="staff portal"'
    return add_security_headers(reply)


def login_redirect(request: Request) -> HTTPResponse:
    target = request.path + (f"?{request.query_string}" if request.query_string else "")
    return add_security_headers(response.redirect(f"{PREFIX}/login?next={quote(target, safe='')}", status=303))


def form_value(request: Request, name: str) -> str:
    form = request.form or {}
    value = form.get(name)
    return str(value) if value is not None else ""


def csrf_ok(portal: Portal, request: Request) -> bool:
    return portal.sessions.csrf_valid(request.cookies.get(SESSION_COOKIE), form_value(request, CSRF_FIELD))


def guarded(portal: Portal, kind: str = "page", role: Optional[str] = None) -> Callable[[Handler], Handler]:
    """kind 'page' (HTML, GET redirects to login) or 'data' (exports: always 401)."""

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        async def wrapper(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            user: Optional[User] = await portal.user(request)
            if user is None:
                if kind == "page" and request.method in ("GET", "HEAD"):
                    return login_redirect(request)
                return unauthorised(portal, request)
            if role and user.role != role:
                return portal.error(request, 403, "Only an administrator can do that.", user)
            if request.method == "POST" and not csrf_ok(portal, request):
                return portal.error(
                    request,
                    403,
                    "The form expired or did not come from this portal. Go back, reload the page and try again.",
                    user,
                )
            return await handler(request, user, *args, **kwargs)

        return wrapper

    return decorate
