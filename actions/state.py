"""Read the conversation state the actions need from the tracker."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import composer
from bot.composer import Composed, Turn
from bot.dialogue import person, slots
from bot.replies import KEYS_FIELD, Message
from bot.safety.levels import Level


def latest_intent(tracker: Tracker) -> Optional[str]:
    message = tracker.latest_message or {}
    overridden = message.get("overridden_intent") or {}
    intent = (message.get("intent") or {}).get("name")
    # After a red-flag override the parent's question is still worth answering.
    return overridden.get("name") or intent


EMERGENCY_UTTERANCES = ("utter_emergency", "utter_emergency_treatment_line", "utter_emergency_reminder")


def latest_user_event(tracker: Tracker) -> Dict[str, Any]:
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            return event
    return {}


def emergency_sent_this_turn(tracker: Tracker) -> bool:
    """The Rasa server sent the emergency line since the parent's latest message."""
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") in EMERGENCY_UTTERANCES:
            return True
    return False


def slots_set_this_turn(tracker: Tracker) -> List[str]:
    """Slots the SafetyPolicy changed for the latest message (it sets only what changed)."""
    names: List[str] = []
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            break
        if event.get("event") == "slot" and event.get("name"):
            names.append(str(event["name"]))
    return names


def turn_from_tracker(tracker: Tracker) -> Turn:
    message = tracker.latest_message or {}
    safety = message.get("safety") if isinstance(message.get("safety"), dict) else {}
    intent = message.get("intent") or {}
    overridden = message.get("overridden_intent") or {}
    name = overridden.get("name") or intent.get("name")
    confidence = float((overridden or intent).get("confidence") or 0)
    changed = slots_set_this_turn(tracker)
    new_facts = [
        fact
        for fact, key in (
            ("age", slots.AGE_MONTHS),
            ("temperature", slots.TEMPERATURE_C),
            ("fever_days", slots.FEVER_DAYS),
        )
        if key in changed
    ]
    text = str(message.get("text") or "")
    age = tracker.get_slot(slots.AGE_MONTHS)
    about = person.about_now(text, age, tracker.get_slot(slots.ABOUT))
    medicines = list(tracker.get_slot(slots.MEDICINES_GIVEN) or [])
    for said in composer.medicines_said(text):
        if said not in medicines:
            medicines.append(said)
    temperature_at = tracker.get_slot(slots.TEMPERATURE_AT)
    if safety.get("temperature_c") is not None:
        temperature_at = composer.now_hhmm(latest_user_event(tracker).get("timestamp"))
    return Turn(
        level=Level.parse(tracker.get_slot(slots.TRIAGE_LEVEL)),
        message_level=Level.parse(tracker.get_slot(slots.MESSAGE_LEVEL)),
        text=text,
        intent=name,
        intent_confidence=confidence,
        signs=list(tracker.get_slot(slots.SIGNS_FOUND) or []),
        message_signs=[f.get("sign") for f in safety.get("findings") or [] if isinstance(f, dict)],
        age_months=age,
        temperature_c=tracker.get_slot(slots.TEMPERATURE_C),
        fever_days=tracker.get_slot(slots.FEVER_DAYS),
        message_temperature=safety.get("temperature_c"),
        new_facts=new_facts,
        child_described=bool(tracker.get_slot(slots.CHILD_DESCRIBED)),
        asked=list(tracker.get_slot(slots.ASKED) or []),
        said=list(tracker.get_slot(slots.SAID) or []),
        screened=bool(tracker.get_slot(slots.SCREENED)),
        suspected=tracker.get_slot(slots.SUSPECTED_SIGN),
        about=about,
        medicines_given=medicines,
        temperature_at=temperature_at,
        emergency_sent=emergency_sent_this_turn(tracker),
        films_shown=list(tracker.get_slot(slots.FILMS_SHOWN) or []),
    )


def composed_events(result: Composed, turn: Turn) -> List[Dict[str, Any]]:
    return [
        SlotSet(slots.ASKED, result.asked),
        SlotSet(slots.AWAITING, result.awaiting),
        SlotSet(slots.SAID, result.said),
        SlotSet(slots.ABOUT, result.about),
        SlotSet(slots.MEDICINES_GIVEN, result.medicines_given),
        SlotSet(slots.TEMPERATURE_AT, turn.temperature_at),
    ] + ([SlotSet(slots.FILMS_SHOWN, sorted(set(turn.films_shown) | set(result.films)))] if result.films else [])


def send(dispatcher: CollectingDispatcher, messages: List[Message]) -> None:
    for message in messages:
        kwargs: Dict[str, Any] = {}
        if message.get("text") and not message.get("custom"):
            # a card carries its own text fallback; sending both would show it twice
            kwargs["text"] = message["text"]
        if message.get("buttons"):
            kwargs["buttons"] = message["buttons"]
        if message.get("custom"):
            kwargs["json_message"] = message["custom"]
        if message.get(KEYS_FIELD):
            kwargs[KEYS_FIELD] = list(message[KEYS_FIELD])
        if message.get(composer.LEVEL_FIELD):
            kwargs[composer.LEVEL_FIELD] = message[composer.LEVEL_FIELD]
        dispatcher.utter_message(**kwargs)
