"""Custom actions, run with a CollectingDispatcher on trackers built from small dicts."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.escalation import ActionEscalate
from actions.fallback import ActionFallback
from actions.films import ActionFilms
from actions.safety_net import ActionSafetyNet
from actions.triage import ActionTriage
from bot.guidance import load_guidance
from bot.replies import REASSURANCE_KEYS

EMERGENCY_TEXT = load_guidance().text("emergency.call_999")


def tracker(intent: str = "describe_sick_child", text: str = "", **slots: Any) -> Tracker:
    values: Dict[str, Any] = {"triage_level": "none", "message_level": "none"}
    values.update(slots)
    return Tracker.from_dict(
        {
            "sender_id": "test",
            "slots": values,
            "latest_message": {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


async def run(action: Any, state: Tracker) -> tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, state, {})
    return dispatcher.messages, events


def texts(messages: List[Dict[str, Any]]) -> List[str]:
    out = []
    for message in messages:
        out.append(message.get("text") or (message.get("custom") or {}).get("text") or "")
    return out


def slot(events: List[Dict[str, Any]], name: str) -> Optional[Any]:
    return next((e["value"] for e in events if e.get("event") == "slot" and e.get("name") == name), None)


@pytest.mark.hazard("H02")
async def test_triage_gives_guidance_first_then_asks_only_for_the_missing_age() -> None:
    messages, events = await run(
        ActionTriage(), tracker(triage_level="advice", message_level="advice", child_described=True, temperature_c=38.4)
    )
    said = texts(messages)
    # No reassurance before the emergency signs are screened: what to do if a sign is there, then ask.
    assert messages[0]["guidance_keys"] == ["advice.screen_first"]
    assert "999" in said[0] and "111" in said[0]
    assert not any(set(m.get("guidance_keys", [])) & REASSURANCE_KEYS for m in messages)
    assert "How old is your child?" in said[-1]
    assert slot(events, "awaiting") == "age"


@pytest.mark.hazard("H18")
async def test_no_reassurance_or_home_care_film_until_the_emergency_signs_are_screened() -> None:
    unscreened = tracker(
        triage_level="advice", message_level="advice", child_described=True, age_months=24, temperature_c=38.3,
        asked=["advice", "age", "red_flags", "temperature", "feeding", "wee"],
    )  # fmt: skip
    messages, _ = await run(ActionTriage(), unscreened)
    keys = [k for m in messages for k in m.get("guidance_keys", [])]
    assert not set(keys) & REASSURANCE_KEYS and "film:fever_at_home" not in keys
    screened = tracker(
        triage_level="advice", message_level="advice", child_described=True, age_months=24, temperature_c=38.3,
        asked=["advice", "age", "red_flags", "feeding", "wee"], screened=True,
    )  # fmt: skip
    messages, _ = await run(ActionTriage(), screened)
    assert messages[0]["guidance_keys"] == ["advice.well_child"]
    # NHS 111's order: while a question is still to ask, no disposition yet
    half_way = tracker(
        triage_level="advice", message_level="advice", child_described=True, age_months=24, temperature_c=38.3,
        asked=["advice", "age", "red_flags"], screened=True,
    )  # fmt: skip
    messages, _ = await run(ActionTriage(), half_way)
    assert not any(set(m.get("guidance_keys", [])) & REASSURANCE_KEYS for m in messages)


@pytest.mark.hazard("H18")
async def test_a_young_baby_is_not_reassured_before_the_temperature_is_asked() -> None:
    state = tracker(
        triage_level="advice", message_level="advice", child_described=True, age_months=1.5,
        asked=["advice", "age", "red_flags"], screened=True,
    )  # fmt: skip
    messages, events = await run(ActionTriage(), state)
    assert not any(set(m.get("guidance_keys", [])) & REASSURANCE_KEYS for m in messages)
    assert slot(events, "awaiting") == "temperature"


async def test_triage_asks_the_red_flag_checklist_with_quick_replies_when_nothing_else_is_missing() -> None:
    state = tracker(
        intent="deny", triage_level="advice", message_level="advice", child_described=True, age_months=24,
        temperature_c=38.3, asked=["advice", "age", "temperature", "feeding", "wee"],
    )  # fmt: skip
    messages, events = await run(ActionTriage(), state)
    checklist = next(m for m in messages if m.get("buttons"))
    assert [b["title"] for b in checklist["buttons"]][0] == "None of these"
    assert any("glass" in b["title"] for b in checklist["buttons"])
    assert slot(events, "awaiting") == "red_flags"
    assert any("111" in t or "999" in t for t in texts(messages))


async def test_triage_for_an_older_child_skips_the_nappy_questions() -> None:
    state = tracker(triage_level="advice", message_level="advice", child_described=True, age_months=96,
                    temperature_c=38.5, asked=["advice"])  # fmt: skip
    _, events = await run(ActionTriage(), state)
    assert slot(events, "awaiting") == "red_flags"


async def test_a_well_child_at_the_end_gets_the_safety_net_and_the_home_care_film() -> None:
    state = tracker(
        intent="deny", triage_level="advice", message_level="advice", child_described=True, age_months=24,
        temperature_c=38.3, asked=["advice", "age", "temperature", "feeding", "wee", "red_flags"], screened=True,
    )  # fmt: skip
    messages, _ = await run(ActionTriage(), state)
    assert any(m.get("custom", {}).get("key") == "fever_at_home" for m in messages)
    assert any("safety_net" in m.get("guidance_keys", []) for m in messages)


@pytest.mark.hazard("H01")
async def test_urgent_triage_leads_with_111_and_says_why() -> None:
    state = tracker(triage_level="urgent", message_level="urgent", child_described=True,
                    signs_found=["infant_high_fever"], age_months=4, temperature_c=39.2)  # fmt: skip
    messages, events = await run(ActionTriage(), state)
    said = texts(messages)
    assert said[0].startswith("Call NHS 111 now or see a GP today")
    assert "3 to 6 months" in said[1]
    assert slot(events, "awaiting") == "red_flags"


@pytest.mark.hazard("H01")
async def test_escalation_names_the_signs_and_asks_nothing_more() -> None:
    state = tracker(intent="report_emergency_sign", triage_level="emergency", message_level="emergency",
                    signs_found=["non_blanching_rash"])  # fmt: skip
    messages, events = await run(ActionEscalate(), state)
    # without the Rasa server's fixed text before it, the composer still leads with 999
    assert texts(messages)[0].startswith("Call 999 now or go to A&E")
    assert "do not fade when a glass is pressed" in " ".join(texts(messages))
    assert slot(events, "awaiting") is None
    assert not any(m.get("buttons") for m in messages)


@pytest.mark.hazard("H02")
@pytest.mark.parametrize(
    "level,first",
    [
        ("emergency", EMERGENCY_TEXT[:20]),
        ("urgent", "Call NHS 111"),
        ("advice", "Keep checking on your child"),
        ("none", "You are welcome"),
    ],
)
async def test_thanks_and_goodbye_always_end_with_the_right_safety_net(level: str, first: str) -> None:
    messages, _ = await run(ActionSafetyNet(), tracker(intent="thank", triage_level=level))
    said = " ".join(texts(messages))
    assert texts(messages)[0].startswith(first)
    assert "999" in said or "111" in said


async def test_films_are_cards_with_title_audience_and_link() -> None:
    messages, events = await run(ActionFilms(), tracker(intent="ask_films"))
    cards = [m["custom"] for m in messages if m.get("custom", {}).get("type") == "film_card"]
    assert [c["key"] for c in cards] == ["spotting_signs", "spotting_signs_ae", "fever_at_home"]
    assert all(c["title"] and c["audience"] and c["url"].startswith("https://") for c in cards)
    assert "111" in " ".join(texts(messages))
    assert sorted(slot(events, "films_shown")) == sorted(c["key"] for c in cards)


async def test_sent_home_from_ae_is_offered_the_ae_edition() -> None:
    messages, _ = await run(ActionFilms(), tracker(intent="sent_home_from_ae"))
    cards = [m["custom"]["key"] for m in messages if m.get("custom")]
    assert cards == ["spotting_signs_ae"]


@pytest.mark.hazard("H02")
async def test_fallback_still_escalates() -> None:
    messages, _ = await run(ActionFallback(), tracker(intent="nlu_fallback", text="🙂🙂"))
    assert "999" in texts(messages)[0] and "111" in texts(messages)[0]


async def test_fallback_for_a_described_child_triages() -> None:
    messages, _ = await run(
        ActionFallback(),
        tracker(intent="nlu_fallback", triage_level="advice", message_level="advice", child_described=True),
    )
    assert messages[0]["guidance_keys"] == ["advice.screen_first"]
