"""action_triage: guidance for the level reached, then ask only what is missing."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.state import send, triage_state
from bot import replies
from bot.dialogue import slots
from bot.replies import Message, TriageState
from bot.safety.levels import Level

HOME_FILM = "fever_at_home"


def triage_reply(state: TriageState) -> tuple[List[Message], List[str], str | None]:
    """Messages to send, the updated list of questions asked, and the next question."""
    asked = list(state.asked)
    out: List[Message] = []
    question = None
    if state.level >= Level.EMERGENCY:
        return [replies.emergency_first(), *replies.escalation_detail(state.signs)], asked, None
    if state.suspected:
        # The 999 line for the suspected sign first, any 111 advice, then one yes/no question.
        lead, suspect_question = replies.suspicion_reply(state.suspected)
        if state.level == Level.URGENT:
            first = "urgent" not in asked
            if first:
                asked.append("urgent")
            return [lead, *replies.urgent_reply(state, first), suspect_question], asked, f"suspect:{state.suspected}"
        return [lead, suspect_question], asked, f"suspect:{state.suspected}"
    if state.level == Level.URGENT:
        first = "urgent" not in asked
        if first:
            asked.append("urgent")
        if state.message_level >= Level.URGENT or first:
            out += replies.urgent_reply(state, first)
        else:
            out.append(replies.message("urgent.call_111"))
        out += replies.info_reply(state.intent)
        if "red_flags" not in asked:
            question = "red_flags"
    elif state.child_described or state.level == Level.ADVICE:
        first = "advice" not in asked
        if first:
            asked.append("advice")
        reassure = replies.may_reassure(state) and "reassured" not in asked
        out += replies.advice_reply(state, first)
        if reassure:
            asked.append("reassured")
        out += replies.info_reply(state.intent)
        question = replies.next_question(state)
        if question is None and "closing" not in asked and replies.may_reassure(state):
            asked.append("closing")
            out.append(replies.message("safety_net"))
            out.append(replies.film_message(HOME_FILM))
    else:
        out += replies.info_reply(state.intent) or [replies.message("chat.acknowledge", "safety_line")]
    if question:
        asked.append(question)
        out.append(replies.question(question))
    return out, asked, question


class ActionTriage(Action):
    def name(self) -> str:
        return "action_triage"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        messages, asked, question = triage_reply(triage_state(tracker))
        send(dispatcher, messages)
        return [SlotSet(slots.ASKED, asked), SlotSet(slots.AWAITING, question)]
