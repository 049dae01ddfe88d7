"""action_safety_net: thanks and goodbye always end with the safety net."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.state import send, triage_state
from bot import replies


class ActionSafetyNet(Action):
    def name(self) -> str:
        return "action_safety_net"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        send(dispatcher, replies.closing_reply(triage_state(tracker).level))
        return []
