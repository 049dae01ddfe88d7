"""The Telegram Bot API methods this project calls, and nothing else (never getMe).

sendMessage runs inside the server (aiohttp, non-blocking); setWebhook,
deleteWebhook and getWebhookInfo run from the command line (urllib). The bot
token is part of every URL, so URLs are never logged or printed.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any, Dict, List, Union

import aiohttp

from bot.channels import outbound
from bot.channels.senders import log_id
from bot.channels.settings import TelegramSettings

# Group messages arrive as "message" too (and get the ask-for-text reply).
ALLOWED_UPDATES = ["message", "edited_message"]
CLI_TIMEOUT_SECONDS = 30


def method_url(settings: TelegramSettings, method: str) -> str:
    return f"{settings.api_base}/bot{settings.token}/{method}"


def chat_id_value(raw: str) -> Union[int, str]:
    return int(raw) if raw.lstrip("-").isdigit() else raw


class TelegramSender:
    """Sends reply parts with sendMessage, one after the other, as plain text."""

    def __init__(self, settings: TelegramSettings) -> None:
        self.url = method_url(settings, "sendMessage")

    async def send(self, chat_id: str, parts: List[str]) -> bool:
        label = f"Telegram sendMessage to {log_id('telegram', chat_id)}"
        all_sent = True
        async with aiohttp.ClientSession() as session:
            for part in parts:
                result = await outbound.post(
                    session, self.url, label, json_body={"chat_id": chat_id_value(chat_id), "text": part}
                )
                all_sent = all_sent and result.ok
        return all_sent


def call(settings: TelegramSettings, method: str, payload: Dict[str, Any]) -> Dict[str, Any]:
    """Call one Bot API method synchronously; returns Telegram's JSON answer (ok, description ...)."""
    request = urllib.request.Request(
        method_url(settings, method),
        data=json.dumps(payload).encode("utf8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=CLI_TIMEOUT_SECONDS) as reply:
            return json.loads(reply.read().decode("utf8"))
    except urllib.error.HTTPError as error:
        try:
            return json.loads(error.read().decode("utf8"))
        except ValueError:
            return {"ok": False, "description": f"HTTP {error.code}"}
    except (OSError, ValueError) as error:
        return {"ok": False, "description": f"{error.__class__.__name__}: could not reach the Telegram API"}


def set_webhook(settings: TelegramSettings, url: str, drop_pending_updates: bool = False) -> Dict[str, Any]:
    return call(settings, "setWebhook", {
        "url": url,
        "secret_token": settings.secret_token,
        "allowed_updates": ALLOWED_UPDATES,
        "drop_pending_updates": drop_pending_updates,
    })  # fmt: skip


def delete_webhook(settings: TelegramSettings) -> Dict[str, Any]:
    return call(settings, "deleteWebhook", {})


def webhook_info(settings: TelegramSettings) -> Dict[str, Any]:
    return call(settings, "getWebhookInfo", {})
