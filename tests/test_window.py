"""The rule and memoization policies predict from the last user turns only
(bot/dialogue/window.py), and the action server gets only those turns' events
(bot/rasa_patches.py): a long conversation must get exactly the predictions and
replies it would get with the whole history."""

from __future__ import annotations

import itertools
import json
import sqlite3
import uuid
from pathlib import Path
from typing import Any, Iterator, List

import pytest
import requests
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    Event,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot import rasa_patches
from bot.cli import MODEL_PATH
from bot.dialogue.window import (
    WINDOW_USER_TURNS,
    RecentMemoizationPolicy,
    RecentRulePolicy,
    recent_tracker,
    state_at,
)

# What parents say over a long evening: questions, a described child, answers to the
# bot's questions, the films, thanks, small talk; no red flag until the end.
MESSAGES = [
    "hello",
    "what is sepsis?",
    "my daughter has a temperature",
    "she is 3 years old",
    "38.2",
    "she is drinking ok",
    "can I see the film about fever",
    "thanks",
    "how do I know if it's serious?",
    "what are the signs of sepsis in a baby",
    "when should I call 111?",
    "ok thank you",
    "hi again",
    "how long can a fever last",
    "she seems a bit better now",
    "bye",
]


def conversation(turns: int) -> Iterator[str]:
    return itertools.islice(itertools.cycle(MESSAGES), turns)


def say(servers: Any, sender: str, text: str) -> List[dict]:
    reply = requests.post(servers.rest_url, json={"sender": sender, "message": text}, timeout=60)
    assert reply.status_code == 200, reply.text
    return reply.json()


def stored_events(db: Path, sender: str) -> List[Event]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,)).fetchall()
    return [Event.from_parameters(json.loads(data)) for (data,) in rows]


@pytest.fixture(scope="module")
def agent() -> Agent:
    return Agent.load(str(MODEL_PATH))


def windowed_policies(agent: Agent) -> List[Any]:
    nodes = agent.processor.graph_runner._instantiated_nodes.values()  # type: ignore[union-attr]
    found = [
        node._component for node in nodes if isinstance(node._component, (RecentRulePolicy, RecentMemoizationPolicy))
    ]
    assert {type(policy) for policy in found} == {RecentRulePolicy, RecentMemoizationPolicy}
    return found


@pytest.mark.slow
def test_long_conversation_predictions_are_the_same_as_with_the_whole_history(servers: Any, agent: Agent) -> None:
    sender = f"window-{uuid.uuid4().hex[:8]}"
    for text in conversation(40):
        say(servers, sender, text)
    events = stored_events(servers.var_dir / "tracker.db", sender)
    domain: Domain = agent.domain  # type: ignore[assignment]
    policies = windowed_policies(agent)

    # One tracker grows event by event, as in the server (the window is kept on it and
    # updated); at every point where the bot chose an action once the window cuts, the
    # windowed policies must predict what the stock ones predict from the whole history.
    tracker = DialogueStateTracker(sender, domain.slots)
    compared = 0
    for event in events:
        users = sum(isinstance(e, UserUttered) for e in tracker.events)
        if isinstance(event, ActionExecuted) and users > WINDOW_USER_TURNS:
            assert len(recent_tracker(tracker, domain).events) < len(tracker.events)
            for policy in policies:
                windowed = policy.predict_action_probabilities(tracker, domain)
                stock = super(type(policy), policy).predict_action_probabilities(tracker, domain)
                assert windowed.probabilities == stock.probabilities, (type(policy).__name__, event.action_name, users)
                compared += 1
        tracker.update(event)
    assert compared > 100


@pytest.mark.slow
@pytest.mark.hazard("H09")
def test_a_red_flag_after_a_long_conversation_gets_the_999_text_and_the_escalation(servers: Any) -> None:
    sender = f"window-{uuid.uuid4().hex[:8]}"
    for text in conversation(60):
        say(servers, sender, text)
    replies = say(servers, sender, "now she is floppy and her lips look blue")
    texts = [message.get("text") or "" for message in replies]
    assert "999" in texts[0]
    # action_escalate ran on the action server: utter_emergency is one message, and the
    # escalation detail only exists if the action call succeeded (a failed call adds none).
    events = stored_events(servers.var_dir / "tracker.db", sender)
    last_turn = events[max(i for i, e in enumerate(events) if isinstance(e, UserUttered)) :]
    actions = [e.action_name for e in last_turn if isinstance(e, ActionExecuted)]
    assert "utter_emergency" in actions and "action_escalate" in actions
    assert len([e for e in last_turn if isinstance(e, BotUttered)]) >= 2


def test_the_window_starts_with_the_slot_values_of_that_point() -> None:
    domain = Domain.load("domain.yml")
    events: List[Event] = [ActionExecuted("action_listen")]
    for turn in range(WINDOW_USER_TURNS + 5):
        events += [
            UserUttered(f"message {turn}", {"name": "describe_sick_child", "confidence": 1.0}),
            SlotSet("age_months", turn),
            ActionExecuted("action_triage"),
            ActionExecuted("action_listen"),
        ]
    tracker = DialogueStateTracker.from_events("s", events, slots=domain.slots)
    cut = recent_tracker(tracker, domain)
    users = [e for e in cut.events if isinstance(e, UserUttered)]
    assert len(users) == WINDOW_USER_TURNS
    assert users[0].text == f"message {5}"
    assert cut.get_slot("age_months") == tracker.get_slot("age_months")
    # The state before the window: the last value set there.
    assert isinstance(cut.events[0], SlotSet) and cut.events[0].value == 4
    assert cut.past_states(domain)[-6:] == tracker.past_states(domain)[-6:]
    # Kept on the tracker and brought up to date with new events, cut again when it grows.
    for turn in range(3 * WINDOW_USER_TURNS):
        tracker.update(UserUttered(f"later {turn}", {"name": "greet", "confidence": 1.0}))
        tracker.update(SlotSet("temperature_c", 37 + turn / 10))
        tracker.update(ActionExecuted("action_listen"))
        kept = recent_tracker(tracker, domain)
        assert kept.get_slot("temperature_c") == tracker.get_slot("temperature_c")
        assert kept.get_slot("age_months") == tracker.get_slot("age_months")
        assert kept.past_states(domain)[-6:] == tracker.past_states(domain)[-6:]
        assert WINDOW_USER_TURNS <= sum(isinstance(e, UserUttered) for e in kept.events) <= 2 * WINDOW_USER_TURNS + 1


def test_state_before_the_window_follows_resets_and_loops() -> None:
    domain = Domain.load("domain.yml")
    state = state_at(
        [SlotSet("age_months", 3), AllSlotsReset(), SlotSet("temperature_c", 38.5), ActiveLoop("a")], domain
    )
    values = {e.key: e.value for e in state if isinstance(e, SlotSet)}
    assert values["temperature_c"] == 38.5 and values["age_months"] is None
    assert ActiveLoop("a") in state


def test_a_short_conversation_is_not_cut() -> None:
    domain = Domain.load("domain.yml")
    tracker = DialogueStateTracker.from_events(
        "s",
        [ActionExecuted("action_listen"), UserUttered("hi", {"name": "greet", "confidence": 1.0})],
        slots=domain.slots,
    )
    assert recent_tracker(tracker, domain) is tracker


def test_the_action_server_gets_the_recent_events_and_every_slot() -> None:
    assert rasa_patches.ACTION_EVENT_USER_TURNS == WINDOW_USER_TURNS
    domain = Domain.load("domain.yml")
    events: List[Event] = [ActionExecuted("action_listen"), SlotSet("age_months", 2)]
    for turn in range(100):
        events += [
            UserUttered(f"message {turn}", {"name": "describe_sick_child", "confidence": 1.0}),
            ActionExecuted("action_triage"),
            ActionExecuted("action_listen"),
        ]
    tracker = DialogueStateTracker.from_events("s", events, slots=domain.slots)
    call = RemoteAction("action_triage", EndpointConfig("http://127.0.0.1:1"))._action_call_format(tracker, domain)
    sent = call["tracker"]
    users = [e for e in sent["events"] if e["event"] == "user"]
    assert [e["text"] for e in users] == [f"message {turn}" for turn in range(100 - WINDOW_USER_TURNS, 100)]
    assert sent["slots"]["age_months"] == 2
    assert sent["latest_message"]["text"] == "message 99"
    assert call["next_action"] == "action_triage" and call["sender_id"] == "s"
