"""Speed changes to Rasa's own code (bot/rasa_patches.py) must not change what Rasa does."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.engine.exceptions import GraphRunError
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUtteranceReverted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message

from bot import rasa_patches
from bot.cli import MODEL_PATH

MESSAGES = [
    "hello",
    "my 4 month old has a temperature of 38.5 and is not feeding",
    "she is floppy and her lips are blue",
    "what is sepsis",
    "thanks bye",
]


@pytest.fixture(scope="module")
def agent() -> Agent:
    return Agent.load(str(MODEL_PATH))


def comparable(outputs: Dict[str, Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for name, value in outputs.items():
        if isinstance(value, list) and value and isinstance(value[0], Message):
            # every run makes new spaCy Doc objects, which have no equality: compare their text
            value = [{k: str(v) if k.endswith("spacy_doc") else v for k, v in m.as_dict().items()} for m in value]
        elif hasattr(value, "probabilities"):
            events = [{k: v for k, v in e.as_dict().items() if k != "timestamp"} for e in value.events or []]
            value = (value.policy_name, value.probabilities, events)
        elif isinstance(value, tuple) and value and hasattr(value[0], "probabilities"):
            value = (value[0].policy_name, value[0].probabilities)
        out[name] = value
    return out


@pytest.mark.slow
def test_the_planned_graph_run_gives_what_dask_gives(agent: Agent) -> None:
    runner = agent.processor.graph_runner  # type: ignore[union-attr]
    domain: Domain = agent.domain  # type: ignore[assignment]
    tracker = DialogueStateTracker("patch-test", domain.slots)
    tracker.update(ActionExecuted("action_listen"))
    compared = 0
    for text in MESSAGES:
        inputs = {"__message__": [UserMessage(text, sender_id="patch-test")], "__tracker__": tracker}
        targets = [agent.processor.model_metadata.nlu_target]  # type: ignore[union-attr]
        ours = rasa_patches._run_graph(runner, dict(inputs), list(targets))
        stock = rasa_patches._stock_graph_run(runner, dict(inputs), list(targets))
        assert comparable(ours) == comparable(stock)
        parsed = ours[targets[0]][0]
        tracker.update(UserUttered(text, parsed.get("intent"), parsed.get("entities"), parse_data=parsed.as_dict()))
        core = {"__tracker__": tracker}
        core_target = [agent.processor.model_metadata.core_target]  # type: ignore[union-attr]
        assert comparable(rasa_patches._run_graph(runner, dict(core), core_target)) == comparable(
            rasa_patches._stock_graph_run(runner, dict(core), core_target)
        )
        tracker.update(ActionExecuted("action_listen"))
        compared += 2
    assert compared == 2 * len(MESSAGES)


def test_an_input_named_like_a_node_is_refused_as_before(agent: Agent) -> None:
    runner = agent.processor.graph_runner  # type: ignore[union-attr]
    target = agent.processor.model_metadata.core_target  # type: ignore[union-attr]
    with pytest.raises(GraphRunError):
        rasa_patches._run_graph(runner, {"__tracker__": target}, [target])


def test_applied_events_follow_every_change_of_the_tracker() -> None:
    domain = Domain.load("domain.yml")
    tracker = DialogueStateTracker("s", domain.slots)
    events: List[Any] = [
        ActionExecuted("action_listen"),
        UserUttered("hi", {"name": "greet", "confidence": 1.0}),
        SlotSet("age_months", 3),
        ActionExecuted("utter_greet"),
        UserUtteranceReverted(),
        ActionExecuted("action_listen"),
    ]
    for event in events:
        tracker.update(event)
        assert tracker.applied_events() == rasa_patches._stock_applied_events(tracker)
        again = tracker.applied_events()
        again.append("not an event")  # the caller's own list: the tracker is not changed
        assert tracker.applied_events() == rasa_patches._stock_applied_events(tracker)
    copy = tracker.copy()
    copy.update(ActionExecuted("action_listen"))
    assert copy.applied_events() == rasa_patches._stock_applied_events(copy)
    assert tracker.applied_events() == rasa_patches._stock_applied_events(tracker)
