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
4. `DialogueStateTracker.applied_events()` walks every event and is called about
   ten times per turn, mostly on a tracker that has not changed since the last
   call. Its result is kept with the tracker and reused while the tracker's
   events are the same (same deque, same length, same last event); callers
   get a list of their own, as before.
5. Rasa runs its model graph (NLU, then the policies for every prediction) with
   dask's scheduler, which re-plans the graph on every run (3 runs a turn; the
   Rasa CPU per turn fell from 14.7 to 10.7 ms without it). The graph does not
   change, so the runner here plans each target set once (a topological order,
   cached) and calls the same nodes in that order with the same inputs and
   outputs; errors are wrapped the same way (GraphRunError).

`make bench` compares us with stock Rasa: its reference server runs with
BENCH_REFERENCE=1, which leaves 2 to 5 (speed only) as Rasa ships them. The
action timeout (1, a safety limit) applies to both.
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Set, Tuple

import rasa.core.actions.action as rasa_actions
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
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


_stock_applied_events = DialogueStateTracker.applied_events
APPLIED_CACHE = "_bot_applied_events"


def _applied_events(self: DialogueStateTracker) -> List[Any]:
    events = self.events
    count = len(events)
    if not count:
        return _stock_applied_events(self)
    last = events[-1]
    cached = self.__dict__.get(APPLIED_CACHE)
    if cached is not None and cached[0] is events and cached[1] == count and cached[2] is last:
        return list(cached[3])
    applied = _stock_applied_events(self)
    self.__dict__[APPLIED_CACHE] = (events, count, last, applied)
    return list(applied)


if not STOCK_SPEED:
    DialogueStateTracker.applied_events = _applied_events


_stock_graph_run = DaskGraphRunner.run


def _plan(runner: DaskGraphRunner, targets: Tuple[str, ...]) -> List[Tuple[str, Tuple[str, ...]]]:
    """The nodes the targets need, each after the nodes it needs, with their inputs."""
    plans = runner.__dict__.setdefault("_bot_plans", {})
    plan = plans.get(targets)
    if plan is None:
        schema = runner._graph_schema.minimal_graph_schema(list(targets))
        order: List[Tuple[str, Tuple[str, ...]]] = []
        done: Set[str] = set()

        def visit(name: str) -> None:
            if name in done or name not in schema.nodes:
                return
            done.add(name)
            needs = tuple(schema.nodes[name].needs.values())
            for need in needs:
                visit(need)
            order.append((name, needs))

        for target in targets:
            visit(target)
        plan = plans[targets] = order
    return plan


def _run_graph(
    self: DaskGraphRunner, inputs: Optional[Dict[str, Any]] = None, targets: Optional[List[str]] = None
) -> Dict[str, Any]:
    run_targets = tuple(targets if targets else self._graph_schema.target_names)
    plan = _plan(self, run_targets)
    values: Dict[str, Any] = {}
    nodes = {name for name, _ in plan}
    for name, value in (inputs or {}).items():
        if isinstance(value, str) and value in nodes:
            raise GraphRunError(f"Input value '{value}' clashes with a node name.")
        values[name] = (name, value)
    try:
        for name, needs in plan:
            # As with dask: a need that is neither a node nor an input is passed as its name.
            values[name] = self._instantiated_nodes[name](*(values.get(need, need) for need in needs))
    except RuntimeError as error:
        raise GraphRunError("Error running runner.") from error
    return dict(values.get(target, target) for target in run_targets)


if not STOCK_SPEED:
    DaskGraphRunner.run = _run_graph
