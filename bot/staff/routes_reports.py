"""The dashboard and the CSV / JSON exports."""

from __future__ import annotations

import time

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.staff import audit, clock, dashboard, export, levels, listing
from bot.staff.access import guarded
from bot.staff.accounts import User
from bot.staff.filters import Filters
from bot.staff.portal import Portal, add_security_headers


def register(bp: Blueprint, portal: Portal) -> None:
    @bp.get("/dashboard", name="dashboard")
    @guarded(portal)
    async def show_dashboard(request: Request, user: User) -> HTTPResponse:
        filters = Filters.from_args(request.args)
        await portal.refresh_index()
        board = await portal.run(dashboard.build, portal.engine, filters.date_from, filters.date_to)
        return portal.render(
            request,
            "dashboard.html",
            user=user,
            board=board,
            filters=filters,
            levels=levels.LEVELS,
            chart_height=dashboard.CHART_HEIGHT,
            bar_width=dashboard.BAR_WIDTH,
            view="dashboard",
        )

    async def exported(request: Request, user: User, kind: str) -> HTTPResponse:
        filters = Filters.from_args(request.args)
        await portal.refresh_index()
        senders = await portal.run(listing.all_senders, portal.engine, filters, export.MAX_CONVERSATIONS)
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
        if kind == "csv":
            body = await portal.run(export.to_csv, portal.engine, senders)
            content_type = "text/csv; charset=utf-8"
        else:
            meta = {
                "exported_at": clock.iso(time.time()),
                "exported_by": user.name,
                "filters": filters.args(),
                "limit": export.MAX_CONVERSATIONS,
            }
            body = await portal.run(export.to_json, portal.engine, senders, meta)
            content_type = "application/json; charset=utf-8"
        await portal.run(_record_export, portal, user, kind, filters, len(senders))
        reply = response.raw(body.encode("utf8"), content_type=content_type)
        reply.headers["Content-Disposition"] = f'attachment; filename="conversations-{stamp}.{kind}"'
        return add_security_headers(reply)

    @bp.get("/export.csv", name="export_csv")
    @guarded(portal, kind="data")
    async def export_csv(request: Request, user: User) -> HTTPResponse:
        return await exported(request, user, "csv")

    @bp.get("/export.json", name="export_json")
    @guarded(portal, kind="data")
    async def export_json(request: Request, user: User) -> HTTPResponse:
        return await exported(request, user, "json")


def _record_export(portal: Portal, user: User, kind: str, filters: Filters, count: int) -> None:
    with portal.engine.begin() as connection:
        audit.record(
            connection, user.name, f"export_{kind}", detail={"filters": filters.args(), "conversations": count}
        )
