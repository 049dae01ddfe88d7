"""The socket.io channel (web widget): the same protocol as Rasa's, every turn guarded.

Rasa 3.6's socket.io output passes a custom payload to emit() as keyword
arguments, which fails for any payload without a `data` key (a film card), and
the rest of that turn would be lost; here a custom payload is sent as the
bot_uttered data itself.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.channels.guard import guarded


class SafeSocketIOOutput(SocketIOOutput):
    """Sends a custom payload (a film card) as bot_uttered's data."""

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, json_message)


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
