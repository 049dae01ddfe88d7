"""Deliberate changes to Rasa 3.6 behaviour, in one place (imported by the channels).

1. Rasa waits up to 5 minutes for the action server; a parent must not. After
   ACTION_TIMEOUT_SECONDS the turn is answered by the reply guard (the emergency
   text never needs the action server).
2. Rasa rebuilds a JSON-schema validator for every custom-action response
   (about 17 ms a call, measured by `make bench`); the schema never changes, so
   it is built once. Same checks, same errors.
3. Rasa sends the whole tracker (every event of every session) to the action
   server on every custom action: 15 ms at turn 200 and refused past 1 MB. Our
   actions read slots and the latest message, never old events, so the call
   carries the events of the last ACTION_EVENT_USER_TURNS user turns (the same
   window the rule and memoization policies predict from, bot/dialogue/window.py).
   Everything else in the tracker state is Rasa's own.

`make bench` compares us with stock Rasa: its reference server runs with
BENCH_REFERENCE=1, which leaves 2 and 3 (speed only) as Rasa ships them. The
action timeout (1, a safety limit) applies to both.
"""

from __future__ import annotations

import os
from typing import Any, Dict

import rasa.core.actions.action as rasa_actions
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.dialogue.window import WINDOW_USER_TURNS, recent_events

rasa_actions.DEFAULT_REQUEST_TIMEOUT = float(os.environ.get("ACTION_TIMEOUT_SECONDS", "10"))

_SCHEMA = rasa_actions.RemoteAction.action_response_format_spec()
_VALIDATOR = validator_for(_SCHEMA)(_SCHEMA)


def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    try:
        _VALIDATOR.validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            "Action endpoint is valid."
        )
        raise


STOCK_SPEED = os.environ.get("BENCH_REFERENCE") == "1"
if not STOCK_SPEED:
    rasa_actions.RemoteAction._validate_action_result = _validate_action_result


ACTION_EVENT_USER_TURNS = WINDOW_USER_TURNS
_stock_action_call_format = rasa_actions.RemoteAction._action_call_format


def _action_call_format(self: Any, tracker: DialogueStateTracker, domain: Any) -> Dict[str, Any]:
    call = _stock_action_call_format(self, _WithoutEvents(tracker), domain)
    events = list(tracker.events)
    start = recent_events(events, ACTION_EVENT_USER_TURNS)
    call["tracker"]["events"] = [event.as_dict() for event in events[start:]]
    return call


class _WithoutEvents:
    """The tracker as Rasa's call builder sees it, minus the event list (added after)."""

    def __init__(self, tracker: DialogueStateTracker) -> None:
        self._tracker = tracker

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tracker, name)

    def current_state(self, event_verbosity: EventVerbosity = EventVerbosity.NONE) -> Dict[str, Any]:
        return self._tracker.current_state(EventVerbosity.NONE)


if not STOCK_SPEED:
    rasa_actions.RemoteAction._action_call_format = _action_call_format
