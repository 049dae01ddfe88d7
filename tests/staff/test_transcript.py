"""Events -> transcript -> conversation summary (the review-queue reasons), no database."""

from __future__ import annotations

import json

import pytest

from bot.staff import indexer, levels
from bot.staff.transcript import parse_events
from tests.staff.builder import Conversation, advice, emergency, finding

START = 1_795_000_000.0


def parsed(convo: Conversation):
    rows = [{"id": i + 1, **row} for i, row in enumerate(convo.rows)]
    return parse_events(convo.sender_id, rows)


def summary(convo: Conversation) -> dict:
    return indexer.summarise(parsed(convo), "k" * 24)


@pytest.mark.slow  # imports bot.safety, which loads spaCy
def test_levels_match_the_safety_engine():
    from bot.safety.levels import Level

    assert levels.LEVELS == tuple(level.label for level in sorted(Level))


def test_turns_hold_text_intent_signs_actions_and_replies():
    transcript = parsed(emergency(START, channel="socketio"))
    assert transcript.turns[0].session_start and transcript.turns[0].user is None
    turn = transcript.turns[1]
    assert turn.user.text == "my baby is floppy and wont wake up"
    assert (turn.user.intent, turn.user.confidence, turn.user.channel) == ("report_emergency_sign", 0.98, "socketio")
    assert [f.sign for f in turn.user.findings] == ["reduced_consciousness"]
    assert turn.emergency and turn.level == "emergency" and turn.triage_rank == levels.EMERGENCY
    assert turn.shown_actions == ["utter_emergency", "action_escalate"]
    assert turn.replies[0].utter_action == "utter_emergency"
    assert transcript.level_rank == levels.EMERGENCY and transcript.channel == "socketio"


def test_texts_are_redacted_for_display():
    convo = Conversation(start=START).user("call me on 07700 900123, NHS 943 476 5919").bot("ok, 07700 900123")
    turn = parsed(convo).turns[1]
    assert turn.user.text == "call me on [PHONE], NHS [NHS_NUMBER]"
    assert turn.replies[0].text == "ok, [PHONE]"


def test_broken_events_are_skipped_not_fatal():
    convo = advice(START)
    convo.rows.insert(4, {**convo.rows[4], "data": "{not json"})
    convo.rows.append({**convo.rows[-1], "type_name": "user", "data": json.dumps({"parse_data": "odd"})})
    transcript = parsed(convo)
    assert transcript.event_count == len(convo.rows)
    assert transcript.turns[-1].user.intent == ""


def test_derived_signs_from_the_signs_found_slot_count_as_red_flags():
    convo = Conversation(start=START).user("my baby has a temp of 38.2", level="advice").triaged("advice")
    convo.user("10 weeks", "give_age", 0.94, level="none").triaged("emergency", ["young_infant_fever"])
    convo.user("ok thank you", "thank", 0.82).triaged("emergency", ["young_infant_fever"])
    transcript = parsed(convo)
    assert [t.new_signs for t in transcript.turns[1:]] == [[], ["young_infant_fever"], []]
    assert summary(convo)["red_flag"] is True
    rows = indexer.sign_rows(transcript)
    assert [(r["sign"], r["kind"], r["level_rank"]) for r in rows] == [("young_infant_fever", "finding", 4)]


def test_a_plain_advice_conversation_is_not_in_the_queue():
    found = summary(advice(START))
    assert found["level_rank"] == levels.rank("advice")
    assert not any(
        found[reason] for reason in ("low_confidence", "fallback", "worse_or_worried", "concern_below_urgent")
    )
    assert found["red_flag"] is False and found["user_turns"] == 1


def test_low_confidence_below_half():
    assert summary(Conversation(start=START).user("none of these", "ask_capabilities", 0.387))["low_confidence"]
    assert not summary(Conversation(start=START).user("none of these", "deny", 0.5))["low_confidence"]


@pytest.mark.parametrize("how", ["nlu_fallback", "action_fallback", "action_default_fallback"])
def test_fallbacks(how):
    convo = Conversation(start=START)
    if how == "nlu_fallback":
        convo.user("asdf qwerty", "nlu_fallback", 0.3)
    else:
        convo.user("what about the moon", "out_of_scope", 0.8).action(how)
    assert summary(convo)["fallback"]


@pytest.mark.parametrize(
    "intent,signs",
    [("still_worried", []), ("describe_sick_child", ["getting_worse"]), ("describe_sick_child", ["parent_concern"])],
)
def test_worse_or_still_worried(intent, signs):
    convo = Conversation(start=START).user(
        "he is getting worse and I am still worried",
        intent,
        0.9,
        level="urgent" if signs else "none",
        findings=[finding(sign, "urgent", "worse") for sign in signs],
    )
    assert summary(convo)["worse_or_worried"]


@pytest.mark.parametrize(
    "kind,text",
    [("negated", "no rash, not floppy"), ("hypothetical", "what if he has a fit"), ("resolved", "the rash has gone")],
)
def test_a_sign_mentioned_while_the_level_stayed_below_urgent(kind, text):
    convo = Conversation(start=START).user(text, level="advice", **{kind: ["non_blanching_rash"]}).triaged("advice")
    assert summary(convo)["concern_below_urgent"]


def test_a_mentioned_sign_does_not_queue_a_conversation_that_reached_urgent():
    convo = Conversation(start=START).user("not floppy", level="advice", negated=["reduced_consciousness"])
    convo.user("she won't feed", level="urgent", findings=[finding("poor_feeding", "urgent", "wont feed")])
    convo.triaged("urgent", ["poor_feeding"])
    assert not summary(convo)["concern_below_urgent"]


def test_a_finding_below_urgent_queues_the_conversation():
    convo = Conversation(start=START).user(
        "a bit off", level="advice", findings=[finding("mild_sign", "advice", "off")]
    )
    assert summary(convo)["concern_below_urgent"]
