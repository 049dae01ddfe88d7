"""The one place that decides what the bot says, by guidance key.

Pure functions (no Rasa): the actions, the channels' last-resort fallback and
the tests all build replies here. Each reply is a list of message dicts in
Rasa's bot-message shape: {"text": ..., "buttons": [...], "custom": {...}}.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional

from bot.guidance import load_guidance
from bot.safety.levels import Level

Message = Dict[str, Any]
# Age first (thresholds depend on it), then the emergency signs (NHS 111: questions first,
# disposition after), then what is still missing.
QUESTION_ORDER = ("age", "red_flags", "temperature", "feeding", "wee")
INFO_INTENTS: Dict[str, str] = {
    "ask_what_is_sepsis": "answer.what_is_sepsis",
    "ask_sepsis_signs_children": "answer.signs",
    "ask_sepsis_signs_adults": "answer.signs.self",
    "ask_signs_dark_skin": "answer.skin_look",
    "ask_glass_test": "answer.glass_test",
    "ask_fever_home_care": "answer.home_care",
    "ask_medicines": "answer.medicines",
    "ask_take_temperature": "answer.take_temperature",
    "ask_when_to_get_help": "info.when_to_get_help",
    "ask_sepsis_figures": "info.figures",
    "ask_world_sepsis_day": "info.world_sepsis_day",
    "ask_global_sepsis_alliance": "info.global_sepsis_alliance",
    "ask_who_is_at_risk": "info.who_is_at_risk",
    "ask_is_sepsis_contagious": "answer.contagious",
    "ask_sepsis_meningitis": "answer.meningitis",
    "ask_vaccines": "info.vaccines",
    "ask_nursery_school": "answer.nursery_school",
    "sent_home_from_ae": "info.sent_home_from_ae",
    "ask_digital_packs": "info.digital_packs",
    "ask_communities_of_practice": "info.communities_of_practice",
    "ask_paediatric_sepsis_project": "info.paediatric_project",
    "ask_contact": "info.contact",
}
FILM_INTENTS: Dict[str, List[str]] = {
    "ask_films": ["spotting_signs", "spotting_signs_ae", "fever_at_home"],
    "ask_film_spotting_signs": ["spotting_signs"],
    "ask_film_ae": ["spotting_signs_ae"],
    "ask_film_fever_at_home": ["fever_at_home"],
    "sent_home_from_ae": ["spotting_signs_ae"],
}


def text(key: str, **values: Any) -> str:
    return load_guidance().text(key, **values)


# Each message names the guidance items it was built from, so checks and renderers
# read keys, never wording (rasa_sdk passes extra keys through to the channel).
KEYS_FIELD = "guidance_keys"
# Items that tell a parent the child seems well or can be looked after at home:
# only after the emergency signs were screened in that conversation.
REASSURANCE_KEYS = frozenset({"advice.well_child", "film:fever_at_home"})
# The fixed texts an emergency turn may start with (each names 999 and A&E in its first sentence).
EMERGENCY_FIRST_KEYS = frozenset({"emergency.call_999", "emergency.treatment_line", "emergency.reminder"})


def message(*keys: str) -> Message:
    return {"text": " ".join(text(k) for k in keys), KEYS_FIELD: list(keys)}


def message_keys(msg: Message) -> List[str]:
    keys = msg.get(KEYS_FIELD)
    if isinstance(keys, list):
        return [str(k) for k in keys]
    custom = msg.get("custom")
    if isinstance(custom, dict) and isinstance(custom.get(KEYS_FIELD), list):
        return [str(k) for k in custom[KEYS_FIELD]]
    return []


def reassurance_texts() -> List[str]:
    """The wording of the reassurance items (for checks on replies that lost their keys)."""
    return [text(k) for k in REASSURANCE_KEYS if not k.startswith("film:")]


def emergency_first() -> Message:
    """The fixed emergency text: always the first message of an emergency turn."""
    return message("emergency.call_999")


def failure() -> Message:
    return message("failure")


def escalation_keys() -> frozenset:
    """The guidance items that tell the parent when to call 999 or 111 (read from the
    guidance file once): a message carries urgent-care guidance if it names one of them."""
    global _ESCALATION_KEYS
    if _ESCALATION_KEYS is None:
        guidance = load_guidance()
        texts = guidance.data.get("texts", {}) if hasattr(guidance, "data") else {}
        _ESCALATION_KEYS = frozenset(k for k in texts if "999" in guidance.text(k) or "111" in guidance.text(k))
    return _ESCALATION_KEYS


_ESCALATION_KEYS: Optional[frozenset] = None


def has_escalation(messages: Iterable[Message]) -> bool:
    """Whether the messages carry urgent-care guidance, by their guidance keys; a message
    without keys (one that lost them on the way) is read by its text."""
    escalating = escalation_keys()
    for m in messages:
        keys = message_keys(m)
        if keys and set(keys) & escalating:
            return True
        if not keys and ("999" in message_text(m) or "111" in message_text(m)):
            return True
    return False


def message_text(msg: Message) -> str:
    parts = [str(msg.get("text") or "")]
    custom = msg.get("custom")
    if isinstance(custom, dict) and custom.get("text"):
        parts.append(str(custom["text"]))
    return " ".join(p for p in parts if p)


def film_message(key: str) -> Message:
    film = load_guidance().film(key)
    summary = f"{film.title}. {film.audience} Watch: {film.url}"
    return {
        "text": summary,
        KEYS_FIELD: [f"film:{film.key}"],
        "custom": {
            KEYS_FIELD: [f"film:{film.key}"],
            "type": "film_card",
            "key": film.key,
            "title": film.title,
            "audience": film.audience,
            "url": film.url,
            "text": summary,
        },
    }


def films(keys: List[str]) -> List[Message]:
    return [message("info.films_intro")] + [film_message(k) for k in keys] + [message("safety_line")]


def question(key: str) -> Message:
    guidance = load_guidance()
    msg: Message = {"text": guidance.text(f"question.{key}"), KEYS_FIELD: [f"question.{key}"]}
    buttons = guidance.buttons(f"question.{key}")
    if buttons:
        msg["buttons"] = buttons
    return msg


@dataclass
class TriageState:
    """What the conversation knows, read from slots by the action."""

    level: Level
    message_level: Level
    signs: List[str] = field(default_factory=list)
    age_months: Optional[float] = None
    temperature_c: Optional[float] = None
    child_described: bool = False
    fever_reported: bool = False
    asked: List[str] = field(default_factory=list)
    intent: Optional[str] = None
    screened: bool = False
    suspected: Optional[str] = None


def next_question(state: TriageState) -> Optional[str]:
    """Ask only for what is still missing, one question at a time."""
    for key in QUESTION_ORDER:
        if key in state.asked:
            continue
        if key == "age" and state.age_months is not None:
            continue
        if key == "temperature" and state.temperature_c is not None:
            continue
        if key in ("feeding", "wee"):
            if state.age_months is not None and state.age_months >= load_guidance().threshold("under_five_months"):
                continue
            if key == "feeding" and "poor_feeding" in state.signs:
                continue
            if key == "wee" and "no_wee" in state.signs:
                continue
        return key
    return None


def sign_labels(signs: Iterable[str], minimum: Level) -> List[str]:
    from bot.safety.engine import RULE_LABELS

    guidance = load_guidance()
    labels = []
    for sign in signs:
        if sign in guidance.signs:
            if Level.parse(guidance.signs[sign]["level"]) >= minimum:
                labels.append(guidance.signs[sign]["label"])
        elif sign in RULE_LABELS:
            labels.append(RULE_LABELS[sign])
    return labels


def may_reassure(state: TriageState) -> bool:
    """Reassurance only after the emergency signs were screened in this conversation, the
    age is known, and for a baby under 6 months the temperature was asked."""
    if not state.screened or state.age_months is None or state.level >= Level.URGENT:
        return False
    young = state.age_months < load_guidance().threshold("infant_band_max_months")
    return not young or state.temperature_c is not None or "temperature" in state.asked


def suspicion_reply(sign: str) -> List[Message]:
    """The learned detector suspects an emergency sign the engine did not find: the 999
    line for that sign first, then one yes/no question about it."""
    guidance = load_guidance()
    described = guidance.detector_sign(sign)
    question_msg: Message = {
        "text": guidance.text("suspect.question", sign=described),
        KEYS_FIELD: ["suspect.question", f"detector:{sign}"],
        "buttons": guidance.buttons("suspect.question"),
    }
    return [
        {"text": guidance.text("suspect.lead", sign=described), KEYS_FIELD: ["suspect.lead", f"detector:{sign}"]},
        question_msg,
    ]
