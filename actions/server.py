"""The action server: rasa-sdk's app, accepting calls only from the Rasa server.

Rasa's action endpoint sends the shared secret ACTION_SERVER_TOKEN in the
X-Action-Token header (endpoints written by `python -m bot run`); a call
without it gets 401. `python -m actions.server --port 5055`.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
from typing import Optional

from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import logs

TOKEN_HEADER = "X-Action-Token"
OPEN_PATHS = {"/health", "/ready"}
logger = logging.getLogger(__name__)


def build_app(token: Optional[str]) -> Sanic:
    app = create_app("actions", cors_origins=[])
    # Rasa sends the whole conversation with every call: a long one passes 1 MB
    # (about turn 190). Only the Rasa server can reach this port (token).
    app.config.REQUEST_MAX_SIZE = int(os.environ.get("ACTION_MAX_REQUEST_BYTES", 64 * 1024 * 1024))

    @app.middleware("request")
    async def require_token(request: Request) -> Optional[HTTPResponse]:
        if request.path in OPEN_PATHS:
            return None
        supplied = request.headers.get(TOKEN_HEADER, "")
        if not token or not hmac.compare_digest(supplied.encode(), token.encode()):
            logger.warning("action call refused: missing or wrong %s from %s", TOKEN_HEADER, request.ip)
            return response.json({"error": "unauthorised"}, status=401)
        return None

    @app.get("/ready")
    async def ready(_: Request) -> HTTPResponse:
        return response.json({"ready": True})

    return app


def main(argv: Optional[list] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_PORT", 5055)))
    parser.add_argument("--host", default=os.environ.get("BIND_HOST", "127.0.0.1"))
    args = parser.parse_args(argv)
    logs.configure()
    token = os.environ.get("ACTION_SERVER_TOKEN", "")
    if not token:
        logger.error("ACTION_SERVER_TOKEN is not set: every action call will be refused")
    build_app(token).run(args.host, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
