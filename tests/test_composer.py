"""The one reply composer (bot/composer.py), turn by turn, without Rasa."""

from __future__ import annotations

from typing import Any, List

import pytest

from bot import answers
from bot.composer import LONG_MESSAGE, Turn, compose
from bot.dialogue import person
from bot.replies import REASSURANCE_KEYS, message_keys, message_text
from bot.safety.levels import Level


def keys(messages: List[dict]) -> List[str]:
    return [k for m in messages for k in message_keys(m)]


def turn(**values: Any) -> Turn:
    values.setdefault("level", Level.ADVICE)
    values.setdefault("message_level", values["level"])
    return Turn(**values)


@pytest.mark.hazard("H01")
def test_a_question_during_an_emergency_is_answered_after_the_999_line_without_repeating_it() -> None:
    first = compose(turn(level=Level.EMERGENCY, text="she is floppy", signs=["floppy"], emergency_sent=True))
    later = compose(turn(level=Level.EMERGENCY, text="should i give her calpol first?", signs=["floppy"],
                         said=first.said, asked=first.asked))  # fmt: skip
    assert message_keys(later.messages[0]) == ["emergency.reminder"]  # 999 first, the short line
    assert "answer.medicines.emergency" in keys(later.messages)
    assert "signs_you_told_me" not in keys(later.messages)  # nothing new to list
    assert all(
        len(message_text(m)) <= LONG_MESSAGE or message_text(m) not in {message_text(x) for x in first.messages}
        for m in later.messages
    )


def test_no_long_message_is_sent_twice_and_a_repeated_question_gets_a_short_answer() -> None:
    said: List[str] = []
    asked: List[str] = []
    sent: List[str] = []
    for text in ["how do i take her temperature?", "how do i take her temperature?", "thanks", "thanks"]:
        result = compose(turn(level=Level.NONE, text=text, said=said, asked=asked))
        said, asked = result.said, result.asked
        for m in result.messages:
            body = message_text(m)
            assert not (len(body) > LONG_MESSAGE and body in sent), body
            sent.append(body)
    second = compose(turn(level=Level.NONE, text="how do i take her temperature?", said=said, asked=asked))
    assert "chat.more_above" in keys(second.messages)


@pytest.mark.hazard("H18")
def test_worry_is_heard_kindly_and_the_turn_leads_with_111() -> None:
    result = compose(turn(level=Level.URGENT, text="i'm really worried, she's just not right",
                          signs=["parent_concern"], age_months=60))  # fmt: skip
    assert message_keys(result.messages[0])[0] == "urgent.call_111"
    assert "chat.ack_worry" in keys(result.messages)
    assert not set(keys(result.messages)) & REASSURANCE_KEYS


@pytest.mark.parametrize("months,key", [(36, "urgent.how_111.under_5"), (72, "urgent.how_111.five_plus"),
                                        (None, "urgent.how_111.unknown_age")])  # fmt: skip
def test_the_111_advice_follows_the_childs_age(months: Any, key: str) -> None:
    result = compose(turn(level=Level.URGENT, text="she has had a fever for 5 days", age_months=months))
    assert key in keys(result.messages)


def test_an_adult_about_themselves_is_spoken_to_as_you() -> None:
    about = person.about_now("I had my appendix out last week and now I have a fever", None, None)
    assert about == person.SELF
    result = compose(turn(level=Level.URGENT, text="what should i do", about=about, signs=["higher_risk"]))
    body = " ".join(message_text(m) for m in result.messages)
    assert "urgent.call_111.self" in keys(result.messages)
    assert "your child" not in body.lower()


def test_the_subject_is_not_changed_by_someone_merely_mentioned() -> None:
    assert person.about_now("ok my son is going to drive me there", None, person.SELF) == person.SELF
    assert person.about_now("my partner says wait till the morning", 24, person.CHILD) == person.CHILD
    assert person.about_now("I'm a practice nurse, a mum brought her 2 year old in", None, None) == person.OTHER


def test_the_handover_card_holds_only_what_the_parent_said() -> None:
    result = compose(turn(level=Level.EMERGENCY, text="gave her calpol at 6", signs=["floppy"], age_months=24,
                          temperature_c=39.4, temperature_at="21:14", medicines_given=["gave her calpol at 6"],
                          emergency_sent=True))  # fmt: skip
    cards = [m["custom"] for m in result.messages if (m.get("custom") or {}).get("type") == "handover_card"]
    assert len(cards) == 1
    lines = " | ".join(cards[0]["lines"])
    assert "2 years" in lines and "39.4C" in lines and "21:14" in lines and "gave her calpol at 6" in lines
    assert "days" not in lines  # no duration was given


def test_reassurance_only_after_every_question_and_the_screening() -> None:
    screened = turn(
        text="none of these",
        age_months=24,
        temperature_c=38.3,
        screened=True,
        asked=["advice", "age", "red_flags", "feeding", "wee"],
        child_described=True,
    )
    assert "advice.well_child" in keys(compose(screened).messages)
    not_screened = turn(
        text="no",
        age_months=24,
        temperature_c=38.3,
        asked=["advice", "age", "red_flags", "feeding", "wee"],
        child_described=True,
    )
    assert not set(keys(compose(not_screened).messages)) & REASSURANCE_KEYS


@pytest.mark.parametrize("text,topic", [
    ("can she have a bath to cool her down?", "bath_clothing"),
    ("is it just her teeth coming through?", "teething"),
    ("what do I do if he starts fitting", "fit_first_aid"),
    ("is 38.4 high for a 5 year old", "fever_by_age"),
    ("should we ring his dad before we go", "dont_delay"),
    ("can her brother catch it", "contagious"),
    ("what do i tell the ambulance crew", "handover"),
])  # fmt: skip
def test_question_topics_are_read_from_concepts(text: str, topic: str) -> None:
    assert topic in answers.find_topics(text)


def test_a_statement_is_not_a_question_about_first_aid() -> None:
    assert "fit_first_aid" not in answers.find_topics("she had a fit at the checkout over sweets")


def test_every_topic_the_reader_can_find_has_an_answer_at_every_level_for_every_person() -> None:
    from bot.composer import answer

    topics = {name for name, _pattern, _gated in answers.TOPICS} | set(answers.INTENT_TOPICS.values())
    for topic in sorted(topics):
        for level in (Level.NONE, Level.ADVICE, Level.URGENT, Level.EMERGENCY):
            for about in (person.CHILD, person.SELF, person.OTHER):
                out = answer(turn(level=level, text="?", about=about, age_months=30), topic)
                assert topic == "handover" or out, (topic, level, about)
                assert all(message_text(m) for m in out)


def test_a_composer_failure_still_sends_the_levels_line() -> None:
    from bot.composer import minimal_reply

    emergency = minimal_reply(turn(level=Level.EMERGENCY, text="x"))
    assert message_keys(emergency[0]) == ["emergency.reminder"]
    assert message_keys(minimal_reply(turn(level=Level.URGENT, text="x"))[0]) == ["urgent.reminder"]
