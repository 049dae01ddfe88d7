"""Never silence: every turn on every channel ends with urgent-care guidance.

`guarded(on_new_message)` wraps Rasa's message handler for any channel:
  * the parent's text is prepared first (bot.channels.user_text);
  * the bot's replies for the turn are held until the turn is complete;
  * if storage failed (bot.storage: fail closed), the parent gets the fixed
    guidance text instead of an answer built without the conversation's
    history, the message is spooled and an alert is logged;
  * if the bot sent nothing (action server down, an exception), or an emergency
    sign in the message is not answered with the 999 text first, the fixed text
    is sent anyway, first.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import OutputChannel, UserMessage

from bot import (
    rasa_patches,  # noqa: F401  (action timeout, validator built once)
    replies,
)
from bot.channels.user_text import MAX_TEXT_CHARS, prepare_text
from bot.dialogue import turn_result
from bot.guidance import load_guidance
from bot.logs import REQUEST_ID
from bot.privacy.redact import redact
from bot.safety import Level, safe_assess
from bot.storage.tracker_store import STORAGE_FAILURE, StorageUnavailable, spool_user_message

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128


def safe_sender_id(sender: str) -> str:
    """Over-long ids are hashed (stable per sender) so they fit every tracker store."""
    if len(sender) <= MAX_SENDER_CHARS:
        return sender
    return "h-" + hashlib.sha256(sender.encode("utf8", "surrogatepass")).hexdigest()


def is_emergency(user_text: str, assessment: Optional[Dict[str, Any]] = None) -> bool:
    """The turn's one assessment (with the conversation's context) when the NLU pipeline
    made it; otherwise the message alone. An engine failure counts as an emergency."""
    if assessment is not None:
        return Level.parse(assessment.get("level")) == Level.EMERGENCY
    return safe_assess(user_text).level == Level.EMERGENCY


def leads_with_emergency(sent: List[Dict[str, Any]]) -> bool:
    return bool(sent) and bool(set(replies.message_keys(sent[0])) & replies.EMERGENCY_FIRST_KEYS)


def missing_guidance(
    user_text: str, sent: List[Dict[str, Any]], assessment: Optional[Dict[str, Any]] = None
) -> List[Dict[str, Any]]:
    """Messages to add so that this turn is never silent and never under-triaged.

    An emergency text returned here must go first."""
    if is_emergency(user_text, assessment) and not leads_with_emergency(sent):
        logger.warning("emergency sign without the 999 text first; the guard sends it")
        return [replies.emergency_first()]
    if not sent:
        logger.error("the bot sent nothing for this message; the guard sends the failure text")
        return [replies.failure()]
    if not replies.has_escalation(sent):
        return [replies.message("safety_line")]
    return []


def final_replies(
    user_text: str,
    sent: List[Dict[str, Any]],
    storage_failure: str | None,
    assessment: Optional[Dict[str, Any]] = None,
) -> List[Dict[str, Any]]:
    """What the parent receives for this turn."""
    if storage_failure:
        first = [replies.emergency_first()] if is_emergency(user_text, assessment) else []
        return first + [replies.failure()]
    extra = missing_guidance(user_text, sent, assessment)
    if extra and leads_with_emergency(extra):
        return extra + sent
    return sent + extra


class BufferingOutputChannel(OutputChannel):
    """Holds the bot's messages for one turn; the guard decides what is sent.

    The fixed emergency text, when it is the turn's first message (the Rasa server sends it
    itself, before any action runs), goes to the parent at once: it must not wait for a slow
    or hung action server."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent: List[Dict[str, Any]] = []
        self.forwarded = 0  # how many of `sent` (from the start) the parent already has

    def name(self) -> str:  # type: ignore[override]  # responses per channel need the real name
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        self.sent.append(dict(message))
        if len(self.sent) == 1 and leads_with_emergency(self.sent) and not STORAGE_FAILURE.get():
            try:
                await self.inner.send_response(recipient_id, message)
                self.forwarded = 1
            except Exception:
                logger.exception("sending the emergency text at once failed; it goes with the turn")


def cap_notice() -> Dict[str, Any]:
    return {"text": load_guidance().text("long_message_cap", limit=f"{MAX_TEXT_CHARS:,}")}


def guarded(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
) -> Callable[[UserMessage], Awaitable[None]]:
    from bot import logs

    logs.configure()

    async def handler(message: UserMessage) -> None:
        REQUEST_ID.set(uuid.uuid4().hex[:12])
        STORAGE_FAILURE.set(None)
        inner = message.output_channel
        sender = safe_sender_id(str(message.sender_id))
        prepared = prepare_text(redact(message.text or ""))
        if not prepared.text:
            await inner.send_response(sender, replies.message("ask_for_text", "safety_line"))
            return
        buffer = BufferingOutputChannel(inner)
        safe_message = UserMessage(
            prepared.text,
            buffer,
            sender,
            parse_data=None,
            input_channel=message.input_channel,
            message_id=message.message_id,
            metadata=message.metadata,
        )
        failure = None
        try:
            await on_new_message(safe_message)
        except StorageUnavailable as error:
            failure = str(error)
        except Exception:
            logger.exception("handling a message failed; the parent still gets the guidance text")
        failure = failure or STORAGE_FAILURE.get()
        if failure:
            try:
                spool_user_message(sender, prepared.text, failure)
            except OSError:
                logger.exception("could not spool the message")
            logger.error("storage unavailable: the parent got the fixed guidance text (alert)")
        assessment = turn_result.take(sender)
        replies_out = final_replies(prepared.text, buffer.sent, failure, assessment)
        if buffer.forwarded and replies_out[: buffer.forwarded] == buffer.sent[: buffer.forwarded]:
            replies_out = replies_out[buffer.forwarded :]  # the parent already has the emergency text
        for reply in replies_out:
            await inner.send_response(sender, reply)
        if prepared.capped:
            await inner.send_response(sender, cap_notice())

    return handler
