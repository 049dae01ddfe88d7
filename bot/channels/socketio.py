"""The socket.io channel (web widget): the same protocol as Rasa's, every turn guarded.

Two changes to Rasa 3.6's socket.io output:
- a custom payload (a film or handover card) is sent as the bot_uttered data itself:
  Rasa passes it to emit() as keyword arguments, which fails for any payload without a
  `data` key, and the rest of that turn would be lost;
- every bot_uttered carries the message's `guidance_keys` and `level`, so the widget
  styles a message by what it is (an emergency, urgent advice), never by its wording.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.channels.guard import guarded
from bot.replies import KEYS_FIELD
from bot.safety.levels import Level

LEVEL_FIELD = "level"
LEVELS = frozenset(level.label for level in Level)


def message_metadata(fields: Dict[str, Any]) -> Dict[str, Any]:
    """The `guidance_keys` and `level` of a bot message, when present and well formed."""
    metadata: Dict[str, Any] = {}
    keys = fields.get(KEYS_FIELD)
    if isinstance(keys, list):
        metadata[KEYS_FIELD] = [str(key) for key in keys]
    level = fields.get(LEVEL_FIELD)
    if isinstance(level, str) and level in LEVELS:
        metadata[LEVEL_FIELD] = level
    return metadata


class SafeSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output with each message's metadata, and custom payloads as data."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        metadata = message_metadata(kwargs)
        for part in text.strip().split("\n\n"):
            await self._send_message(recipient_id, {"text": part, **metadata})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        metadata = message_metadata(kwargs)
        parts = text.strip().split("\n\n")
        quick_replies = [
            {"content_type": "text", "title": button["title"], "payload": button["payload"]} for button in buttons
        ]
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            await self._send_message(
                recipient_id, {"text": part, "quick_replies": quick_replies if last else [], **metadata}
            )

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        # kwargs holds the message's other fields, `buttons` among them (None here)
        kwargs.pop("buttons", None)
        await self.send_text_with_buttons(recipient_id, text, quick_replies, **kwargs)

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        # The card's own keys and level win; the message's fill in what the card lacks.
        await self._send_message(recipient_id, {**message_metadata(kwargs), **json_message})


def _with_safe_output(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
) -> Callable[[UserMessage], Awaitable[None]]:
    async def handler(message: UserMessage) -> None:
        output = message.output_channel
        if isinstance(output, SocketIOOutput) and not isinstance(output, SafeSocketIOOutput):
            message.output_channel = SafeSocketIOOutput(output.sio, output.bot_message_evt)
        await on_new_message(message)

    return handler


class SafeSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel (same events: session_request/session_confirm,
    user_uttered/bot_uttered) with text preparation and the reply guard."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return super().blueprint(_with_safe_output(guarded(on_new_message)))

    def get_output_channel(self) -> Optional[OutputChannel]:
        channel = super().get_output_channel()
        return SafeSocketIOOutput(channel.sio, channel.bot_message_evt) if channel else None
