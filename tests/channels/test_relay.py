"""The shared messaging pipeline, with a stand-in for Rasa's message handler."""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Dict, List

import pytest
from rasa.core.channels.channel import UserMessage

from bot import replies
from bot.channels.flood import FloodGuard
from bot.channels.relay import Inbound, Relay
from bot.channels.render import SMS_LIMIT
from bot.channels.settings import FloodSettings

EMERGENCY = replies.emergency_first()["text"]
SAFETY_LINE = replies.message("safety_line")["text"]
ASK_FOR_TEXT = replies.message("ask_for_text", "safety_line")["text"]
_ids = iter(range(1, 10_000))


class Outbox:
    def __init__(self) -> None:
        self.sent: List[List[str]] = []

    async def deliver(self, parts: List[str]) -> bool:
        self.sent.append(parts)
        return True

    @property
    def texts(self) -> List[str]:
        return ["\n\n".join(parts) for parts in self.sent]


def inbound(text: Any, sender: str = "+447700900001", **extra: Any) -> Inbound:
    values: Dict[str, Any] = dict(channel="twilio", service="sms", raw_sender=sender, message_id=f"SM{next(_ids)}",
                                  text=text, limit=SMS_LIMIT)  # fmt: skip
    values.update(extra)
    return Inbound(**values)


def bot(answer: Callable[[str], List[Dict[str, Any]]], seen: List[str]) -> Callable[[UserMessage], Any]:
    async def on_new_message(message: UserMessage) -> None:
        seen.append(message.text)
        for reply in answer(message.text):
            await message.output_channel.send_response(message.sender_id, dict(reply))

    return on_new_message


def relay_for(on_new_message: Callable[[UserMessage], Any], **kwargs: Any) -> Relay:
    flood = kwargs.pop("flood", FloodGuard(FloodSettings(max_messages=100)))
    return Relay(on_new_message, flood, **kwargs)


async def test_numbered_reply_becomes_the_payload_of_the_last_buttons() -> None:
    seen: List[str] = []
    relay = relay_for(bot(lambda text: [replies.question("wee"), replies.message("safety_line")], seen))
    outbox = Outbox()
    relay.accept(inbound("my baby has a fever"), outbox.deliver)
    await relay.drain()
    assert "1. Yes\n2. No" in outbox.texts[0]
    relay.accept(inbound("2"), outbox.deliver)
    await relay.drain()
    assert seen == ["my baby has a fever", replies.question("wee")["buttons"][1]["payload"]]


async def test_bot_failure_still_sends_the_fixed_text() -> None:
    async def broken(message: UserMessage) -> None:
        raise RuntimeError("action server down")

    relay = relay_for(broken)
    outbox = Outbox()
    relay.accept(inbound("my child has a cough"), outbox.deliver)
    relay.accept(inbound("my baby is floppy and wont wake up"), outbox.deliver)
    await relay.drain()
    assert outbox.texts[0] == replies.failure()["text"]
    assert outbox.texts[1].startswith(EMERGENCY)


async def test_a_bot_that_takes_too_long_gets_the_fixed_text_in_time() -> None:
    async def slow(message: UserMessage) -> None:
        await asyncio.sleep(5)

    relay = relay_for(slow, turn_timeout=0.2)
    outbox = Outbox()
    relay.accept(inbound("my baby is floppy and wont wake up"), outbox.deliver)
    await asyncio.wait_for(relay.drain(), timeout=3)
    assert outbox.texts[0].startswith(EMERGENCY)


async def test_emergency_text_goes_first_even_if_the_bot_put_it_later() -> None:
    relay = relay_for(bot(lambda text: [{"text": "Thanks for telling me."}], []))
    outbox = Outbox()
    relay.accept(inbound("my baby is floppy and wont wake up"), outbox.deliver)
    await relay.drain()
    assert outbox.sent[0][0].startswith(EMERGENCY)


async def test_unsupported_messages_get_the_ask_for_text_reply_without_the_bot() -> None:
    seen: List[str] = []
    relay = relay_for(bot(lambda text: [], seen))
    outbox = Outbox()
    relay.accept(inbound(None, supported=False), outbox.deliver)
    relay.accept(inbound("my baby is floppy and wont wake up", supported=False), outbox.deliver)
    await relay.drain()
    assert outbox.texts == [ASK_FOR_TEXT, EMERGENCY]
    assert seen == []


async def test_a_repeated_message_id_is_handled_once() -> None:
    seen: List[str] = []
    relay = relay_for(bot(lambda text: [replies.message("safety_line")], seen))
    outbox = Outbox()
    message = inbound("hello")
    assert relay.accept(message, outbox.deliver) == "queued"
    assert relay.accept(message, outbox.deliver) == "duplicate"
    await relay.drain()
    assert len(outbox.sent) == 1 and seen == ["hello"]


async def test_flooding_gets_one_short_reply_then_silence_except_one_emergency() -> None:
    seen: List[str] = []
    relay = relay_for(bot(lambda text: [replies.message("safety_line")], seen),
                      flood=FloodGuard(FloodSettings(max_messages=2, window_seconds=60, block_seconds=300)))  # fmt: skip
    outbox = Outbox()
    outcomes = [relay.accept(inbound(f"message {n}"), outbox.deliver) for n in range(4)]
    outcomes.append(relay.accept(inbound("my baby is floppy and wont wake up"), outbox.deliver))
    outcomes.append(relay.accept(inbound("my baby is floppy and wont wake up"), outbox.deliver))
    await relay.drain()
    assert outcomes == ["queued", "queued", "throttled", "dropped", "emergency", "dropped"]
    assert seen == ["message 0", "message 1"]
    assert outbox.texts[2] == SAFETY_LINE
    assert outbox.texts[3] == EMERGENCY
    assert len(outbox.sent) == 4


async def test_turns_of_one_sender_are_answered_in_order() -> None:
    async def on_new_message(message: UserMessage) -> None:
        await asyncio.sleep(0.3 if message.text == "first" else 0)
        await message.output_channel.send_response(message.sender_id, {"text": f"{message.text} 111"})

    relay = relay_for(on_new_message)
    outbox = Outbox()
    relay.accept(inbound("first"), outbox.deliver)
    relay.accept(inbound("second"), outbox.deliver)
    await relay.drain()
    assert outbox.texts == ["first 111", "second 111"]
    assert len(relay.locks) == 0


async def test_a_failing_service_api_does_not_break_the_relay() -> None:
    async def deliver(parts: List[str]) -> bool:
        raise ConnectionError("service down")

    relay = relay_for(bot(lambda text: [replies.message("safety_line")], []))
    relay.accept(inbound("hello"), deliver)
    await relay.drain()


@pytest.mark.parametrize("text", ["", "   "])
async def test_blank_text_is_treated_as_unsupported(text: str) -> None:
    seen: List[str] = []
    relay = relay_for(bot(lambda t: [], seen))
    outbox = Outbox()
    relay.accept(inbound(text), outbox.deliver)
    await relay.drain()
    assert outbox.texts == [ASK_FOR_TEXT] and seen == []


async def test_the_bot_sees_the_real_channel_name() -> None:
    names: List[str] = []

    async def on_new_message(message: UserMessage) -> None:
        names.append(message.output_channel.name())
        await message.output_channel.send_response(message.sender_id, {"text": "hello 111"})

    relay = relay_for(on_new_message)
    outbox = Outbox()
    relay.accept(inbound("hello", channel="telegram"), outbox.deliver)
    await relay.drain()
    assert names == ["telegram"]
