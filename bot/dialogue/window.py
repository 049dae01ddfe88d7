"""Rule and memoization policies that read the recent part of a conversation.

Stock RulePolicy and MemoizationPolicy rebuild the dialogue state of every event
of the session for every prediction (several per turn), although a rule or a
memorised story only ever compares the last few states (our rules span at most
2 user turns; MemoizationPolicy compares 3 states, `max_history: 3`). At turn 200 that was 56 ms of
a 92 ms turn (`make bench`, docs/performance.md).

These subclasses give the stock code a tracker cut to the last
`WINDOW_USER_TURNS` user turns. The cut tracker starts with the slot values
and active loop that the full tracker had at that point, so every state inside
the window is the same as in the full tracker; only the first state of the
window (which has no previous action) differs, and it lies far outside what
any rule or memorised story compares. Clinical context never depended on the
old events anyway: it lives in slots (bot/dialogue/slots.py), set by the
SafetyPolicy, which reads the whole tracker itself.

The cut is kept on the tracker between predictions and turns (our tracker
store hands the same tracker object back at the next turn): new events are
applied to it, and once it holds twice the window it is cut again from itself,
so a prediction costs the same at turn 10 and at turn 500.

Training is unchanged (stock code, full trackers); only prediction is cut.
`tests/test_window.py` checks that predictions are the same with and without
the window on long conversations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from rasa.core.policies.memoization import MemoizationPolicy
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActiveLoop, AllSlotsReset, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

# Rules span at most 2 user turns and memoization compares 3 states: a wide margin.
WINDOW_USER_TURNS = 8


def recent_events(applied: List[Event], user_turns: int = WINDOW_USER_TURNS) -> int:
    """Index in `applied` where the last `user_turns` user turns begin (0 = keep all)."""
    seen = 0
    for index in range(len(applied) - 1, -1, -1):
        if isinstance(applied[index], UserUttered):
            seen += 1
            if seen == user_turns:
                # Start at the action before this message (its `action_listen`), so the
                # message's own state has the right previous action.
                return max(index - 1, 0)
    return 0


def state_at(events: List[Event], domain: Domain) -> List[Event]:
    """Events that recreate the slot values and active loop after `events`."""
    values: Dict[str, Any] = {}
    loop: Optional[str] = None
    for event in events:
        if isinstance(event, SlotSet):
            values[event.key] = event.value
        elif isinstance(event, AllSlotsReset):
            values = {slot.name: slot.initial_value for slot in domain.slots}
        elif isinstance(event, ActiveLoop):
            loop = event.name
    state: List[Event] = [SlotSet(key, value) for key, value in values.items()]
    if loop:
        state.append(ActiveLoop(loop))
    return state


def cut(tracker: DialogueStateTracker, domain: Domain, user_turns: int = WINDOW_USER_TURNS) -> DialogueStateTracker:
    """`tracker` cut to its last `user_turns` user turns, with the slot state it had there."""
    applied = tracker.applied_events()
    start = recent_events(applied, user_turns)
    if start == 0:
        return tracker
    events = state_at(applied[:start], domain) + applied[start:]
    return DialogueStateTracker.from_events(tracker.sender_id, events, slots=domain.slots)


@dataclass
class _Cached:
    seen: int  # events of the full tracker applied to `window`
    last: Event  # the last of them (the full tracker only ever grows)
    window: DialogueStateTracker


CACHE_ATTRIBUTE = "_bot_recent_window"


def recent_tracker(
    tracker: DialogueStateTracker, domain: Domain, user_turns: int = WINDOW_USER_TURNS
) -> DialogueStateTracker:
    """The tracker the policies predict from: `cut()`, kept up to date incrementally."""
    total = len(tracker.events)
    cached: Optional[_Cached] = tracker.__dict__.get(CACHE_ATTRIBUTE)
    if cached is not None and 0 < cached.seen <= total and tracker.events[cached.seen - 1] is cached.last:
        window = cached.window
        for index in range(cached.seen, total):
            window.update(tracker.events[index])
        if sum(isinstance(event, UserUttered) for event in window.events) > 2 * user_turns:
            window = cut(window, domain, user_turns)
    else:
        window = cut(tracker, domain, user_turns)
        if window is tracker:  # short conversation: nothing to cut, nothing to keep
            return tracker
    if total:
        tracker.__dict__[CACHE_ATTRIBUTE] = _Cached(total, tracker.events[total - 1], window)
    return window


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class RecentRulePolicy(RulePolicy):
    """RulePolicy, predicting from the recent part of the conversation."""

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[str, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        return super().predict_action_probabilities(recent_tracker(tracker, domain), domain, rule_only_data, **kwargs)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class RecentMemoizationPolicy(MemoizationPolicy):
    """MemoizationPolicy, predicting from the recent part of the conversation."""

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[str, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        return super().predict_action_probabilities(recent_tracker(tracker, domain), domain, rule_only_data, **kwargs)
