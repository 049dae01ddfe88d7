"""Admin only: the audit log, staff accounts and retention."""

from __future__ import annotations

import time
from typing import Optional

import sqlalchemy as sa
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.staff import accounts, audit, indexer, purge
from bot.staff.access import form_value, guarded
from bot.staff.accounts import AccountError, User
from bot.staff.portal import PREFIX, Portal, add_security_headers
from bot.staff.routes_conversations import page_number
from bot.staff.schema import events

USER_NOTICES = {"added": "User added.", "updated": "User updated."}


def register(bp: Blueprint, portal: Portal) -> None:
    @bp.get("/audit", name="audit")
    @guarded(portal, role="admin")
    async def audit_log(request: Request, user: User) -> HTTPResponse:
        actor, action = request.args.get("actor", "")[:64], request.args.get("action", "")[:40]
        found, total, page, pages = await portal.run(audit.entries, portal.engine, page_number(request), actor, action)
        return portal.render(
            request,
            "audit.html",
            user=user,
            entries=found,
            total=total,
            page=page,
            pages=pages,
            actor=actor,
            action=action,
            actions=audit.ACTIONS,
            view="audit",
        )

    async def users_page(request: Request, user: User, status: int = 200, error: str = "") -> HTTPResponse:
        people = await portal.run(accounts.list_users, portal.engine)
        return portal.render(
            request,
            "users.html",
            status=status,
            user=user,
            people=people,
            roles=accounts.ROLES,
            error=error,
            notice=USER_NOTICES.get(request.args.get("done", ""), ""),
            now=time.time(),
            min_password=accounts.MIN_PASSWORD_CHARS,
            view="users",
        )

    @bp.get("/users", name="users")
    @guarded(portal, role="admin")
    async def users(request: Request, user: User) -> HTTPResponse:
        return await users_page(request, user)

    @bp.post("/users", name="user_add")
    @guarded(portal, role="admin")
    async def user_add(request: Request, user: User) -> HTTPResponse:
        name, role = form_value(request, "name").strip(), form_value(request, "role")
        try:
            await portal.run(_add_user, portal, user, name, form_value(request, "password"), role)
        except AccountError as problem:
            return await users_page(request, user, 400, str(problem))
        return _redirect(f"{PREFIX}/users?done=added")

    @bp.post("/users/<user_id:int>", name="user_update")
    @guarded(portal, role="admin")
    async def user_update(request: Request, user: User, user_id: int) -> HTTPResponse:
        try:
            await portal.run(
                _update_user,
                portal,
                user,
                user_id,
                form_value(request, "change"),
                form_value(request, "role"),
                form_value(request, "password"),
            )
        except AccountError as problem:
            return await users_page(request, user, 400, str(problem))
        return _redirect(f"{PREFIX}/users?done=updated")

    @bp.get("/retention", name="retention")
    @guarded(portal, role="admin")
    async def retention(request: Request, user: User) -> HTTPResponse:
        return await retention_page(request, user)

    async def retention_page(
        request: Request, user: User, status: int = 200, error: str = "", result: Optional[purge.PurgeResult] = None
    ) -> HTTPResponse:
        days = purge.retention_days()
        preview = await portal.run(purge.purge, portal.engine, days, user.name, True)
        oldest = await portal.run(_oldest_event, portal)
        return portal.render(
            request,
            "retention.html",
            status=status,
            user=user,
            days=days,
            preview=preview,
            oldest=oldest,
            error=error,
            result=result,
            view="retention",
        )

    @bp.post("/retention/purge", name="purge")
    @guarded(portal, role="admin")
    async def run_purge(request: Request, user: User) -> HTTPResponse:
        try:
            days = purge.parse_days(form_value(request, "days"))
        except ValueError as problem:
            return await retention_page(request, user, 400, str(problem))
        if form_value(request, "confirm").strip().lower() != "purge":
            return await retention_page(request, user, 400, "Type purge in the box to confirm.")
        result = await portal.run(purge.purge, portal.engine, days, user.name)
        return await retention_page(request, user, result=result)

    @bp.post("/retention/reindex", name="reindex")
    @guarded(portal, role="admin")
    async def reindex(request: Request, user: User) -> HTTPResponse:
        rebuilt = await portal.run(indexer.refresh, portal.engine, True)
        await portal.run(_record, portal, user.name, "reindex", {"rebuilt": rebuilt})
        return _redirect(f"{PREFIX}/retention")


def _redirect(location: str) -> HTTPResponse:
    return add_security_headers(response.redirect(location, status=303))


def _record(portal: Portal, actor: str, action: str, detail: dict) -> None:
    with portal.engine.begin() as connection:
        audit.record(connection, actor, action, detail=detail)


def _oldest_event(portal: Portal) -> Optional[float]:
    with portal.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.min(events.c.timestamp))).scalar()


def _add_user(portal: Portal, admin: User, name: str, password: str, role: str) -> None:
    with portal.engine.begin() as connection:
        accounts.create_user(connection, name, password, role)
        audit.record(connection, admin.name, "user_add", name, {"role": role})


def _update_user(portal: Portal, admin: User, user_id: int, change: str, role: str, password: str) -> None:
    with portal.engine.begin() as connection:
        target = accounts.get_user(connection, user_id=user_id)
        if target is None:
            raise AccountError("there is no such user")
        removes_admin = (
            target.admin and target.active and (change == "disable" or (change == "role" and role != "admin"))
        )
        if removes_admin and accounts.count_active_admins(connection) <= 1:
            raise AccountError("the last active administrator cannot be disabled or lose the admin role")
        if change == "role":
            accounts.set_role(connection, user_id, role)
        elif change in ("disable", "enable"):
            accounts.set_active(connection, user_id, change == "enable")
        elif change == "unlock":
            accounts.unlock(connection, user_id)
        elif change == "password":
            accounts.set_password(connection, user_id, password)
        else:
            raise AccountError("unknown change")
        detail = {"change": change, **({"role": role} if change == "role" else {})}
        audit.record(connection, admin.name, "user_update", target.name, detail)
