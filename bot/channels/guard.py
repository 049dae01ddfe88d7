"""Never silence: every turn on every channel ends with urgent-care guidance.

`guarded(on_new_message)` wraps Rasa's message handler for any channel. The
parent's text is prepared (bot.channels.user_text); the bot's replies are
recorded; and if the bot sent nothing (action server down, an exception), or
an emergency sign in the message is not answered with the 999 text first, the
fixed text is sent anyway.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import OutputChannel, UserMessage

from bot import replies
from bot.channels.user_text import MAX_TEXT_CHARS, prepare_text
from bot.guidance import load_guidance
from bot.safety import Level, assess

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128


def safe_sender_id(sender: str) -> str:
    """Over-long ids are hashed (stable per sender) so they fit every tracker store."""
    if len(sender) <= MAX_SENDER_CHARS:
        return sender
    return "h-" + hashlib.sha256(sender.encode("utf8", "surrogatepass")).hexdigest()


def missing_guidance(user_text: str, sent: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Messages to add so that this turn is never silent and never under-triaged."""
    try:
        emergency = assess(user_text).level == Level.EMERGENCY
    except Exception:
        logger.exception("safety engine failed inside the reply guard")
        emergency = False
    first_text = replies.message_text(sent[0]) if sent else ""
    emergency_text = replies.emergency_first()["text"]
    if emergency and not first_text.startswith(emergency_text):
        logger.warning("emergency sign without the 999 text first; sending it (guard)")
        return [replies.emergency_first()]
    if not sent:
        logger.error("the bot sent nothing for this message; sending the failure text (guard)")
        return [replies.failure()]
    if not replies.has_escalation(sent):
        return [replies.message("safety_line")]
    return []


class RecordingOutputChannel(OutputChannel):
    """Passes every bot message on to the real channel and keeps a copy."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent: List[Dict[str, Any]] = []

    @classmethod
    def name(cls) -> str:
        return "recording"

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        self.sent.append(dict(message))
        await self.inner.send_response(recipient_id, message)


def cap_notice(original_length: int) -> Dict[str, Any]:
    return {"text": load_guidance().text("long_message_cap", limit=f"{MAX_TEXT_CHARS:,}")}


def guarded(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
) -> Callable[[UserMessage], Awaitable[None]]:
    async def handler(message: UserMessage) -> None:
        raw = message.text or ""
        prepared = prepare_text(raw)
        output = RecordingOutputChannel(message.output_channel)
        sender = safe_sender_id(str(message.sender_id))
        if not prepared.text:
            await output.send_response(sender, replies.message("ask_for_text", "safety_line"))
            return
        safe_message = UserMessage(
            prepared.text,
            output,
            sender,
            parse_data=None,
            input_channel=message.input_channel,
            message_id=message.message_id,
            metadata=message.metadata,
        )
        try:
            await on_new_message(safe_message)
        except Exception:
            logger.exception("handling a message failed; the parent still gets the guidance text")
        sent_before = list(output.sent)
        for extra in missing_guidance(prepared.text, sent_before):
            if extra.get("text", "").startswith(replies.emergency_first()["text"]):
                # The emergency text must come first: on a collecting channel we can reorder.
                messages: Optional[list] = getattr(message.output_channel, "messages", None)
                if isinstance(messages, list):
                    messages.insert(0, {"recipient_id": sender, **extra})
                    continue
            await output.send_response(sender, extra)
        if prepared.capped:
            await output.send_response(sender, cap_notice(prepared.original_length))

    return handler
