"""action_films: the three NHS safety-netting films, as cards with a text fallback."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.state import send, triage_state
from bot import replies
from bot.dialogue import slots
from bot.safety.levels import Level


class ActionFilms(Action):
    def name(self) -> str:
        return "action_films"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        state = triage_state(tracker)
        keys = replies.FILM_INTENTS.get(state.intent or "", replies.FILM_INTENTS["ask_films"])
        messages = []
        if state.level >= Level.URGENT:
            messages.append(replies.message("urgent.call_111"))
        if state.intent == "sent_home_from_ae":
            messages.append(replies.message("info.sent_home_from_ae"))
        messages += replies.films(keys)
        send(dispatcher, messages)
        shown = sorted(set(tracker.get_slot(slots.FILMS_SHOWN) or []) | set(keys))
        return [SlotSet(slots.FILMS_SHOWN, shown)]
