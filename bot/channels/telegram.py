"""Telegram: POST /webhooks/telegram/webhook, and a command to register it.

Every request must carry X-Telegram-Bot-Api-Secret-Token equal to
TELEGRAM_SECRET_TOKEN (403 otherwise). Private text messages go to the bot;
group messages, edited messages, photos, stickers, voice notes, locations and
any other update get the short ask-for-text reply with the 999/111 line. Replies
go out with sendMessage. aiogram is not used, and getMe is never called.

    python -m bot.channels.telegram set-webhook --url https://example.org/webhooks/telegram/webhook
    python -m bot.channels.telegram webhook-info | delete-webhook

(settings from TELEGRAM_TOKEN, TELEGRAM_SECRET_TOKEN and TELEGRAM_API_BASE)
"""

from __future__ import annotations

import argparse
import hmac
import json
import logging
import os
import re
import sys
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import telegram_api
from bot.channels.flood import FloodGuard
from bot.channels.settings import (
    DEFAULT_TELEGRAM_API,
    TELEGRAM_PATH,
    TelegramSettings,
    flood_from_credentials,
    telegram_settings,
)
from bot.channels.shared_state import channel_memory, flood_guard

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MESSAGE_KINDS = ("message", "edited_message", "channel_post", "edited_channel_post")
MEDIA_KINDS = ("photo", "sticker", "voice", "video_note", "video", "audio", "animation", "document",
               "location", "venue", "contact", "poll", "dice")  # fmt: skip
# Telegram's "Start" button sends /start (maybe /start@bot_name or a payload): a greeting.
START_COMMAND = re.compile(r"^/start(@\w+)?(\s|$)", re.IGNORECASE)
START_TEXT = "hello"


@dataclass(frozen=True)
class TelegramMessage:
    update_id: int
    chat_id: str
    text: Optional[str]
    unsupported_reason: Optional[str]  # None: a private text message the bot can read


def read_update(update: Any) -> Optional[TelegramMessage]:
    """What the bot needs from an Update; None when there is no chat to answer."""
    if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
        return None
    kind = next((k for k in MESSAGE_KINDS if isinstance(update.get(k), dict)), None)
    message = update.get(kind) if kind else None
    if message is None and isinstance(update.get("callback_query"), dict):
        kind, message = "callback_query", update["callback_query"].get("message")
    if not isinstance(message, dict) or not isinstance(message.get("chat"), dict):
        return None
    chat = message["chat"]
    if not isinstance(chat.get("id"), int):
        return None
    text = message.get("text") if isinstance(message.get("text"), str) else message.get("caption")
    text = text if isinstance(text, str) and text.strip() else None
    reason: Optional[str] = None
    if kind != "message":
        reason = kind
    elif chat.get("type") != "private":
        reason = f"{chat.get('type') or 'unknown'} chat"
    elif text is None:
        reason = next((k for k in MEDIA_KINDS if k in message), "no text")
    if reason is None and text and START_COMMAND.match(text):
        text = START_TEXT
    return TelegramMessage(update["update_id"], str(chat["id"]), text, reason)


def secret_ok(header: Optional[str], secret: str) -> bool:
    return bool(header) and hmac.compare_digest((header or "").encode("utf8"), secret.encode("utf8"))


class TelegramInput(InputChannel):
    """Telegram Bot API webhook with a secret-token check and non-blocking replies."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        settings = TelegramSettings(
            token=str(credentials["token"]),
            secret_token=str(credentials["secret_token"]),
            api_base=str(credentials.get("api_base") or DEFAULT_TELEGRAM_API).rstrip("/"),
        )
        return cls(settings, flood_guard(flood_from_credentials(credentials)))

    def __init__(self, settings: TelegramSettings, flood: Optional[FloodGuard] = None) -> None:
        self.settings = settings
        self.flood = flood or FloodGuard()
        self.sender = telegram_api.TelegramSender(settings)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # Imported here so that `python -m bot.channels.telegram set-webhook` does not load
        # the safety engine (spaCy) just to call one API method.
        from bot.channels.relay import Inbound, Relay
        from bot.channels.render import TELEGRAM_LIMIT

        seen, buttons = channel_memory()
        relay = Relay(on_new_message, self.flood, seen=seen, buttons=buttons)
        webhook = Blueprint(f"bot_telegram_{id(self)}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not secret_ok(request.headers.get(SECRET_HEADER), self.settings.secret_token):
                logger.warning(
                    "telegram webhook: missing or wrong secret token from %s; refused",
                    request.remote_addr or request.ip,
                )
                return response.text("forbidden", status=403)
            raw = request.body or b""
            if len(raw) > MAX_BODY_BYTES:
                logger.warning("telegram webhook: body of %d bytes refused", len(raw))
                return response.text("request too large", status=413)
            try:
                update = json.loads(raw.decode("utf8"))
            except (UnicodeDecodeError, ValueError):
                logger.warning("telegram webhook: body is not JSON; refused")
                return response.text("bad request", status=400)
            message = read_update(update)
            if message is None:
                logger.info("telegram webhook: update without a chat to answer; ignored")
                return response.text("")
            inbound = Inbound(
                channel=self.name(),
                service="telegram",
                raw_sender=message.chat_id,
                message_id=str(message.update_id),
                text=message.text,
                limit=TELEGRAM_LIMIT,
                supported=message.unsupported_reason is None,
                metadata={"service": "telegram"},
            )
            if message.unsupported_reason:
                logger.info("%s: %s; asking for typed text", inbound.who, message.unsupported_reason)

            async def deliver(parts: List[str]) -> bool:
                return await self.sender.send(message.chat_id, parts)

            relay.accept(inbound, deliver)
            return response.text("")

        return webhook


# --- command line -----------------------------------------------------------------
def main(argv: Optional[List[str]] = None, env: Optional[Dict[str, str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.channels.telegram", description="Manage the Telegram webhook.")
    sub = parser.add_subparsers(dest="command", required=True)
    set_parser = sub.add_parser("set-webhook", help="register the public webhook URL (with the secret token)")
    set_parser.add_argument("--url", required=True, help=f"public https URL ending with {TELEGRAM_PATH}")
    set_parser.add_argument("--drop-pending-updates", action="store_true", help="forget updates Telegram still holds")
    sub.add_parser("webhook-info", help="show what Telegram has registered")
    sub.add_parser("delete-webhook", help="stop Telegram calling the webhook")
    args = parser.parse_args(argv)
    try:
        settings = telegram_settings(os.environ if env is None else env)
    except KeyError as missing:
        print(f"!! set {missing.args[0]} first (see docs/channels.md)", file=sys.stderr)
        return 2
    if args.command == "set-webhook":
        if not args.url.startswith("https://"):
            print("!! Telegram only calls https:// webhook URLs", file=sys.stderr)
            return 2
        if not args.url.rstrip("/").endswith(TELEGRAM_PATH):
            print(f"warning: the Rasa server listens at {TELEGRAM_PATH}; is {args.url} right?", file=sys.stderr)
        result = telegram_api.set_webhook(settings, args.url, args.drop_pending_updates)
        done = f"Telegram webhook set to {args.url} (secret token included)"
    elif args.command == "delete-webhook":
        result = telegram_api.delete_webhook(settings)
        done = "Telegram webhook deleted"
    else:
        result = telegram_api.webhook_info(settings)
        done = json.dumps(result.get("result", {}), indent=2)
    if not result.get("ok"):
        print(f"!! Telegram said: {result.get('description', 'no answer')}", file=sys.stderr)
        return 1
    print(done)
    return 0


if __name__ == "__main__":
    sys.exit(main())
