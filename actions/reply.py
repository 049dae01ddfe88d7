"""action_reply: every bot turn after any line the Rasa server sent itself (bot.composer)."""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.state import composed_events, send, turn_from_tracker
from bot import composer

logger = logging.getLogger(__name__)


class ActionReply(Action):
    def name(self) -> str:
        return "action_reply"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        turn = turn_from_tracker(tracker)
        try:
            result = composer.compose(turn)
        except Exception:
            # never a silent or broken turn: the level's line and the safety line still go out
            logger.exception("composing the reply failed; sending the level's guidance only")
            send(dispatcher, composer.minimal_reply(turn))
            return []
        send(dispatcher, result.messages)
        return composed_events(result, turn)
