"""The web app: the parent page, the widget's files and a health check."""

from __future__ import annotations

from pathlib import Path

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.web.page import render_page
from bot.web.security import RasaOrigin, asset_headers, page_headers

STATIC_DIR = Path(__file__).with_name("static")


def create_app(origin: RasaOrigin, name: str = "parent_web", staff: bool = True) -> Sanic:
    app = Sanic(name)
    app.config.MOTD = False
    page = render_page(origin)
    headers = page_headers(origin)

    @app.route("/", methods=["GET", "HEAD"])
    async def parent_page(_: Request) -> HTTPResponse:
        return response.html(page, headers=headers)

    @app.route("/health", methods=["GET", "HEAD"])
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok", "rasa_url": origin.http})

    @app.get("/favicon.ico")
    async def favicon(_: Request) -> HTTPResponse:
        return response.redirect("/static/favicon.svg", status=301)

    app.static("/static", str(STATIC_DIR), name="static")
    if staff:
        from bot.config import load_settings
        from bot.staff.app import create_staff_blueprint

        app.blueprint(create_staff_blueprint(load_settings()))

    @app.on_response
    async def add_asset_headers(request: Request, reply: HTTPResponse) -> None:
        if request.path.startswith("/static/"):
            reply.headers.update(asset_headers())
            reply.headers["Cache-Control"] = "no-cache"

    return app
