"""action_fallback: when the NLU is unsure, still triage and still escalate."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.state import send, triage_state
from actions.triage import triage_reply
from bot import replies
from bot.dialogue import slots
from bot.safety.levels import Level


class ActionFallback(Action):
    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        state = triage_state(tracker)
        if state.child_described or state.level >= Level.ADVICE:
            messages, asked, question = triage_reply(state)
            send(dispatcher, messages)
            return [SlotSet(slots.ASKED, asked), SlotSet(slots.AWAITING, question)]
        send(dispatcher, [replies.message("chat.fallback", "safety_line")])
        return []
