"""Rendering the bot's messages for SMS, WhatsApp and Telegram."""

from __future__ import annotations

import re

import pytest

from bot import replies
from bot.channels.render import (
    SMS_LIMIT,
    TELEGRAM_LIMIT,
    WHATSAPP_LIMIT,
    numbered_options,
    render_blocks,
    render_reply,
    split_reply,
    split_text,
    text_length,
)

EMERGENCY = replies.emergency_first()["text"]


def words(text: str) -> list:
    return text.split()


def long_text(chars: int) -> str:
    sentences = []
    n = 0
    while sum(len(s) + 1 for s in sentences) < chars:
        n += 1
        sentences.append(f"Sentence number {n} says something calm about looking after a child at home.")
    return " ".join(sentences)


def test_buttons_become_numbered_options_and_payloads_are_kept() -> None:
    question = replies.question("wee")
    blocks, payloads = render_blocks([question])
    assert blocks == [f"{question['text']}\n1. Yes\n2. No"]
    assert payloads == [b["payload"] for b in question["buttons"]]


def test_numbered_options_use_the_payload_when_a_title_is_missing() -> None:
    assert numbered_options([{"title": "Yes", "payload": "y"}, {"payload": "no thanks"}]) == "1. Yes\n2. no thanks"


def test_a_turn_without_buttons_has_no_payloads() -> None:
    assert render_blocks([replies.message("safety_line")])[1] == []


def test_film_card_is_title_and_link_once() -> None:
    film = replies.film_message("fever_at_home")
    # Rasa delivers the summary text and the card as two messages.
    blocks, _ = render_blocks([{"text": film["text"]}, {"custom": film["custom"]}])
    assert blocks == [f"{film['custom']['title']}\n{film['custom']['url']}"]


def test_films_reply_keeps_order_and_safety_line() -> None:
    rendered = render_reply(replies.films(["spotting_signs", "fever_at_home"]), WHATSAPP_LIMIT)
    assert len(rendered.parts) == 1
    text = rendered.parts[0]
    assert text.index("Spotting the Signs") < text.index("Caring for Children")
    assert text.rstrip().endswith(replies.message("safety_line")["text"])


def test_short_text_is_one_part() -> None:
    assert split_text("Hello. How are you?", SMS_LIMIT) == ["Hello. How are you?"]
    assert split_text("   ", SMS_LIMIT) == []


@pytest.mark.parametrize("limit", [SMS_LIMIT, WHATSAPP_LIMIT, TELEGRAM_LIMIT])
def test_long_reply_splits_at_sentences_under_the_limit_in_order(limit: int) -> None:
    body = long_text(5000)
    text = f"{EMERGENCY}\n\n{body}"
    parts = split_reply(text, limit, EMERGENCY)
    assert 2 <= len(parts) <= text_length(text) // limit + 2
    assert all(text_length(p) <= limit for p in parts)
    assert parts[0].startswith(EMERGENCY)
    assert words(" ".join(parts)) == words(text)  # nothing lost, nothing reordered
    for part in parts:  # every part ends at the end of a sentence
        assert part.rstrip()[-1] in ".!?", part[-40:]


def test_5000_character_sms_reply_has_the_emergency_text_in_the_first_of_four_parts() -> None:
    messages = [replies.emergency_first(), {"text": long_text(5000)}]
    parts = render_reply(messages, SMS_LIMIT).parts
    assert len(parts) == 4
    assert parts[0].startswith(EMERGENCY)
    assert all(len(p) <= SMS_LIMIT for p in parts)


def test_emergency_text_moves_into_the_first_part_if_it_came_late() -> None:
    text = f"{long_text(3000)}\n\n{EMERGENCY}"
    parts = split_reply(text, SMS_LIMIT, EMERGENCY)
    assert EMERGENCY in parts[0]
    assert parts[0].startswith(EMERGENCY)
    assert sum(p.count(EMERGENCY) for p in parts) == 1


def test_paragraph_breaks_are_preferred_and_numbered_lines_stay_whole() -> None:
    question = replies.question("red_flags")
    messages = [{"text": long_text(1400)}, question]
    parts = render_reply(messages, SMS_LIMIT).parts
    assert len(parts) == 2
    assert parts[1].startswith(question["text"])
    assert re.findall(r"^\d\. ", parts[1], flags=re.MULTILINE) == [f"{n}. " for n in range(1, 7)]


def test_a_sentence_longer_than_the_limit_is_cut_at_words_then_characters() -> None:
    sentence = " ".join(["word"] * 600)  # 2,999 characters, no full stop
    parts = split_text(sentence, SMS_LIMIT)
    assert all(len(p) <= SMS_LIMIT for p in parts)
    assert words(" ".join(parts)) == words(sentence)
    giant = "x" * 3500
    assert "".join(split_text(giant, SMS_LIMIT)) == giant


def test_length_counts_utf16_units_like_telegram() -> None:
    assert text_length("abc") == 3
    assert text_length("🙂") == 2
    emoji_text = "🙂 " * 3000
    assert all(text_length(p) <= TELEGRAM_LIMIT for p in split_text(emoji_text, TELEGRAM_LIMIT))


def test_guard_messages_render_as_text() -> None:
    rendered = render_reply([{"recipient_id": "x", **replies.failure()}], SMS_LIMIT)
    assert rendered.parts == [replies.failure()["text"]]
