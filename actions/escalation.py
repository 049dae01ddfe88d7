"""action_escalate: runs after the fixed 999 text (sent by a rule or the SafetyPolicy)."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.state import send, triage_state
from bot import replies
from bot.dialogue import slots
from bot.safety.levels import Level


class ActionEscalate(Action):
    def name(self) -> str:
        return "action_escalate"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        state = triage_state(tracker)
        if state.message_level >= Level.EMERGENCY:
            messages = replies.escalation_detail(state.signs)
        else:
            messages = replies.info_reply(state.intent) or [replies.message("emergency.while_waiting")]
        send(dispatcher, messages)
        # No more questions once it is an emergency: nothing must delay the call.
        return [SlotSet(slots.AWAITING, None)]
