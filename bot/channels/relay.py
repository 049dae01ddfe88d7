"""What every messaging channel does between a verified webhook and the service's API.

`Relay.accept()` runs inside the webhook request: each message id once, flood
check, then the turn is queued so the webhook can answer at once (services
retry slow webhooks). `Relay.run_turn()` runs turns of one sender in arrival
order: a numbered reply becomes its button's payload, the bot answers through
the reply guard into a collecting channel (so the guard can put the 999 text
first), and the rendered parts are sent through the channel's `deliver`.
A turn that fails or takes too long still sends the fixed guidance text.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Awaitable, Callable, Coroutine, Dict, List, Optional, Set, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot import replies
from bot.channels.buttons import ButtonMemory, InMemoryButtonMemory
from bot.channels.dedup import InMemorySeenMessages, SeenMessages
from bot.channels.flood import FloodGuard, Verdict
from bot.channels.guard import guarded, missing_guidance
from bot.channels.render import render_reply
from bot.channels.senders import conversation_id, log_id
from bot.guidance import load_guidance
from bot.safety import Level, assess

logger = logging.getLogger(__name__)

# Rasa waits up to 300 s for an action: far too long for a worried parent.
TURN_TIMEOUT_SECONDS = 30.0
FLOOD_TEXT_KEY = "flood_pause"  # optional guidance item, said before the 999/111 line

Deliver = Callable[[List[str]], Awaitable[bool]]
Message = Dict[str, Any]


@dataclass(frozen=True)
class Inbound:
    """One message from a parent, as every channel describes it."""

    channel: str  # the input channel: "twilio" or "telegram"
    service: str  # "sms", "whatsapp" or "telegram" (logs, metadata)
    raw_sender: str  # where replies go: phone number or chat id as the service gave it
    message_id: str  # MessageSid or update_id: the same id on a retried webhook
    text: Optional[str]  # what the parent typed (None: nothing)
    limit: int  # the service's longest message
    supported: bool = True  # False: photo, location, group, edited message ... (ask for text)
    metadata: Dict[str, Any] = field(default_factory=dict)

    @property
    def sender_key(self) -> str:
        return f"{self.channel}:{self.raw_sender}"

    @property
    def who(self) -> str:
        return log_id(self.channel, self.raw_sender)


def has_emergency_sign(text: Optional[str]) -> bool:
    if not text:
        return False
    try:
        return assess(text).level >= Level.EMERGENCY
    except Exception:
        logger.exception("safety engine failed in the messaging relay")
        return False


def unsupported_reply(text: Optional[str]) -> List[Message]:
    """For what the bot cannot read: ask for typed words, unless an emergency sign is already there."""
    if has_emergency_sign(text):
        return [replies.emergency_first()]
    return [replies.message("ask_for_text", "safety_line")]


def flood_reply() -> List[Message]:
    if load_guidance().has_text(FLOOD_TEXT_KEY):
        return [replies.message(FLOOD_TEXT_KEY, "safety_line")]
    return [replies.message("safety_line")]


class ReplyCollector(CollectingOutputChannel):
    """Collects the bot's replies for one turn, named after the real channel so that
    responses with `channel: twilio` or `channel: telegram` variants pick them."""

    def __init__(self, channel: str) -> None:
        super().__init__()
        self.channel = channel

    def name(self) -> str:  # type: ignore[override]
        return self.channel


class SenderLocks:
    """One asyncio lock per sender, dropped when nobody waits: turns run in arrival order."""

    def __init__(self) -> None:
        self._locks: Dict[str, Tuple[asyncio.Lock, int]] = {}

    def __len__(self) -> int:
        return len(self._locks)

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class Relay:
    def __init__(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        flood: FloodGuard,
        seen: Optional[SeenMessages] = None,
        buttons: Optional[ButtonMemory] = None,
        turn_timeout: float = TURN_TIMEOUT_SECONDS,
    ) -> None:
        self.handler = guarded(on_new_message)
        self.flood = flood
        self.seen: SeenMessages = seen or InMemorySeenMessages()
        self.buttons: ButtonMemory = buttons or InMemoryButtonMemory()
        self.turn_timeout = turn_timeout
        self.locks = SenderLocks()
        self.tasks: Set[asyncio.Task[None]] = set()

    # --- inside the webhook request ------------------------------------------
    def accept(self, inbound: Inbound, deliver: Deliver) -> str:
        """Decide what happens to a verified message and queue it; returns the outcome for logs."""
        if not self.seen.first_time(f"{inbound.channel}:{inbound.message_id}"):
            logger.info("%s: message %s already handled (retried webhook); ignored", inbound.who, inbound.message_id)
            return "duplicate"
        verdict = self.flood.check(inbound.sender_key)
        if verdict is Verdict.THROTTLE:
            logger.warning("%s: more than %d messages in %g s; blocked for %g s", inbound.who,
                           self.flood.settings.max_messages, self.flood.settings.window_seconds,
                           self.flood.settings.block_seconds)  # fmt: skip
            self._spawn(self.send_fixed(inbound, flood_reply(), deliver))
            return "throttled"
        if verdict is Verdict.DROP:
            if has_emergency_sign(inbound.text) and self.flood.emergency_allowed(inbound.sender_key):
                logger.warning(
                    "%s: blocked for flooding, but the message has an emergency sign: 999 text sent", inbound.who
                )
                self._spawn(self.send_fixed(inbound, [replies.emergency_first()], deliver))
                return "emergency"
            logger.warning("%s: blocked for flooding; message dropped", inbound.who)
            return "dropped"
        self._spawn(self.run_turn(inbound, deliver))
        return "queued"

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def drain(self) -> None:
        """Wait for every queued turn (tests, shutdown)."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

    # --- in the background ---------------------------------------------------------
    async def send_fixed(self, inbound: Inbound, messages: List[Message], deliver: Deliver) -> None:
        async with self.locks.hold(inbound.sender_key):
            await self._deliver(inbound, render_reply(messages, inbound.limit).parts, deliver)

    async def run_turn(self, inbound: Inbound, deliver: Deliver) -> None:
        async with self.locks.hold(inbound.sender_key):
            sender = conversation_id(inbound.channel, inbound.raw_sender)
            try:
                if inbound.supported and inbound.text:
                    messages = await self._bot_messages(inbound, sender)
                else:
                    messages = unsupported_reply(inbound.text)
                rendered = render_reply(messages, inbound.limit)
                if inbound.supported:
                    self.buttons.remember(sender, rendered.payloads)
                parts = rendered.parts
            except Exception:
                logger.exception("%s: rendering the reply failed; sending the fixed guidance", inbound.who)
                parts = render_reply(missing_guidance(inbound.text or "", []), inbound.limit).parts
            await self._deliver(inbound, parts, deliver)

    async def _bot_messages(self, inbound: Inbound, sender: str) -> List[Message]:
        text = inbound.text or ""
        payload = self.buttons.resolve(sender, text)
        if payload is not None:
            logger.debug("%s: option %r stands for %r", inbound.who, text, payload)
            text = payload
        collector = ReplyCollector(inbound.channel)
        message = UserMessage(text, collector, sender, input_channel=inbound.channel,
                              message_id=inbound.message_id, metadata=dict(inbound.metadata) or None)  # fmt: skip
        turn = asyncio.ensure_future(self.handler(message))
        done, _ = await asyncio.wait({turn}, timeout=self.turn_timeout)
        if not done:
            # Let Rasa finish in the background (cancelling could leave its lock held); the
            # parent gets the fixed text now, and the late answer is dropped.
            logger.error(
                "%s: the bot did not answer within %g s; sending the fixed guidance", inbound.who, self.turn_timeout
            )
            turn.add_done_callback(lambda t: t.cancelled() or t.exception())
            return missing_guidance(text, [])
        turn.result()
        return list(collector.messages)

    async def _deliver(self, inbound: Inbound, parts: List[str], deliver: Deliver) -> None:
        if not parts:
            logger.error("%s: nothing to send (this should not happen); sending the failure text", inbound.who)
            parts = render_reply([replies.failure()], inbound.limit).parts
        try:
            sent = await deliver(parts)
        except Exception:
            logger.exception("%s: sending the reply through %s failed", inbound.who, inbound.service)
            return
        if not sent:
            logger.error("%s: %s did not accept every part of the reply", inbound.who, inbound.service)
