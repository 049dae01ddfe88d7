"""Each message is assessed once, with the conversation's context, in the NLU component;
the policy and the reply guard read that one result; an engine failure escalates in
every caller; the learned detector can only add suspicion (issue 12)."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message

from bot.channels import guard
from bot.detector import Suspicion
from bot.dialogue import slots, turn_result
from bot.nlu import red_flags
from bot.nlu.red_flags import EMERGENCY_INTENT, RedFlagOverride, assess_message
from bot.replies import emergency_first, message_keys
from bot.safety import Level, engine

DOMAIN = Domain.load("domain.yml")


def conversation(sender: str, **values: Any) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    for name, value in values.items():
        tracker.update(SlotSet(name, value))
    return tracker


def parsed(text: str, tracker: DialogueStateTracker) -> Message:
    message = Message(data={"text": text, "intent": {"name": "give_temperature", "confidence": 0.9}})
    RedFlagOverride({}).process([message], tracker)
    return message


@pytest.mark.hazard("H03")
def test_a_short_answer_is_an_emergency_in_the_context_of_a_young_baby() -> None:
    tracker = conversation(
        "ctx-1", **{slots.AGE_MONTHS: 1.5, slots.FEVER_REPORTED: True, slots.AWAITING: "temperature"}
    )
    message = parsed("38.4", tracker)
    assert message.get("intent")["name"] == EMERGENCY_INTENT
    assert message.get("safety")["level"] == "emergency"
    # the reply guard of the same process reads that result, once
    assert turn_result.take("ctx-1")["level"] == "emergency"
    assert turn_result.take("ctx-1") is None


@pytest.mark.hazard("H03")
def test_the_same_answer_without_context_is_not_an_emergency() -> None:
    message = parsed("38.4", conversation("ctx-2"))
    assert message.get("intent")["name"] != EMERGENCY_INTENT
    turn_result.forget("ctx-2")


@pytest.mark.hazard("H03")
def test_the_guard_sends_the_999_text_first_for_an_emergency_only_context_reveals() -> None:
    sent = [{"text": "Thank you, I have noted that.", "guidance_keys": ["chat.acknowledge"]}]
    out = guard.final_replies("38.4", sent, None, {"level": "emergency"})
    assert out[0] == emergency_first()
    assert guard.final_replies("38.4", sent, None, {"level": "advice"})[0] == sent[0]


@pytest.mark.hazard("H12")
def test_an_engine_failure_escalates_in_the_nlu_component_and_the_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str, context: Any = None) -> Any:
        raise RuntimeError("pattern table corrupt")

    monkeypatch.setattr(engine, "assess", broken)
    result = assess_message("she seems a bit warm", None)
    assert result["level"] == "emergency" and result["findings"][0]["sign"] == "engine_failure"
    assert guard.is_emergency("she seems a bit warm") is True
    replies = guard.final_replies("she seems a bit warm", [{"text": "Hello.", "guidance_keys": ["chat.greet"]}], None)
    assert message_keys(replies[0]) == ["emergency.call_999"]


class FakeDetector:
    def __init__(self, sign: str) -> None:
        self.sign = sign

    def suspect(self, text: str) -> Suspicion:
        return Suspicion(self.sign, 0.95)


@pytest.mark.hazard("H01")
def test_the_detector_adds_a_suspicion_but_never_changes_the_engines_level(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(red_flags, "load_detector", lambda: FakeDetector("breathing"))
    result = assess_message("he seems a bit off today, 8 months, temp 38.5")
    assert result["level"] == "advice"
    assert result["suspected"] == {"sign": "breathing", "probability": 0.95}
    # an emergency the engine found stays exactly that, with no suspicion on top
    found = assess_message("she is floppy and grunting")
    assert found["level"] == "emergency" and "suspected" not in found


@pytest.mark.hazard("H14")
def test_the_detector_does_not_overrule_what_the_engine_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(red_flags, "load_detector", lambda: FakeDetector("rash"))
    result = assess_message("little red spots but they go white when I press a glass on them, temp 38, 2 years")
    assert "suspected" not in result  # the engine read the glass test: it fades


@pytest.mark.hazard("H01")
def test_a_failing_detector_takes_nothing_away(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> Any:
        raise OSError("model file missing")

    monkeypatch.setattr(red_flags, "load_detector", broken)
    assert assess_message("she is floppy")["level"] == "emergency"
    assert "suspected" not in assess_message("she is a bit warm")


def test_the_policy_reads_the_nlu_result_instead_of_assessing_again(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.shared.core.events import UserUttered

    from bot.dialogue import safety_policy

    tracker = conversation("ctx-3")
    tracker.update(UserUttered("38.4", parse_data={"safety": {"level": "emergency", "findings": []}}))
    monkeypatch.setattr(safety_policy, "safe_assess", lambda *a, **k: pytest.fail("assessed twice"))
    assert safety_policy.turn_assessment(tracker, "38.4").level == Level.EMERGENCY


def test_suspicion_reply_leads_with_the_999_line_and_asks_yes_or_no() -> None:
    from bot.replies import suspicion_reply

    lead, question = suspicion_reply("alertness")
    assert lead["text"].startswith("If ") and "call 999 now or go to A&E" in lead["text"]
    assert [b["title"] for b in question["buttons"]] == ["Yes", "No"]


@pytest.mark.hazard("H01")
def test_yes_to_the_suspicion_question_is_an_emergency() -> None:
    answered: Dict[str, Any] = {"awaiting": "suspect:breathing"}
    assert engine.assess("yes", answered).level == Level.EMERGENCY
    assert engine.assess("no", answered).level < Level.URGENT
