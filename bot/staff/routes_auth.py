"""Log in, log out, change one's own password, and the two public files (stylesheet, icon)."""

from __future__ import annotations

import logging

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.staff import accounts, audit
from bot.staff.access import CSRF_FIELD, form_value, guarded
from bot.staff.accounts import AccountError, User
from bot.staff.portal import PREFIX, STATIC, Portal, add_security_headers, safe_next, set_cookie
from bot.staff.sessions import LOGIN_COOKIE, MAX_AGE_SECONDS, SESSION_COOKIE

logger = logging.getLogger(__name__)

LOGIN_FAILED = "Wrong name or password. After 5 wrong passwords in a row an account is locked for 15 minutes."
STYLESHEET = (STATIC / "staff.css").read_text()
FAVICON = (STATIC / "favicon.svg").read_text()


def register(bp: Blueprint, portal: Portal) -> None:
    def login_page(request: Request, login_cookie: str, status: int = 200, error: str = "") -> HTTPResponse:
        reply = portal.render(
            request,
            "login.html",
            status=status,
            error=error,
            login_csrf=portal.sessions.csrf_token(login_cookie),
            next=safe_next(request.args.get("next") or form_value(request, "next")),
        )
        set_cookie(request, reply, LOGIN_COOKIE, login_cookie, 3600)
        return reply

    @bp.get("/login", name="login")
    async def login_form(request: Request) -> HTTPResponse:
        if await portal.user(request):
            return add_security_headers(response.redirect(safe_next(request.args.get("next")), status=303))
        return login_page(request, portal.sessions.new_login_cookie())

    @bp.post("/login", name="login_submit")
    async def login_submit(request: Request) -> HTTPResponse:
        login_cookie = request.cookies.get(LOGIN_COOKIE, "")
        if not portal.sessions.csrf_valid(login_cookie, form_value(request, CSRF_FIELD)):
            return login_page(
                request, portal.sessions.new_login_cookie(), 403, "The login form expired. Please try again."
            )
        name, password = form_value(request, "name").strip(), form_value(request, "password")
        result = await portal.run(accounts.authenticate, portal.engine, name, password)
        if result.outcome != "ok" or result.user is None:
            await portal.run(_record_failure, portal, result)
            return login_page(request, portal.sessions.new_login_cookie(), 401, LOGIN_FAILED)
        cookie = await portal.run(portal.sessions.create, result.user.id)
        await portal.run(_record, portal, result.user.name, "login")
        reply = add_security_headers(response.redirect(safe_next(form_value(request, "next")), status=303))
        set_cookie(request, reply, SESSION_COOKIE, cookie, MAX_AGE_SECONDS)
        set_cookie(request, reply, LOGIN_COOKIE, "", 0)
        return reply

    @bp.post("/logout", name="logout")
    @guarded(portal)
    async def logout(request: Request, user: User) -> HTTPResponse:
        await portal.run(portal.sessions.end, request.cookies.get(SESSION_COOKIE))
        await portal.run(_record, portal, user.name, "logout")
        reply = add_security_headers(response.redirect(f"{PREFIX}/login", status=303))
        set_cookie(request, reply, SESSION_COOKIE, "", 0)
        return reply

    @bp.get("/account", name="account")
    @guarded(portal)
    async def account(request: Request, user: User) -> HTTPResponse:
        return portal.render(request, "account.html", user=user, notice=_notice(request))

    @bp.post("/account/password", name="account_password")
    @guarded(portal)
    async def change_password(request: Request, user: User) -> HTTPResponse:
        current, new = form_value(request, "current"), form_value(request, "new")
        error = ""
        if new != form_value(request, "repeat"):
            error = "The two new passwords are not the same."
        elif not await portal.run(accounts.verify_password, portal.engine, user.id, current):
            error = "The current password is wrong."
        else:
            try:
                await portal.run(_change_password, portal, user, new)
            except AccountError as problem:
                error = str(problem)
        if error:
            return portal.render(request, "account.html", status=400, user=user, error=error)
        # Changing the password ended every session, this one too.
        reply = add_security_headers(response.redirect(f"{PREFIX}/login", status=303))
        set_cookie(request, reply, SESSION_COOKIE, "", 0)
        return reply

    @bp.get("/static/staff.css", name="stylesheet")
    async def stylesheet(_: Request) -> HTTPResponse:
        return add_security_headers(response.text(STYLESHEET, content_type="text/css; charset=utf-8"))

    @bp.get("/static/favicon.svg", name="favicon")
    async def favicon(_: Request) -> HTTPResponse:
        return add_security_headers(response.text(FAVICON, content_type="image/svg+xml"))


def _notice(request: Request) -> str:
    return {"saved": "Saved."}.get(request.args.get("done", ""), "")


def _record(portal: Portal, actor: str, action: str) -> None:
    with portal.engine.begin() as connection:
        audit.record(connection, actor, action)


def _record_failure(portal: Portal, result: accounts.LoginResult) -> None:
    # An unknown name is not written down: it may be a password typed into the wrong box.
    actor = result.user.name if result.user else "(unknown name)"
    with portal.engine.begin() as connection:
        audit.record(connection, actor, "login_failed", detail={"reason": result.outcome})
        if result.locked_now:
            audit.record(connection, actor, "account_locked", detail={"minutes": accounts.LOCK_SECONDS // 60})
    if result.locked_now:
        logger.warning("staff account locked after %d failed logins", accounts.MAX_FAILED_LOGINS)


def _change_password(portal: Portal, user: User, password: str) -> None:
    with portal.engine.begin() as connection:
        accounts.set_password(connection, user.id, password)
        audit.record(connection, user.name, "password_change", user.name)
