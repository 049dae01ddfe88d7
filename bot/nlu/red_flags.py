"""Rasa NLU component: run the safety engine on every message.

It records the assessment in the parse data (`safety`) and, when the message
alone holds an emergency sign, overrides the predicted intent with
`report_emergency_sign` at confidence 1.0 so that a rule sends the fixed
emergency text at once, whatever the ML model, a form or a story expected.
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

from bot.safety import Level, assess

logger = logging.getLogger(__name__)

EMERGENCY_INTENT = "report_emergency_sign"
# When the model alone says "emergency" but the engine finds no emergency sign,
# the message is treated as a description of the child (triage, not 999).
DESCRIBE_INTENT = "describe_sick_child"
SAFETY_KEY = "safety"


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

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._process_one(message)
        return messages

    def _process_one(self, message: Message) -> None:
        text: Optional[str] = message.get(TEXT)
        if not text:
            return
        try:
            assessment = assess(text)
        except Exception:  # the engine must never take the message down with it
            logger.exception("red-flag engine failed; treating the message as unclear")
            return
        message.set(SAFETY_KEY, assessment.as_dict(), add_to_output=True)
        predicted = message.get(INTENT) or {}
        if assessment.level != Level.EMERGENCY:
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
