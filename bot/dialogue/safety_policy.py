"""SafetyPolicy: the deterministic owner of emergency and urgent turns.

It runs inside the Rasa server (never on the action server), after every user
message:
  * it records the triage level and what the message established (age,
    temperature, fever days, signs) as slot events, so `triage_level` is set
    even when the action server is down;
  * in a conversation that has reached an emergency it predicts the fixed
    `utter_emergency` response first, then `action_escalate`, then listens;
  * for a message at urgent level it predicts `action_triage` (which leads with
    the 111 text), then listens.
Everything else it leaves to the rules. Its priority is above RulePolicy.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.dialogue import slots
from bot.dialogue.context import context_from_tracker
from bot.replies import FILM_INTENTS, INFO_INTENTS
from bot.safety import Assessment, Level, safe_assess

logger = logging.getLogger(__name__)

UTTER_EMERGENCY = "utter_emergency"
# Low immunity with a fever and no other emergency sign: the hospital's 24-hour line first.
UTTER_TREATMENT_LINE = "utter_emergency_treatment_line"
# Every later emergency turn leads with the short reminder (999 first, never the long text again).
UTTER_REMINDER = "utter_emergency_reminder"
EMERGENCY_UTTERANCES = (UTTER_EMERGENCY, UTTER_TREATMENT_LINE, UTTER_REMINDER)
TREATMENT_LINE_SIGNS = {"immunosuppressed_unwell"}
ACTION_ESCALATE = "action_escalate"
ACTION_TRIAGE = "action_triage"
# The one reply composer (bot.composer); the older action names are the same action.
ACTION_REPLY = "action_reply"
COMPOSER_ACTIONS = {
    ACTION_REPLY,
    ACTION_TRIAGE,
    ACTION_ESCALATE,
    "action_fallback",
    "action_safety_net",
    "action_films",
}
SAFETY_KEY = "safety"


def turn_assessment(tracker: DialogueStateTracker, text: str) -> Assessment:
    """The NLU component's one assessment of this message (assessed here only if it is missing)."""
    parse = tracker.latest_message.parse_data if tracker.latest_message else {}
    result = parse.get(SAFETY_KEY) if isinstance(parse, dict) else None
    if isinstance(result, dict) and "level" in result:
        return Assessment.from_dict(result)
    logger.warning("no assessment from the NLU pipeline for this message; assessing it here")
    return safe_assess(text, context_from_tracker(tracker))


def suspected_sign(tracker: DialogueStateTracker) -> Optional[str]:
    parse = tracker.latest_message.parse_data if tracker.latest_message else {}
    result = parse.get(SAFETY_KEY) if isinstance(parse, dict) else None
    suspected = result.get("suspected") if isinstance(result, dict) else None
    return str(suspected["sign"]) if isinstance(suspected, dict) and suspected.get("sign") else None


INFO_INTENT_CONFIDENCE = 0.6


def intent_level(tracker: DialogueStateTracker) -> Level:
    """A question the NLU is sure is about sepsis or fever counts as info."""
    intent = (tracker.latest_message.intent or {}) if tracker.latest_message else {}
    name, confidence = intent.get("name"), float(intent.get("confidence") or 0)
    if confidence >= INFO_INTENT_CONFIDENCE and (name in INFO_INTENTS or name in FILM_INTENTS):
        return Level.INFO
    return Level.NONE


def assessment_events(tracker: DialogueStateTracker, text: str) -> tuple:
    """Assess the latest message in context; return (events, new level, assessment)."""
    assessment = turn_assessment(tracker, text)
    assessment.level = max(assessment.level, intent_level(tracker))
    previous = Level.parse(tracker.get_slot(slots.TRIAGE_LEVEL))
    level = max(previous, assessment.level)
    signs = list(tracker.get_slot(slots.SIGNS_FOUND) or [])
    for sign in assessment.signs:
        if sign not in signs:
            signs.append(sign)
    events = [
        SlotSet(slots.TRIAGE_LEVEL, level.label),
        SlotSet(slots.MESSAGE_LEVEL, assessment.level.label),
        SlotSet(slots.SIGNS_FOUND, signs),
        SlotSet(slots.FEVER_REPORTED, assessment.fever_reported),
        SlotSet(slots.CHILD_DESCRIBED, assessment.child_described),
    ]
    if assessment.screened:
        events.append(SlotSet(slots.SCREENED, True))
    if assessment.risks:
        events.append(SlotSet(slots.RISK_FACTORS, list(assessment.risks)))
    if assessment.topics:
        events.append(SlotSet(slots.TOPICS, list(assessment.topics)))
    suspected = suspected_sign(tracker) if level < Level.EMERGENCY else None
    events.append(SlotSet(slots.SUSPECTED_SIGN, suspected))
    for slot, value in (
        (slots.AGE_MONTHS, assessment.age_months),
        (slots.TEMPERATURE_C, assessment.temperature_c),
        (slots.FEVER_DAYS, assessment.fever_days),
    ):
        if value is not None:
            events.append(SlotSet(slot, round(float(value), 2)))
    # Only what changed: every extra event makes each later turn cost more.
    events = [e for e in events if tracker.get_slot(e.key) != e.value]
    return events, level, assessment


def emergency_utterance(tracker: DialogueStateTracker, assessment: Assessment) -> str:
    """The fixed first text: the treatment line when low immunity with a fever is the only
    emergency sign, else the 999 text; every later turn the short 999 reminder."""
    used = last_emergency_utterance(tracker)
    current = {f.sign for f in assessment.findings if f.level >= Level.EMERGENCY}
    if used == UTTER_TREATMENT_LINE and current and not current <= TREATMENT_LINE_SIGNS:
        return UTTER_EMERGENCY  # a new emergency sign after the treatment line: the 999 text once
    if used is not None:
        return UTTER_REMINDER
    if current and current <= TREATMENT_LINE_SIGNS:
        return UTTER_TREATMENT_LINE
    return UTTER_EMERGENCY


def last_emergency_utterance(tracker: DialogueStateTracker) -> Optional[str]:
    for event in reversed(tracker.events):
        if isinstance(event, ActionExecuted) and event.action_name in EMERGENCY_UTTERANCES:
            return event.action_name
    return None


def actions_since_user(tracker: DialogueStateTracker) -> Optional[List[str]]:
    """Names of actions run since the latest user message (None if no message)."""
    names: List[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return list(reversed(names))
        if isinstance(event, ActionExecuted) and event.action_name and event.action_name != ACTION_LISTEN_NAME:
            names.append(event.action_name)
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT], is_trainable=False)
class SafetyPolicy(Policy):
    """Deterministic safety paths that no model, rule or story can overrule."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"priority": 7}

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        featurizer: Any = None,
    ) -> None:
        super().__init__(config, model_storage, resource, execution_context, featurizer=None)

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[str, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        done = actions_since_user(tracker)
        if done is None:
            return self._abstain(domain)
        if not done and tracker.latest_action_name == ACTION_LISTEN_NAME:
            text = tracker.latest_message.text if tracker.latest_message else None
            if not text:
                return self._abstain(domain)
            try:
                events, level, assessment = assessment_events(tracker, text)
            except Exception:
                logger.exception("safety assessment failed; the reply guard still sends the 999/111 line")
                return self._abstain(domain)
            if level == Level.EMERGENCY:
                return self._predict(domain, emergency_utterance(tracker, assessment), events)
            # Every other turn is composed in one place, whatever intent the model guessed
            # (the rules name the same action, for when this policy cannot run).
            return self._predict(domain, ACTION_REPLY, events)
        if len(done) == 1 and done[0] in EMERGENCY_UTTERANCES:
            return self._predict(domain, ACTION_ESCALATE)
        if done and done[-1] in COMPOSER_ACTIONS:
            return self._predict(domain, ACTION_LISTEN_NAME)
        return self._abstain(domain)

    def _predict(self, domain: Domain, action: str, events: Optional[List[Any]] = None) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities, events=events or [])

    def _abstain(self, domain: Domain, events: Optional[List[Any]] = None) -> PolicyPrediction:
        return self._prediction(self._default_predictions(domain), events=events or [])

    def _metadata(self) -> Dict[str, Any]:
        return {"priority": self.priority}

    @classmethod
    def _metadata_filename(cls) -> str:
        return "safety_policy"
