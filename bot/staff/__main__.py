"""`python -m bot.staff --port 8001`: the staff portal on its own, for manual use.

The web app (`python -m bot run`) serves the same portal at /staff/ on :8000.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import load_settings
from bot.staff.app import create_staff_blueprint


def create_app(name: str = "staff_portal") -> Sanic:
    app = Sanic(name)
    app.config.MOTD = False
    app.blueprint(create_staff_blueprint(load_settings()))

    @app.get("/")
    async def home(_: Request) -> HTTPResponse:
        return response.redirect("/staff/", status=303)

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    return app


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.staff", description=__doc__)
    parser.add_argument("--host", default=os.environ.get("STAFF_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("STAFF_PORT", 8001)))
    args = parser.parse_args(argv)
    settings = load_settings()
    print(
        f">> staff portal on http://{args.host}:{args.port}/staff/ (database: {settings.profile} profile)", flush=True
    )
    create_app().run(host=args.host, port=args.port, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
