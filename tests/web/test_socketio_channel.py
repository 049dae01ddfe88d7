"""The socket.io output: what each bot_uttered carries (fast, no servers, no browser).

Messages are built the way Rasa's processor hands them to the output channel: a rasa_sdk
message turned into a BotUttered (create_bot_utterance) and back (BotUttered.message()).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Coroutine, Dict, List, Tuple

import pytest
from rasa.core.actions.action import create_bot_utterance

from bot.channels.socketio import SafeSocketIOOutput

ROOM = "session-1"
HANDOVER = {
    "type": "handover_card",
    "title": "What to tell the call handler",
    "lines": ["Age: 2 years", "Temperature: 39.4C (taken 10 minutes ago)"],
    "text": "What to tell the call handler\n- Age: 2 years\n- Temperature: 39.4C (taken 10 minutes ago)",
    "guidance_keys": ["handover.card"],
    "level": "urgent",
}
FILM = {"type": "film_card", "key": "fever_at_home", "title": "Caring for Children with Fever at Home",
        "url": "https://example.org/film", "guidance_keys": ["film:fever_at_home"]}  # fmt: skip


class RecordingServer:
    """Stands in for socketio.AsyncServer: keeps what would be emitted."""

    def __init__(self) -> None:
        self.emitted: List[Tuple[str, Any, str]] = []

    async def emit(self, event: str, data: Any = None, room: str = "", **kwargs: Any) -> None:
        assert not kwargs, f"unexpected emit arguments: {kwargs}"
        self.emitted.append((event, data, room))


def as_rasa_hands_it(sdk_message: Dict[str, Any]) -> Dict[str, Any]:
    return create_bot_utterance(dict(sdk_message)).message()


def sent(*sdk_messages: Dict[str, Any]) -> List[Dict[str, Any]]:
    """What the browser receives for these messages (bot_uttered data, in order)."""
    return run(emitted(*sdk_messages))


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    # In a thread of its own: the browser tests' Playwright keeps an event loop in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def emitted(*sdk_messages: Dict[str, Any]) -> List[Dict[str, Any]]:
    server = RecordingServer()
    output = SafeSocketIOOutput(server, "bot_uttered")  # type: ignore[arg-type]
    for message in sdk_messages:
        await output.send_response(ROOM, as_rasa_hands_it(message))
    assert {(event, room) for event, _, room in server.emitted} <= {("bot_uttered", ROOM)}
    return [data for _, data, _ in server.emitted]


def test_a_text_message_carries_its_guidance_keys_and_level() -> None:
    text = "Call 999 now or go to A&E."
    assert sent({"text": text, "guidance_keys": ["emergency.call_999"], "level": "emergency"}) == [
        {"text": text, "guidance_keys": ["emergency.call_999"], "level": "emergency"}
    ]


def test_a_message_without_metadata_is_sent_as_plain_text() -> None:
    assert sent({"text": "Call 999 if an emergency sign appears."}) == [
        {"text": "Call 999 if an emergency sign appears."}
    ]


@pytest.mark.parametrize("level", ["EMERGENCY", "red", 4, None, ["emergency"]])
def test_a_level_outside_the_five_is_not_passed_on(level: Any) -> None:
    [data] = sent({"text": "Hello", "guidance_keys": "safety_line", "level": level})
    assert data == {"text": "Hello"}


def test_buttons_go_on_the_last_part_and_every_part_keeps_the_metadata() -> None:
    buttons = [{"title": "Yes", "payload": "yes"}, {"title": "No", "payload": "no"}]
    message = {"text": "First part.\n\nIs she feeding?", "buttons": buttons,
               "guidance_keys": ["question.feeding"], "level": "none"}  # fmt: skip
    metadata = {"guidance_keys": ["question.feeding"], "level": "none"}
    assert sent(message) == [
        {"text": "First part.", "quick_replies": [], **metadata},
        {
            "text": "Is she feeding?",
            "quick_replies": [{"content_type": "text", "title": b["title"], "payload": b["payload"]} for b in buttons],
            **metadata,
        },
    ]


def test_quick_replies_are_sent_like_buttons() -> None:
    quick = [{"title": "Yes", "payload": "yes"}]
    [data] = sent({"text": "Is she feeding?", "quick_replies": quick, "level": "none"})
    assert data["quick_replies"] == [{"content_type": "text", "title": "Yes", "payload": "yes"}]
    assert data["level"] == "none"


def test_a_film_card_is_the_bot_uttered_data_itself() -> None:
    assert sent({"custom": FILM, "guidance_keys": ["film:fever_at_home"]}) == [FILM]


def test_a_handover_card_keeps_its_own_level_over_the_messages() -> None:
    [data] = sent({"custom": HANDOVER, "guidance_keys": ["handover.card"], "level": "none"})
    assert data == HANDOVER


def test_a_card_without_metadata_takes_the_messages() -> None:
    card = {key: value for key, value in HANDOVER.items() if key not in ("guidance_keys", "level")}
    [data] = sent({"custom": card, "guidance_keys": ["handover.card"], "level": "urgent"})
    assert data == {**card, "guidance_keys": ["handover.card"], "level": "urgent"}
    assert "level" not in card, "the action's payload is not changed"


def test_text_and_card_in_one_message_are_two_bot_uttered_in_order() -> None:
    [text, card] = sent({"text": HANDOVER["text"], "custom": HANDOVER, "level": "none"})
    assert text == {"text": HANDOVER["text"], "level": "none"}
    assert card == HANDOVER
