"""Read the conversation state the actions need from the tracker."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.dialogue import slots
from bot.replies import KEYS_FIELD, Message, TriageState
from bot.safety.levels import Level


def latest_intent(tracker: Tracker) -> Optional[str]:
    message = tracker.latest_message or {}
    overridden = message.get("overridden_intent") or {}
    intent = (message.get("intent") or {}).get("name")
    # After a red-flag override the parent's question is still worth answering.
    return overridden.get("name") or intent


def triage_state(tracker: Tracker) -> TriageState:
    return TriageState(
        level=Level.parse(tracker.get_slot(slots.TRIAGE_LEVEL)),
        message_level=Level.parse(tracker.get_slot(slots.MESSAGE_LEVEL)),
        signs=list(tracker.get_slot(slots.SIGNS_FOUND) or []),
        age_months=tracker.get_slot(slots.AGE_MONTHS),
        temperature_c=tracker.get_slot(slots.TEMPERATURE_C),
        child_described=bool(tracker.get_slot(slots.CHILD_DESCRIBED)),
        fever_reported=bool(tracker.get_slot(slots.FEVER_REPORTED)),
        asked=list(tracker.get_slot(slots.ASKED) or []),
        intent=latest_intent(tracker),
        screened=bool(tracker.get_slot(slots.SCREENED)),
        suspected=tracker.get_slot(slots.SUSPECTED_SIGN),
    )


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
        dispatcher.utter_message(**kwargs)
