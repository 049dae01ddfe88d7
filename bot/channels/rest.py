"""The public REST webhook (/webhooks/rest/webhook), with input checks.

Stock Rasa answers an empty body or a JSON array with a 500 HTML page and puts
every message without a sender into one shared conversation "default". Here
bad input gets a 4xx with a clear JSON message and a logged reason.
"""

from __future__ import annotations

import json
import logging
import os
import re
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import MAX_SENDER_CHARS, guarded

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
WARM_UP_TEXT = "my 2 year old has had a temperature of 38.5 since yesterday and is drinking less"
SENDER_PATTERN = re.compile(rf"^[A-Za-z0-9_.:@+=\-]{{1,{MAX_SENDER_CHARS}}}$")


class InputError(ValueError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def parse_body(raw: bytes) -> Dict[str, Any]:
    if not raw:
        raise InputError(400, 'The request body is empty: send JSON like {"sender": "<id>", "message": "<text>"}.')
    if len(raw) > MAX_BODY_BYTES:
        raise InputError(413, f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    try:
        body = json.loads(raw.decode("utf8", errors="strict"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(400, f"The request body is not valid UTF-8 JSON ({exc.__class__.__name__}).") from exc
    if not isinstance(body, dict):
        raise InputError(400, "The request body must be a JSON object with 'sender' and 'message'.")
    return body


def read_sender(body: Dict[str, Any]) -> str:
    sender = body.get("sender")
    if sender is None or sender == "":
        raise InputError(400, "'sender' is required: a unique id for this conversation.")
    if isinstance(sender, bool) or not isinstance(sender, (str, int)):
        raise InputError(400, "'sender' must be a string.")
    sender = str(sender)
    if len(sender) > MAX_SENDER_CHARS:
        raise InputError(400, f"'sender' is longer than {MAX_SENDER_CHARS} characters.")
    if not SENDER_PATTERN.match(sender):
        raise InputError(400, "'sender' may only hold letters, digits and . _ - : @ + =")
    return sender


def read_message(body: Dict[str, Any]) -> str:
    if "message" not in body or body["message"] is None:
        raise InputError(400, "'message' is required: the text the parent typed.")
    message = body["message"]
    if not isinstance(message, str):
        raise InputError(400, "'message' must be text (a JSON string).")
    return message


class SafeRestInput(RestInput):
    """Rasa's REST channel with validation, plain-text "/" and a reply guard."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint(f"safe_rest_{id(self)}", __name__)
        handler = guarded(on_new_message)

        @webhook.listener("after_server_start")
        async def worker_ready(app: Any, _: Any) -> None:
            # Once per Rasa worker process, after it has loaded the model. A first message
            # through the NLU pipeline and the safety engine builds what they build lazily, so
            # that no parent's first message waits for it. (make bench and operators count
            # these lines when RASA_WORKERS > 1.)
            agent = getattr(app.ctx, "agent", None)
            if agent is not None:
                try:
                    await agent.parse_message(WARM_UP_TEXT)
                except Exception as error:  # noqa: BLE001 - warming up is best effort
                    logger.warning("worker warm-up failed: %s", error.__class__.__name__)
            logger.info("worker_ready: Rasa worker %d has its model and is answering", os.getpid())

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/live", methods=["GET"])
        async def live(_: Request) -> HTTPResponse:
            return response.json({"live": True})

        @webhook.route("/ready", methods=["GET"])
        async def ready(request: Request) -> HTTPResponse:
            from bot.health import readiness

            checks = await readiness(getattr(request.app.ctx, "agent", None))
            return response.json(checks, status=200 if checks["ready"] else 503)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = parse_body(request.body or b"")
                sender = read_sender(body)
                text = read_message(body)
            except InputError as error:
                logger.warning("rest webhook rejected a request: %s", error.message)
                return response.json({"error": error.message}, status=error.status)
            metadata: Optional[Dict[str, Any]] = (
                body.get("metadata") if isinstance(body.get("metadata"), dict) else None
            )
            collector = CollectingOutputChannel()
            await handler(UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata))
            return response.json(collector.messages)

        return webhook
