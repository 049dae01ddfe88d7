"""Rasa NLU component: assess every message once, with the conversation's context.

Rasa 3.6 hands a component whose `process` takes `tracker` the conversation so far,
so the deterministic engine sees the age, temperature and answers of earlier turns.
The result is written once on the message (`safety`, in the parse data) and kept for
the reply guard (bot.dialogue.turn_result): the policy, the actions, the guard, the
channels and the staff portal read it and never decide again.

When the message holds an emergency sign the predicted intent becomes
`report_emergency_sign` at confidence 1.0, so the fixed 999 text goes out at once
whatever the ML model, a form or a story expected; the ML model alone cannot send it
(the reverse override). The learned detector (bot.detector) runs too: it may only add
a suspicion (`safety.suspected`), never lower the engine's level. If the engine fails,
the message is treated as an emergency.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.detector import CLASS_SIGNS, load_detector
from bot.dialogue import turn_result
from bot.dialogue.context import context_from_tracker
from bot.safety import Assessment, Level, safe_assess

logger = logging.getLogger(__name__)

EMERGENCY_INTENT = "report_emergency_sign"
# When the model alone says "emergency" but the engine finds no emergency sign,
# the message is treated as a description of the child (triage, not 999).
DESCRIBE_INTENT = "describe_sick_child"
SAFETY_KEY = "safety"
SUSPECTED_KEY = "suspected"


def assess_message(text: str, tracker: Any = None) -> Dict[str, Any]:
    """The one assessment of a message: the engine with context, then the detector."""
    try:
        context = context_from_tracker(tracker)
    except Exception:  # a tracker we cannot read must not hide a sign in the text itself
        logger.exception("could not read the conversation's context; assessing the message alone")
        context = None
    assessment: Assessment = safe_assess(text, context)
    result = assessment.as_dict()
    if assessment.level < Level.EMERGENCY:
        suspicion = _suspect(text, assessment)
        if suspicion is not None:
            result[SUSPECTED_KEY] = suspicion
    return result


def _suspect(text: str, assessment: Assessment) -> Optional[Dict[str, Any]]:
    """The detector's suspicion, unless the engine already read that sign in this message
    (found at a lower level, negated, hypothetical or settled): the engine is the authority
    on what it read; the detector adds what the engine did not see."""
    alone = safe_assess(text) if assessment.child_described else assessment
    if not (alone.child_described or alone.fever_reported or alone.signs or assessment.signs):
        return None  # this message says nothing about anyone's health ("mum's just arrived")
    try:
        found = load_detector().suspect(text)
    except Exception:  # the detector can only add suspicion; its failure takes nothing away
        logger.exception("learned detector failed; the engine's result stands")
        return None
    if found is None:
        return None
    read = (set(assessment.signs) | set(assessment.negated) | set(assessment.hypothetical) | set(assessment.resolved)
            | set(assessment.discounted))  # fmt: skip
    if read & set(CLASS_SIGNS.get(found.sign, ())):
        return None
    return {"sign": found.sign, "probability": found.probability}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RedFlagOverride(GraphComponent):
    """Deterministic red-flag check that overrides the ML intent."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"emergency_intent": EMERGENCY_INTENT}

    def __init__(self, config: Dict[str, Any]) -> None:
        self.intent = config.get("emergency_intent", EMERGENCY_INTENT)

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RedFlagOverride:
        return cls(config)

    def process_training_data(self, training_data: Any) -> Any:
        return training_data

    def process(self, messages: List[Message], tracker: Any = None) -> List[Message]:
        for message in messages:
            self._process_one(message, tracker)
        return messages

    def _process_one(self, message: Message, tracker: Any) -> None:
        text: Optional[str] = message.get(TEXT)
        if not text:
            return
        result = assess_message(text, tracker)
        message.set(SAFETY_KEY, result, add_to_output=True)
        sender = getattr(tracker, "sender_id", None)
        if sender:
            turn_result.remember(str(sender), result)
        predicted = message.get(INTENT) or {}
        if Level.parse(result["level"]) != Level.EMERGENCY:
            if predicted.get("name") == self.intent:
                # Emergencies are decided by the deterministic engine alone, both ways.
                message.set("overridden_intent", predicted, add_to_output=True)
                replacement = {"name": DESCRIBE_INTENT, "confidence": predicted.get("confidence", 0.0)}
                ranking = [replacement] + [
                    r
                    for r in (message.get(INTENT_RANKING_KEY) or [])
                    if r.get("name") not in (self.intent, DESCRIBE_INTENT)
                ]
                message.set(INTENT, replacement, add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            return
        if predicted.get("name") == self.intent:
            predicted = dict(predicted, confidence=1.0)
        else:
            message.set("overridden_intent", predicted, add_to_output=True)
            predicted = {"name": self.intent, "confidence": 1.0}
        ranking = [predicted] + [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") != self.intent]
        message.set(INTENT, predicted, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
