"""assess(text, context): the one place where triage is decided.

Every caller (the Rasa NLU component, the dialogue policy, the actions, the
evaluation and the channels' last-resort fallback) asks this function.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional

from bot.guidance import load_guidance
from bot.safety import numbers
from bot.safety.levels import Level
from bot.safety.signs import SignScan, sign_matcher
from bot.safety.text import normalise

# Answers to the bot's own questions (context.awaiting).
AFFIRM = re.compile(
    r"^\W*(?:yes|yeah|yea|yep|yup|yh|ya|aye|correct|i think so|think so|definitely|he is|she is|they are|he has|she has|it is|it does)\b"
)
DENY = re.compile(r"^\W*(?:no|nope|nah|not really|none|neither|nothing|not that i|nothing like|none of)\b")
UNSURE = re.compile(
    r"\b(?:not sure|unsure|dunno|dont know|do not know|no idea|cant tell|can not tell|cannot tell|maybe|possibly|might be|hard to tell|not certain)\b"
)
REASSURING = re.compile(r"\b(?:fine|ok|okay|normal|normally|well|good|great|loads|plenty|lots|usual|as normal|happy)\b")
ASSERTED_FEVER = re.compile(r"\b(?:fever|feverish|febrile|temperature|temp|temps|high\s+temp|high\s+temperature)\b")
FEVER_GONE = re.compile(
    r"\b(?:no|without|not\s+got\s+a|hasnt\s+got\s+a)\s+(?:fever|temp|temperature)\b|\bfever\s+(?:has\s+)?gone\b"
)
# Which unanswered question maps to which sign when the parent answers yes/no.
QUESTION_SIGNS = {
    "feeding": {"deny": "poor_feeding"},
    "wee": {"deny": "no_wee"},
    "red_flags": {"affirm": "reported_red_flag"},
}
# A yes or no answers the pending question only when it is bare ("no", "nope
# not really") or talks about that question's topic; "no rash" answers nothing.
QUESTION_TOPICS = {
    "feeding": {
        "feed",
        "feeding",
        "feeds",
        "drink",
        "drinking",
        "drinks",
        "milk",
        "bottle",
        "bottles",
        "eat",
        "eating",
        "breast",
        "breastfeeding",
        "food",
        "fluids",
        "water",
    },
    "wee": {"wee", "wees", "weed", "nappy", "nappies", "wet", "pee", "peed", "toilet", "urine", "diaper"},
    "red_flags": set(),
}
BARE_ANSWER_WORDS = 4
REPORTED_RED_FLAG = "reported_red_flag"


@dataclass
class Context:
    """What earlier turns of the conversation established."""

    age_months: Optional[float] = None
    temperature_c: Optional[float] = None
    fever_days: Optional[float] = None
    fever_reported: bool = False
    child_described: bool = False
    awaiting: Optional[str] = None
    today: Optional[dt.date] = None

    @classmethod
    def from_dict(cls, data: Optional[Dict[str, Any]]) -> Context:
        data = dict(data or {})
        known = {k: data.get(k) for k in cls.__dataclass_fields__ if k in data}
        for key in ("age_months", "temperature_c", "fever_days"):
            if known.get(key) is not None:
                known[key] = float(known[key])
        for key in ("fever_reported", "child_described"):
            if key in known:
                known[key] = bool(known[key])
        return cls(**known)


@dataclass(frozen=True)
class Finding:
    sign: str
    level: Level
    label: str
    evidence: str


@dataclass
class Assessment:
    level: Level
    findings: List[Finding] = field(default_factory=list)
    age_months: Optional[float] = None
    temperature_c: Optional[float] = None
    fever_days: Optional[float] = None
    fever_reported: bool = False
    child_described: bool = False
    topic: bool = False
    negated: List[str] = field(default_factory=list)
    hypothetical: List[str] = field(default_factory=list)
    resolved: List[str] = field(default_factory=list)
    answered: Optional[str] = None
    unsure: bool = False
    # The message answers the question the bot asked last (awaiting).
    answers_question: bool = False

    @property
    def signs(self) -> List[str]:
        return [f.sign for f in self.findings]

    @property
    def emergency(self) -> bool:
        return self.level == Level.EMERGENCY

    def as_dict(self) -> Dict[str, Any]:
        data = asdict(self)
        data["level"] = self.level.label
        data["findings"] = [
            {"sign": f.sign, "level": f.level.label, "label": f.label, "evidence": f.evidence} for f in self.findings
        ]
        return data


def _label(sign: str) -> str:
    guidance = load_guidance()
    if sign in guidance.signs:
        return guidance.signs[sign]["label"]
    return RULE_LABELS.get(sign, sign.replace("_", " "))


RULE_LABELS = {
    "young_infant_fever": "a baby under 3 months with a temperature of 38C or more",
    "young_infant_reported_fever": "a baby under 3 months with a fever",
    "low_temperature": "a temperature under 36C",
    "infant_high_fever": "a baby of 3 to 6 months with a temperature of 39C or more",
    "prolonged_fever": "a fever that has lasted 5 days or more",
    "reported_red_flag": "one of the emergency signs on the list",
    "unsure_red_flag": "you are not sure whether an emergency sign is there",
}


FEED_WORDS = re.compile(
    r"\d\s*(?:oz|ml|mls)\b|\b(?:oz|ounces?|ml|mls|bottles?|feeds?|feeding|milk|drinks?|drunk|drank|breastfeeds?|cups?)\b"
)
_AMOUNT = r"(\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten)(?:\s*(?:oz|ounces?|ml|mls))?"
USUAL_AMOUNT = re.compile(rf"\b(?:normally|usually|usual|normal)\b(?:\s+\w+){{0,3}}?\s+{_AMOUNT}\b")
ACTUAL_AMOUNT = re.compile(
    rf"\b(?:had|has|taken|took|drunk|drank|managed|only|just|finished)\b(?:\s+\w+){{0,2}}?\s+{_AMOUNT}\b"
)


def feeding_ratio(text: str) -> Optional[float]:
    """How much of the usual feeds a baby took, when the text gives both amounts."""
    if not FEED_WORDS.search(text):
        return None
    usual = USUAL_AMOUNT.search(text)
    if usual:
        for actual in ACTUAL_AMOUNT.finditer(text):
            if actual.start(1) == usual.start(1):
                continue
            normal, taken = numbers.word_or_number(usual.group(1)), numbers.word_or_number(actual.group(1))
            if normal and taken is not None:
                return taken / normal
    amounts = [float(v) for v in re.findall(r"\b(\d+(?:\.\d+)?)\s*(?:oz|ounces?|ml|mls)\b", text)]
    if len(amounts) >= 2 and max(amounts) > 0:
        return min(amounts) / max(amounts)
    return None


def _words_present(norms: List[str], words: List[str], vocabulary: List[str]) -> bool:
    vocab = set(vocabulary)
    return bool(vocab & set(words)) or bool(vocab & set(norms))


def assess(text: str, context: Optional[Dict[str, Any] | Context] = None) -> Assessment:
    """Triage one message, given what the conversation already established."""
    ctx = context if isinstance(context, Context) else Context.from_dict(context)
    guidance = load_guidance()
    normalised = normalise(text or "")
    matcher = sign_matcher(guidance.digest)
    scan: SignScan = matcher.scan(normalised)
    findings: Dict[str, Finding] = {}

    def add(sign: str, level: Level, evidence: str) -> None:
        if sign not in findings or findings[sign].level < level:
            findings[sign] = Finding(sign, level, _label(sign), evidence)

    message_age = numbers.read_age_months(normalised, ctx.awaiting)
    age = message_age if message_age is not None else ctx.age_months
    for sign, match in scan.present.items():
        level = Level.parse(guidance.signs[sign]["level"])
        if sign == "no_wee":
            hours = numbers.read_hours_without_wee(normalised)
            limit = (
                guidance.threshold("no_wee_hours_young_infant")
                if age is not None and age < guidance.threshold("young_infant_months")
                else guidance.threshold("no_wee_hours")
            )
            if hours is not None and hours < limit:
                continue
        add(sign, level, match.text)

    # --- numbers -------------------------------------------------------------
    readings = [r.celsius for r in numbers.read_temperatures(normalised, ctx.awaiting)]
    message_temp = max(readings) if readings else None
    temps = [t for t in (message_temp, ctx.temperature_c) if t is not None]
    temperature = max(temps) if temps else None
    lowest = min(readings) if readings else ctx.temperature_c
    fever_in_context = ctx.fever_reported or ctx.awaiting == "fever_days"
    message_days = numbers.read_fever_days(normalised, ctx.today, fever_in_context)
    days_values = [d for d in (message_days, ctx.fever_days) if d is not None]
    fever_days = max(days_values) if days_values else None
    asserted_fever = bool(ASSERTED_FEVER.search(normalised)) and not FEVER_GONE.search(normalised)
    fever_reported = ctx.fever_reported or asserted_fever or (temperature is not None and temperature >= 38)

    young = guidance.threshold("young_infant_months")
    if lowest is not None and lowest < guidance.threshold("low_temperature_c"):
        add("low_temperature", Level.EMERGENCY, f"{lowest:g}C")
    if age is not None and age < young:
        if temperature is not None and temperature >= guidance.threshold("young_infant_fever_c"):
            add("young_infant_fever", Level.EMERGENCY, f"{temperature:g}C at {age:.1f} months")
        elif temperature is None and asserted_fever and not scan.hypothetical_tokens and not _general_question(scan):
            add("young_infant_reported_fever", Level.EMERGENCY, "fever reported, under 3 months")
    if (
        age is not None
        and young <= age <= guidance.threshold("infant_band_max_months")
        and temperature is not None
        and temperature >= guidance.threshold("infant_high_fever_c")
    ):
        add("infant_high_fever", Level.URGENT, f"{temperature:g}C at {age:.1f} months")
    if fever_days is not None and fever_days >= guidance.threshold("prolonged_fever_days"):
        add("prolonged_fever", Level.URGENT, f"{fever_days:g} days")
    if (
        "fever_not_settling" not in findings
        and message_temp is not None
        and message_temp >= 38.5
        and re.search(r"\b(?:calpol|paracetamol|ibuprofen|nurofen|medicine|meds|calprofen)\b", normalised)
        and re.search(r"\bstill\b", normalised)
    ):
        add("fever_not_settling", Level.URGENT, f"still {message_temp:g}C after medicine")

    if "poor_feeding" not in findings:
        ratio = feeding_ratio(normalised)
        if ratio is not None and ratio < 0.5:
            add("poor_feeding", Level.URGENT, f"{ratio:.0%} of the usual feeds")

    # --- answers to the bot's own questions ---------------------------------------
    answered = None
    unsure = False
    mapping = QUESTION_SIGNS.get(ctx.awaiting or "")
    if mapping and not findings:
        words = [w for w in scan.words if w.isalnum()]
        short = len(words) <= BARE_ANSWER_WORDS or bool(set(words) & QUESTION_TOPICS.get(ctx.awaiting or "", set()))
        if UNSURE.search(normalised) and ctx.awaiting == "red_flags":
            unsure = True
            add("unsure_red_flag", Level.URGENT, normalised[:60])
        elif short and DENY.search(normalised) and "deny" in mapping and not REASSURING.search(normalised):
            sign = mapping["deny"]
            add(sign, Level.parse(guidance.signs[sign]["level"]), normalised[:60])
            answered = "deny"
        elif short and AFFIRM.search(normalised) and "affirm" in mapping and not REASSURING.search(normalised):
            add(REPORTED_RED_FLAG, Level.EMERGENCY, normalised[:60])
            answered = "affirm"

    answers_question = False
    if ctx.awaiting == "age":
        answers_question = message_age is not None
    elif ctx.awaiting == "temperature":
        answers_question = message_temp is not None or bool(DENY.search(normalised))
    elif ctx.awaiting in QUESTION_SIGNS:
        words = [w for w in scan.words if w.isalnum()]
        bare = len(words) <= BARE_ANSWER_WORDS or bool(set(words) & QUESTION_TOPICS.get(ctx.awaiting, set()))
        answers_question = bare and bool(
            AFFIRM.search(normalised) or DENY.search(normalised) or UNSURE.search(normalised)
        )
        answers_question = answers_question or bool(findings)

    # --- who and what the message is about -----------------------------------------
    complaint_vocab = set(guidance.vocabulary("complaint_words"))
    outside = [i for i in range(len(scan.words)) if i not in scan.hypothetical_tokens]
    complaint = any(scan.words[i] in complaint_vocab for i in outside)
    subject = _words_present(scan.norms, scan.words, guidance.vocabulary("subject_words"))
    question = bool(QUESTION_FORM.search(normalised))
    general = _general_question(scan)
    child_described = bool(findings) or (
        not general
        and (
            (
                complaint
                and (
                    subject
                    or message_age is not None
                    or message_temp is not None
                    or ctx.child_described
                    or not question
                )
            )
            or (
                message_age is not None
                and (
                    complaint
                    or ctx.child_described
                    or ctx.fever_reported
                    or message_temp is not None
                    or ctx.temperature_c is not None
                )
            )
            or (message_temp is not None and not question)
            or bool(scan.negated or scan.resolved)
        )
    )
    topic = _words_present(scan.norms, scan.words, guidance.vocabulary("topic_words")) or any(
        phrase in normalised for phrase in guidance.vocabulary("topic_phrases")
    )

    ranked = sorted(findings.values(), key=lambda f: -f.level)
    if ranked:
        level = ranked[0].level
    elif child_described:
        level = Level.ADVICE
    elif topic or scan.hypothetical:
        level = Level.INFO
    else:
        level = Level.NONE

    return Assessment(
        level=level,
        findings=ranked,
        age_months=age,
        temperature_c=temperature,
        fever_days=fever_days,
        fever_reported=fever_reported,
        child_described=child_described or ctx.child_described,
        topic=topic,
        negated=sorted(scan.negated),
        hypothetical=sorted(scan.hypothetical),
        resolved=sorted(scan.resolved),
        answered=answered,
        unsure=unsure,
        answers_question=answers_question,
    )


QUESTION_FORM = re.compile(
    r"\?|^\W*(?:what|whats|why|how|when|which|where|who|is|are|does|do|can|could|should|would|will)\b"
)
GENERAL_QUESTION = re.compile(
    r"^\W*(?:at\s+|in\s+|from\s+|with\s+)?(?:what|whats|why|how|when|which|where|who|is|are|does|do|can|could|should)\b(?!.*\b(?:my|our|mine|hes|shes|he|she|his|her|him)\b)"
)


def _general_question(scan: SignScan) -> bool:
    """A question about children in general ("whats a normal temperature for a baby")."""
    text = " ".join(scan.words)
    return bool(GENERAL_QUESTION.search(text))
