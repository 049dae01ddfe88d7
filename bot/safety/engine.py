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
# The learned detector's yes/no question ("suspect:<sign>"): yes is an emergency sign.
SUSPECT_PREFIX = "suspect:"
SUSPECT_ANSWER = {"affirm": "reported_red_flag"}
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
    risks: List[str] = field(default_factory=list)
    # Words of earlier turns that later short answers lean on (rash, spots, cut, glass ...).
    topics: List[str] = field(default_factory=list)

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
        known["risks"] = [str(r) for r in (known.get("risks") or [])]
        known["topics"] = [str(t) for t in (known.get("topics") or [])]
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
    # Risk factors (NICE NG51) the conversation has mentioned, and whether the parent said
    # none of the emergency signs is there (the bot may reassure only after that).
    risks: List[str] = field(default_factory=list)
    screened: bool = False
    topics: List[str] = field(default_factory=list)
    # The message answers the question the bot asked last (awaiting).
    answers_question: bool = False
    # Signs read and set aside (a harmless cause, an illness word, a thing not a body).
    discounted: List[str] = field(default_factory=list)

    @property
    def signs(self) -> List[str]:
        return [f.sign for f in self.findings]

    @property
    def emergency(self) -> bool:
        return self.level == Level.EMERGENCY

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> Assessment:
        """The inverse of as_dict (the NLU component's result, read by the policy and guard)."""
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        known["level"] = Level.parse(data.get("level"))
        known["findings"] = [
            Finding(f["sign"], Level.parse(f["level"]), f.get("label", ""), f.get("evidence", ""))
            for f in data.get("findings") or []
        ]
        return cls(**known)

    def as_dict(self) -> Dict[str, Any]:
        data = asdict(self)
        data["level"] = self.level.label
        data["findings"] = [
            {"sign": f.sign, "level": f.level.label, "label": f.label, "evidence": f.evidence} for f in self.findings
        ]
        return data


def failure_assessment(reason: str) -> Assessment:
    """What every caller uses when the engine fails: an emergency, never silence or reassurance."""
    return Assessment(
        level=Level.EMERGENCY,
        findings=[Finding("engine_failure", Level.EMERGENCY, RULE_LABELS["engine_failure"], reason[:200])],
    )


def safe_assess(text: str, context: Optional[Dict[str, Any] | Context] = None) -> Assessment:
    """assess(), escalating when the engine itself fails."""
    try:
        return assess(text, context)
    except Exception as error:  # noqa: BLE001  (any engine fault must escalate)
        import logging

        logging.getLogger(__name__).exception("safety engine failed; escalating")
        return failure_assessment(f"{type(error).__name__}: {error}")


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
    "engine_failure": "(the safety check could not read your message, so to be safe I treat it as an emergency)",
    "fast_breathing_rate": "breathing faster than is safe for their age",
    "fast_heart_rate": "a heart rate faster than is safe for their age",
    "low_oxygen_saturation": "a low oxygen level",
    "slow_capillary_refill": "skin slow to turn pink again after pressing (capillary refill)",
    "immunosuppressed_unwell": "unwell or a fever with low immunity (for example chemotherapy)",
    "higher_risk_unwell": "unwell or a fever in someone at higher risk of sepsis",
}


FEED_WORDS = re.compile(
    r"\d\s*(?:oz|ml|mls)\b|\b(?:oz|ounces?|ml|mls|bottles?|feeds?|feeding|milk|drinks?|drunk|drank|breastfeeds?|cups?)\b"
)
_AMOUNT = r"(\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|couple|few)(?:\s+of)?(?:\s*(?:oz|ounces?|ml|mls))?"
# "normally 7", "instead of 7", "down from 7oz"
USUAL_AMOUNT = re.compile(
    rf"\b(?:normally|usually|usual|normal|instead\s+of|rather\s+than|down\s+from|compared\s+to)\b(?:\s+\w+){{0,3}}?\s+{_AMOUNT}\b"
)
ACTUAL_AMOUNT = re.compile(
    rf"\b(?:had|has|taken|took|taking|takes|drunk|drank|drinking|feeding|feeds|managed|only|just|finished)\b(?:\s+\w+){{0,2}}?\s+{_AMOUNT}\b"
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


NAPPY_COUNT = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|couple)\s+(?:of\s+)?(?:small\s+)?(?:wet\s+)?(?:nappies|nappy|nappys|diapers?|wees|pees)\b"
)
NAPPY_USUAL = re.compile(
    r"\b(?:normally|usually|usual|normal|instead\s+of|rather\s+than|down\s+from|compared\s+to)\b(?:\s+\w+){0,3}?\s+(\d+|one|two|three|four|five|six|seven|eight|nine|ten)\b"
)


def nappy_ratio(text: str) -> Optional[float]:
    """How many wet nappies (or wees) compared with the usual, when the text gives both."""
    actual, usual = NAPPY_COUNT.search(text), NAPPY_USUAL.search(text)
    if not actual or not usual or usual.start(1) == actual.start(1):
        return None
    normal, taken = numbers.word_or_number(usual.group(1)), numbers.word_or_number(actual.group(1))
    if not normal or taken is None:
        return None
    return taken / normal


def _words_present(norms: List[str], words: List[str], vocabulary: List[str]) -> bool:
    vocab = set(vocabulary)
    return bool(vocab & set(words)) or bool(vocab & set(norms))


def assess(text: str, context: Optional[Dict[str, Any] | Context] = None) -> Assessment:
    """Triage one message, given what the conversation already established."""
    ctx = context if isinstance(context, Context) else Context.from_dict(context)
    guidance = load_guidance()
    normalised = normalise(text or "")
    matcher = sign_matcher(guidance.digest)
    scan: SignScan = matcher.scan(normalised, frozenset(ctx.topics))
    findings: Dict[str, Finding] = {}

    def add(sign: str, level: Level, evidence: str) -> None:
        if sign not in findings or findings[sign].level < level:
            findings[sign] = Finding(sign, level, _label(sign), evidence)

    # Numbers in a hypothetical or general sentence ("if my 6 week old ever got 38") are not readings.
    factual = _factual_text(scan, normalised)
    message_age = numbers.read_age_months(factual, ctx.awaiting)
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
    readings = [r.celsius for r in numbers.read_temperatures(factual, ctx.awaiting)]
    message_temp = max(readings) if readings else None
    temps = [t for t in (message_temp, ctx.temperature_c) if t is not None]
    temperature = max(temps) if temps else None
    lowest = min(readings) if readings else ctx.temperature_c
    fever_in_context = ctx.fever_reported or ctx.awaiting == "fever_days"
    message_days = numbers.read_fever_days(factual, ctx.today, fever_in_context)
    days_values = [d for d in (message_days, ctx.fever_days) if d is not None]
    fever_days = max(days_values) if days_values else None
    asserted_fever = (
        bool(ASSERTED_FEVER.search(normalised))
        and not FEVER_GONE.search(normalised)
        and not (MEASURING_QUESTION.search(normalised) and not readings)
    )
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
        and message_temp >= guidance.threshold("fever_not_settling_c")
        and re.search(r"\b(?:calpol|paracetamol|ibuprofen|nurofen|medicine|meds|calprofen)\b", normalised)
        and re.search(r"\bstill\b", normalised)
    ):
        add("fever_not_settling", Level.URGENT, f"still {message_temp:g}C after medicine")

    adult_age = numbers.read_adult_age_years(factual)
    # an adult's counted rates are read against the adult band ("im 36 ... 30 a minute")
    vital_age = age if age is not None else (adult_age * 12 if adult_age is not None else None)
    for sign, level, evidence in vital_sign_findings(numbers.read_vitals(factual), vital_age):
        add(sign, level, evidence)
    risks = set(ctx.risks) | {s for s in scan.present if guidance.signs[s].get("risk_factor")}
    older = guidance.threshold("older_adult_years")
    if (adult_age is not None and adult_age >= older) or (age is not None and age >= older * 12):
        risks.add("older_adult")
    if (
        numbers.PREGNANT_WEEKS.search(factual) and not re.search(r"\b(?:baby|son|daughter|old)\b", factual)
    ) or numbers.PREGNANT_SELF.search(factual):
        risks.add("higher_risk")
    risks = sorted(risks)
    unwell = (
        fever_reported
        or bool(UNWELL.search(normalised))
        or any(
            f.level >= Level.URGENT for f in findings.values() if not guidance.signs.get(f.sign, {}).get("risk_factor")
        )
    )
    for sign in list(findings):
        if guidance.signs.get(sign, {}).get("risk_factor"):
            del findings[sign]  # a risk is not a sign by itself: it lowers the threshold
    if unwell or ctx.child_described:
        for sign, level, evidence in risk_findings(risks, guidance):
            add(sign, level, evidence)

    if "poor_feeding" not in findings:
        ratio = feeding_ratio(normalised)
        if ratio is not None and ratio < 0.5:
            add("poor_feeding", Level.URGENT, f"{ratio:.0%} of the usual feeds")

    if "reduced_urine" not in findings and "no_wee" not in findings and "reduced_urine" in guidance.signs:
        nappies = nappy_ratio(normalised)
        if nappies is not None and nappies <= 0.5:
            add(
                "reduced_urine",
                Level.parse(guidance.signs["reduced_urine"]["level"]),
                f"{nappies:.0%} of the usual wet nappies",
            )

    # --- answers to the bot's own questions ---------------------------------------
    answered = None
    unsure = False
    mapping = QUESTION_SIGNS.get(ctx.awaiting or "") or (
        SUSPECT_ANSWER if (ctx.awaiting or "").startswith(SUSPECT_PREFIX) else None
    )
    if mapping and not findings:
        words = [w for w in scan.words if w.isalnum()]
        short = len(words) <= BARE_ANSWER_WORDS or bool(set(words) & QUESTION_TOPICS.get(ctx.awaiting or "", set()))
        if UNSURE.search(normalised) and ctx.awaiting == "red_flags":
            unsure = True
            add("unsure_red_flag", Level.URGENT, normalised[:60])
        elif short and DENY.search(normalised) and "deny" not in mapping:
            answered = "deny"
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
    elif ctx.awaiting in QUESTION_SIGNS or (ctx.awaiting or "").startswith(SUSPECT_PREFIX):
        words = [w for w in scan.words if w.isalnum()]
        bare = len(words) <= BARE_ANSWER_WORDS or bool(set(words) & QUESTION_TOPICS.get(ctx.awaiting or "", set()))
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

    negated = set(scan.negated)
    if BLANCHES.search(normalised) and PRESSURE_TEST.search(normalised) and "non_blanching_rash" not in findings:
        negated.add("non_blanching_rash")  # "they go white when I press a glass on them": it fades
    screened = ctx.awaiting == "red_flags" and answered == "deny" and not findings
    topic_vocab = set(guidance.vocabulary("context_topics"))
    topics = sorted(set(ctx.topics) | (topic_vocab & (set(scan.words) | set(scan.norms))))
    return Assessment(
        level=level,
        topics=topics,
        risks=risks,
        screened=screened,
        findings=ranked,
        age_months=age,
        temperature_c=temperature,
        fever_days=fever_days,
        fever_reported=fever_reported,
        child_described=child_described or ctx.child_described,
        topic=topic,
        negated=sorted(negated),
        hypothetical=sorted(scan.hypothetical),
        resolved=sorted(scan.resolved),
        discounted=sorted((set(scan.explained) | set(scan.other_subject)) - {f.sign for f in ranked}),
        answered=answered,
        unsure=unsure,
        answers_question=answers_question,
    )


BLANCHES = re.compile(
    r"(?<!not )(?<!dont )(?<!doesnt )(?<!didnt )\b(?:fade|fades|faded|fading|blanch|blanches|blanched|blanching|"
    r"(?:go|goes|went|turn|turns|turned)\s+(?:white|pale|paler|lighter|away))\b"
)
PRESSURE_TEST = re.compile(r"\b(?:glass|tumbler|press|pressed|pressing|push|pushed|pushing)\b")
MEASURING_QUESTION = re.compile(
    r"\b(?:how|what|which|where|best\s+way)\b[^.?!]*\b(?:take|taking|measure|measuring|check|checking|use|using|read|reading)\b"
    r"[^.?!]*\b(?:temp|temperature|temps|thermometer)\b|\b(?:which|what|best)\s+(?:kind\s+of\s+|type\s+of\s+)?thermometer\b"
)
UNWELL = re.compile(
    r"\b(?:unwell|poorly|ill|rough|awful|terrible|dreadful|shivery|shivering|shaking|rigors|clammy|sick|not\s+right|"
    r"not\s+(?:himself|herself|themselves|myself)|off\s+colour|under\s+the\s+weather|hot|burning|boiling|infection|"
    r"feverish|flu|temp|temperature|fever|discharge|smelly|smells|pain|painful|ache|aches|achy|aching|cough|coughing|chesty|"
    r"vomiting|vomit|bleeding|breathless|headache|grim)\b"
)


def vital_sign_findings(readings: List[numbers.VitalReading], age: Optional[float]) -> List[tuple]:
    """Counted breathing and heart rates, oxygen levels and capillary refill, by age (NICE)."""
    guidance = load_guidance()
    out = []
    for reading in readings:
        table = guidance.vital_sign(reading.kind)
        label = table["label"].format(value=reading.value)
        level = Level.NONE
        if "bands" in table:
            band = _band(table["bands"], age)
            if band.get("emergency_over") is not None and reading.value > band["emergency_over"]:
                level = Level.EMERGENCY
            elif band.get("urgent_over") is not None and reading.value > band["urgent_over"]:
                level = Level.URGENT
        elif reading.kind == "oxygen_saturation":
            if reading.value < table["emergency_below"]:
                level = Level.EMERGENCY
            elif reading.value <= table["urgent_at_or_below"]:
                level = Level.URGENT
        elif reading.kind == "capillary_refill" and reading.value >= table["urgent_at_or_above"]:
            level = Level.URGENT
        if level >= Level.URGENT:
            out.append((VITAL_SIGNS[reading.kind], level, label))
    return out


def _band(bands: List[Dict[str, Any]], age: Optional[float]) -> Dict[str, Any]:
    """The band for this age; with no age known, the strictest urgent limit of the under 5s
    and their emergency limit (the cautious reading)."""
    if age is None:
        under_five = [b for b in bands if b["under_months"] <= 60]
        return {
            "urgent_over": min(b.get("urgent_over", 1e9) for b in under_five),
            "emergency_over": max((b["emergency_over"] for b in under_five if "emergency_over" in b), default=None),
        }
    for band in bands:
        if age < band["under_months"]:
            return band
    return bands[-1]


VITAL_SIGNS = {
    "breathing_rate": "fast_breathing_rate",
    "heart_rate": "fast_heart_rate",
    "oxygen_saturation": "low_oxygen_saturation",
    "capillary_refill": "slow_capillary_refill",
}


def risk_findings(risks: List[str], guidance: Any) -> List[tuple]:
    """A higher-risk person who is unwell or has a fever (NICE NG51/NG254)."""
    out = []
    for risk in risks:
        sign = guidance.signs.get(risk)
        if sign:
            out.append((sign["rule"], Level.parse(sign["level"]), sign["label"]))
    return out


QUESTION_FORM = re.compile(
    r"\?|^\W*(?:what|whats|why|how|when|which|where|who|is|are|does|do|can|could|should|would|will)\b"
)
GENERAL_QUESTION = re.compile(
    r"^\W*(?:at\s+|in\s+|from\s+|with\s+)?(?:what|whats|why|how|when|which|where|who|is|are|does|do|can|could|should)\b(?!.*\b(?:my|our|mine|hes|shes|he|she|his|her|him)\b)"
)


def _factual_text(scan: SignScan, normalised: str) -> str:
    """The message without its hypothetical or general sentences."""
    if not scan.hypothetical_tokens:
        return normalised
    return " ".join(w for i, w in enumerate(scan.words) if i not in scan.hypothetical_tokens)


def _general_question(scan: SignScan) -> bool:
    """A question about children in general ("whats a normal temperature for a baby")."""
    text = " ".join(scan.words)
    return bool(GENERAL_QUESTION.search(text))
