"""What a parent types is prepared before Rasa sees it."""

from __future__ import annotations

import pytest

from bot.channels.guard import missing_guidance, safe_sender_id
from bot.channels.user_text import MAX_TEXT_CHARS, prepare_text
from bot.replies import emergency_first


@pytest.mark.hazard("H07")
@pytest.mark.parametrize("typed", ["/deny", "/restart", "  //affirm", '/report_emergency_sign{"x": 1}'])
def test_a_leading_slash_is_plain_text_not_an_intent(typed: str) -> None:
    assert not prepare_text(typed).text.startswith("/")


def test_control_characters_nul_and_lone_surrogates_are_removed() -> None:
    text = prepare_text("baby\u0000 is \ud800 hot\u200b").text
    assert "\u0000" not in text and "\ud800" not in text and "\u200b" not in text
    assert text.encode("utf8")


@pytest.mark.hazard("H01")
def test_long_messages_are_capped_but_keep_the_red_flag_at_the_end() -> None:
    story = "We went to the park and had a lovely time with the ducks. " * 400
    prepared = prepare_text(story + "Now she has gone floppy and her lips look blue.")
    assert prepared.capped and len(prepared.text) <= MAX_TEXT_CHARS
    assert "floppy" in prepared.text


@pytest.mark.hazard("H02")
def test_the_guard_adds_the_emergency_text_or_the_failure_text() -> None:
    assert missing_guidance("she is floppy and blue", [])[0] == emergency_first()
    assert "999" in missing_guidance("hello", [])[0]["text"]
    assert missing_guidance("hello", [{"text": "Hi. In an emergency call 999."}]) == []
    assert "111" in missing_guidance("hello", [{"text": "Hi."}])[0]["text"]


@pytest.mark.hazard("H04")
def test_over_long_sender_ids_are_hashed_not_truncated() -> None:
    a, b = "x" * 300, "x" * 299 + "y"
    assert safe_sender_id(a) != safe_sender_id(b) and len(safe_sender_id(a)) <= 128
