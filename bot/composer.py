"""The one reply composer: every bot turn is built here, from parts, in this order.

1. the line the level requires: 999 first for an emergency (the fixed text on the first
   emergency turn, sent by the Rasa server itself; the short reminder after that), 111
   first for urgent (the short reminder after the first time);
2. an acknowledgement of what the parent said, when it matters ("on our way", worry);
3. a direct answer to what the parent asked, from the answers catalogue (any state);
4. what the bot noted, if this message changed anything;
5. the next screening question, only if one is still needed.
For a calm turn the short safety line closes the turn when no part names 999 or 111.

Every message carries its guidance keys (`guidance_keys`) and the level it expresses
(`level`); the guard, the renderers, the page and the staff portal read those, never the
wording. A message longer than 120 characters is never sent twice in a conversation:
the keys of what was said are kept in the `said` slot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from bot import answers, replies
from bot.dialogue import person
from bot.guidance import load_guidance
from bot.replies import KEYS_FIELD, Message
from bot.safety.levels import Level

LEVEL_FIELD = "level"
WORRY_ONLY = {"parent_concern"}
LONG_MESSAGE = 120
HOME_FILM = "fever_at_home"

# Topic -> the catalogue item that answers it (a person's variant is the key + .self/.other).
TOPIC_KEYS: Dict[str, str] = {
    topic: f"answer.{topic}"
    for topic in (
        "fever_by_age",
        "medicines",
        "while_waiting",
        "fit_first_aid",
        "take_temperature",
        "fever_duration",
        "bath_clothing",
        "teething",
        "skin_look",
        "glass_test",
        "nursery_school",
        "contagious",
        "who_to_call",
        "dont_delay",
        "travel_to_ae",
        "sent_home_worse",
        "drinks_feeding",
        "what_is_sepsis",
        "signs",
        "meningitis",
        "home_care",
        "will_be_ok",
        "cannot_reach",
        "cost",
    )
}
# Keys whose message expresses a level (styling and checks read this, never the text).
LEVEL_OF_KEY: Dict[str, str] = {
    "emergency.call_999": "emergency",
    "emergency.treatment_line": "emergency",
    "emergency.reminder": "emergency",
    "suspect.lead": "emergency",
    "urgent.call_111": "urgent",
    "urgent.call_111.self": "urgent",
    "urgent.call_111.other": "urgent",
    "urgent.reminder": "urgent",
}


def level_of(keys: List[str]) -> str:
    for key in keys:
        if key in LEVEL_OF_KEY:
            return LEVEL_OF_KEY[key]
    return "none"


def tag(msg: Message) -> Message:
    """Give a message its level metadata from its keys."""
    msg[LEVEL_FIELD] = level_of(replies.message_keys(msg))
    if isinstance(msg.get("custom"), dict):
        msg["custom"].setdefault(LEVEL_FIELD, msg[LEVEL_FIELD])
    return msg


@dataclass
class Turn:
    """What the conversation knows and what this message said (read from the tracker)."""

    level: Level
    message_level: Level
    text: str = ""
    intent: Optional[str] = None
    intent_confidence: float = 0.0
    signs: List[str] = field(default_factory=list)
    message_signs: List[str] = field(default_factory=list)
    age_months: Optional[float] = None
    temperature_c: Optional[float] = None
    fever_days: Optional[float] = None
    message_temperature: Optional[float] = None
    new_facts: List[str] = field(default_factory=list)
    child_described: bool = False
    asked: List[str] = field(default_factory=list)
    said: List[str] = field(default_factory=list)
    screened: bool = False
    suspected: Optional[str] = None
    about: Optional[str] = None
    medicines_given: List[str] = field(default_factory=list)
    temperature_at: Optional[str] = None
    emergency_sent: bool = False  # the Rasa server sent the emergency line this turn
    films_shown: List[str] = field(default_factory=list)


@dataclass
class Composed:
    messages: List[Message]
    asked: List[str]
    said: List[str]
    awaiting: Optional[str]
    about: str
    medicines_given: List[str]
    films: List[str] = field(default_factory=list)


def variant(key: str, about: Optional[str]) -> str:
    guidance = load_guidance()
    special = key + person.suffix(about)
    return special if special != key and guidance.has_text(special) else key


def msg(*keys: str, **values: Any) -> Message:
    guidance = load_guidance()
    return tag({"text": " ".join(guidance.text(k, **values) for k in keys), KEYS_FIELD: list(keys)})


def signature(m: Message) -> str:
    """What identifies a message for the no-repeat rule (a card: its content too)."""
    if m.get("signature"):
        return str(m["signature"])
    return "+".join(replies.message_keys(m)) or replies.message_text(m)[:60]


# --- facts the parent gave --------------------------------------------------------------

MEDICINE = re.compile(
    r"(?:^|[.!?;]\s*|\b)([^.!?;]{0,50}\b(?:gave|given|give\s+(?:him|her|them)\s+(?:some|a)|had|has\s+had|took|taken|on)\b[^.!?;]{0,40}?"
    r"\b(?:calpol|paracetamol|ibuprofen|nurofen|calprofen|antibiotics?|amoxicillin|penicillin|medicine|inhaler|steroids?)\b[^.!?;]{0,40})",
    re.IGNORECASE,
)


def medicines_said(text: str) -> List[str]:
    """Medicines the parent says were given, in their own words (never a question)."""
    found = []
    for match in MEDICINE.finditer(text):
        clause = match.group(1).strip(" ,")
        if answers.is_question(clause) or re.search(r"\b(?:should|can|could|shall|allowed)\b", clause, re.I):
            continue
        found.append(clause[:90])
    return found


def age_words(months: float) -> str:
    if months < 1:
        days = round(months * 30.4)
        return f"{days} day{'s' if days != 1 else ''}"
    if months < 3:
        weeks = round(months * 4.345)
        return f"{weeks} weeks"
    if months < 24:
        whole = round(months)
        return f"{whole} month{'s' if whole != 1 else ''}"
    years = int(months // 12)
    return f"{years} years"


def days_words(days: float) -> str:
    if days < 1:
        hours = round(days * 24)
        return f"{hours} hours"
    whole = round(days, 1)
    whole_text = f"{whole:g}"
    return f"{whole_text} day{'s' if whole != 1 else ''}"


def noted(turn: Turn) -> Optional[Message]:
    facts = []
    if "age" in turn.new_facts and turn.age_months is not None and turn.about != person.SELF:
        facts.append(f"{age_words(turn.age_months)} old")
    if "temperature" in turn.new_facts and turn.temperature_c is not None:
        facts.append(f"{turn.temperature_c:g}C")
    if "fever_days" in turn.new_facts and turn.fever_days is not None:
        facts.append(f"unwell for {days_words(turn.fever_days)}")
    if not facts:
        return None
    return msg("chat.noted", facts=", ".join(facts))


# --- the handover card -------------------------------------------------------------------


def handover_card(turn: Turn) -> Optional[Message]:
    guidance = load_guidance()
    lines: List[str] = []
    if turn.age_months is not None:
        lines.append(guidance.text("handover.age", value=age_words(turn.age_months)))
    if turn.temperature_c is not None:
        lines.append(
            guidance.text(
                "handover.temperature", value=f"{turn.temperature_c:g}", time=turn.temperature_at or "earlier"
            )
        )
    if turn.fever_days is not None:
        lines.append(guidance.text("handover.days", value=days_words(turn.fever_days)))
    labels = replies.sign_labels(turn.signs, Level.URGENT)
    if labels:
        lines.append(guidance.text("handover.signs", value="; ".join(labels)))
    if turn.medicines_given:
        lines.append(guidance.text("handover.medicines", value="; ".join(turn.medicines_given)))
    if not lines or (len(lines) == 1 and set(turn.signs) <= WORRY_ONLY):
        return None  # nothing to hand over beyond the parent's worry
    title = guidance.text("handover.title")
    plain = f"{title}\n" + "\n".join(f"- {line}" for line in lines)
    level = "emergency" if turn.level >= Level.EMERGENCY else "urgent"
    return {
        "text": plain,
        "signature": "handover.card:" + hashlib.sha1(plain.encode("utf8")).hexdigest()[:10],
        KEYS_FIELD: ["handover.card"],
        LEVEL_FIELD: "none",
        "custom": {
            "type": "handover_card",
            "title": title,
            "lines": lines,
            "text": plain,
            KEYS_FIELD: ["handover.card"],
            LEVEL_FIELD: level,
        },
    }


# --- answers -----------------------------------------------------------------------------


def answer(turn: Turn, topic: Optional[str]) -> List[Message]:
    """The catalogue's answer to the parent's question, in the person's wording."""
    if topic == "handover":
        return []
    if topic is None:
        return intent_answer(turn)
    if topic == "what_to_do":
        topic = "while_waiting"  # "what do I do now": read by the conversation's level below
    emergency = turn.level >= Level.EMERGENCY
    urgent = turn.level == Level.URGENT
    if topic == "while_waiting" and not (emergency or urgent):
        topic = "home_care" if turn.child_described else "who_to_call"
    key = TOPIC_KEYS[topic]
    if topic == "drinks_feeding" and emergency:
        topic = "while_waiting"  # "can I give her a drink" while help comes
    key = TOPIC_KEYS[topic]
    if topic == "while_waiting" and urgent:
        key = "answer.who_to_call"
    if topic == "medicines" and emergency:
        key = "answer.medicines.emergency"
    elif topic == "travel_to_ae" and urgent:
        key = "answer.travel_to_ae.urgent"
    elif topic == "dont_delay":
        key = "answer.dont_delay.emergency" if emergency else "answer.dont_delay.urgent" if urgent else key
    elif topic == "signs" and re.search(
        r"\b(?:adults?|grown.?ups?|elderly|older\s+people|myself|men|women)\b", turn.text, re.I
    ):
        key = "answer.signs.self"
    else:
        key = variant(key, turn.about)
    out = []
    reading = turn.message_temperature if turn.message_temperature is not None else reading_in(turn.text)
    if topic == "fever_by_age" and reading is not None:
        high = reading >= load_guidance().threshold("fever_c")
        out.append(msg("answer.reading_high" if high else "answer.reading_not_high", reading=f"{reading:g}"))
    out.append(msg(key))
    if topic == "who_to_call" and turn.about == person.CHILD:
        out[-1] = msg(key, how_111_key(turn))
    return out


CELSIUS_READING = re.compile(r"(?<![\d.])(3[4-9]|4[0-2])(?:[.,](\d))?(?![\d.])")


def reading_in(text: str) -> Optional[float]:
    """A body temperature in Celsius named in a question ("is 38.4 high for a 5 year old")."""
    match = CELSIUS_READING.search(text)
    if not match:
        return None
    return float(f"{match.group(1)}.{match.group(2) or 0}")


def intent_answer(turn: Turn) -> List[Message]:
    """Questions the NLU knows that are not in the catalogue's topics (the films, facts)."""
    intent = turn.intent or ""
    if intent in replies.FILM_INTENTS and turn.intent_confidence >= 0.6:
        out = []
        if intent == "sent_home_from_ae":
            out.append(msg("answer.sent_home_worse"))
        return out + [
            tag(m) for m in replies.films(replies.FILM_INTENTS[intent]) if "safety_line" not in replies.message_keys(m)
        ]
    if intent == "ask_capabilities" and turn.intent_confidence >= 0.7:
        return [msg("answer.capabilities")]
    if intent == "bot_challenge" and turn.intent_confidence >= 0.7 and turn.level < Level.URGENT:
        return [msg("chat.bot_challenge")]
    key = replies.INFO_INTENTS.get(intent)
    if key and turn.intent_confidence >= 0.5:
        return [msg(variant(key, turn.about))]
    return []


def how_111_key(turn: Turn) -> str:
    if turn.about != person.CHILD:
        return "urgent.how_111.five_plus"
    if turn.age_months is None:
        return "urgent.how_111.unknown_age"
    under_five = turn.age_months < load_guidance().threshold("under_five_months")
    return "urgent.how_111.under_5" if under_five else "urgent.how_111.five_plus"


# --- the turn ----------------------------------------------------------------------------

CHAT_INTENTS = {"greet", "goodbye", "thank", "bot_challenge", "ask_capabilities", "out_of_scope", "affirm", "deny"}


def compose(turn: Turn) -> Composed:
    """Every message of this bot turn after any line the Rasa server already sent."""
    asked = list(turn.asked)
    said = list(turn.said)
    about = turn.about or person.CHILD
    turn.about = about
    out: List[Message] = []
    question: Optional[str] = None
    topics = answers.find_topics(turn.text, turn.intent, turn.intent_confidence)
    topic = topics[0] if topics else None
    closing = turn.intent in ("thank", "goodbye") or bool(answers.THANKS_ONLY.match(answers.normalise(turn.text)))
    closing = (
        closing
        and topic is None
        and not turn.new_facts
        and turn.message_level < Level.URGENT
        and not answers.is_question(turn.text)
    )

    # 1. the line the level requires
    if turn.level >= Level.EMERGENCY:
        if not turn.emergency_sent:
            out.append(msg("emergency.reminder"))
    elif turn.suspected:
        lead, suspect_question = replies.suspicion_reply(turn.suspected)
        out.append(tag(lead))
        if turn.level == Level.URGENT:
            out += urgent_line(turn, asked)
        out.append(tag(suspect_question))
        return finish(out, asked, said, f"suspect:{turn.suspected}", about, turn)
    elif turn.level == Level.URGENT:
        out += urgent_line(turn, asked)

    # 2. acknowledgement
    if turn.level >= Level.URGENT and answers.on_the_way(turn.text):
        out.append(msg("chat.ack_on_way"))
    elif answers.worried(turn.text) and "ack_worry" not in asked and turn.level >= Level.URGENT:
        asked.append("ack_worry")
        out.append(msg("chat.ack_worry"))

    # 3. the answer
    answered = answer(turn, topic)
    for other in topics[1:]:
        extra = answer(turn, other)
        if other != "handover" and not {signature(m) for m in extra} & {signature(m) for m in answered}:
            answered += extra
    card = None
    card_sent = any(s.startswith("handover.card") for s in said)
    if topic == "handover" or (turn.level >= Level.URGENT and not card_sent):
        card = handover_card(turn)
        if card and card["signature"] in said:
            card = msg("handover.see_above") if topic == "handover" else None  # the same card is above

    if turn.level >= Level.EMERGENCY:
        out += answered
        out += emergency_detail(turn, said, bool(answered))
        if card:
            out.append(card)
        if closing:
            out.append(msg("chat.goodbye"))
        return finish(out, asked, said, None, about, turn)

    if closing:
        out += closing_reply(turn, asked, said)
        return finish(out, asked, said, None, about, turn)

    # 4-5. calm and urgent turns: screening, reassurance only after it, the next question
    if turn.level == Level.URGENT:
        out += answered
        note = noted(turn)
        if note:
            out.append(note)
        reasons = urgent_reasons(turn, said)
        if reasons:
            out.append(reasons)
        if card:
            out.append(card)
        if "red_flags" not in asked:
            question = "red_flags"
    elif turn.child_described or turn.level == Level.ADVICE:
        first = "advice" not in asked
        if first:
            asked.append("advice")
        question = next_question(turn, asked)
        # NHS 111's order: the questions first, the disposition after.
        reassure = question is None and may_reassure(turn) and "reassured" not in asked
        if reassure:
            asked.append("reassured")
            out += [
                msg(variant("advice.well_child", about)),
                msg("home_care.drinks", "home_care.cooling", "home_care.check_night"),
            ]
        elif first:
            out.append(msg(variant("advice.screen_first", about)))
        out += answered
        note = noted(turn) if not first else None
        if note and not reassure:
            out.append(note)
        if reassure and "closing" not in asked:
            asked.append("closing")
            out.append(msg(variant("safety_net", about)))
            out.append(tag(replies.film_message(HOME_FILM)))
    else:
        out += answered or chat_reply(turn, asked)
    if question:
        asked.append(question)
        out.append(question_message(question, about))
    return finish(out, asked, said, question, about, turn)


def minimal_reply(turn: Turn) -> List[Message]:
    """When composing fails: the line the level requires and the safety line, nothing else."""
    out: List[Message] = []
    if turn.level >= Level.EMERGENCY and not turn.emergency_sent:
        out.append(msg("emergency.reminder"))
    elif turn.level == Level.URGENT:
        out.append(msg("urgent.reminder"))
    out.append(msg("safety_line.short"))
    return out


def question_message(key: str, about: Optional[str]) -> Message:
    chosen = variant(f"question.{key}", about)
    guidance = load_guidance()
    m: Message = {
        "text": guidance.text(chosen),
        KEYS_FIELD: [f"question.{key}"] + ([chosen] if chosen != f"question.{key}" else []),
    }
    buttons = guidance.buttons(chosen)
    if buttons:
        m["buttons"] = buttons
    return tag(m)


def chat_reply(turn: Turn, asked: List[str]) -> List[Message]:
    intent = turn.intent or ""
    if intent == "greet":
        return [msg("chat.greet", "safety_line.short")]
    if intent == "out_of_scope" and turn.intent_confidence >= 0.5:
        return [msg("chat.out_of_scope", "safety_line.short")]
    return [msg("chat.fallback", "safety_line.short")]


def urgent_line(turn: Turn, asked: List[str]) -> List[Message]:
    if "urgent" not in asked:
        asked.append("urgent")
        key = variant("urgent.call_111", turn.about)
        if turn.about == person.CHILD:
            return [msg(key, how_111_key(turn))]
        return [msg(key)]
    return [msg("urgent.reminder")]


def urgent_reasons(turn: Turn, said: List[str]) -> Optional[Message]:
    labels = replies.sign_labels(turn.signs, Level.URGENT)
    told = "urgent_reasons:" + "|".join(sorted(turn.signs))
    if not labels or told in said:
        return None
    said.append(told)
    return tag(
        {
            "text": f"{replies.text('urgent_reasons')} {'; '.join(labels)}.",
            KEYS_FIELD: ["urgent_reasons"],
            "signs": sorted(labels),
        }
    )


def emergency_detail(turn: Turn, said: List[str], answered: bool) -> List[Message]:
    out: List[Message] = []
    labels = replies.sign_labels(turn.signs, Level.URGENT)
    told = "signs_you_told_me:" + "|".join(sorted(turn.signs))
    if labels and told not in said:
        said.append(told)  # again only when the parent tells us something new
        out.append(
            tag(
                {"text": f"{replies.text('signs_you_told_me')} {'; '.join(labels)}.", KEYS_FIELD: ["signs_you_told_me"]}
            )
        )
    if not answered:
        out.append(msg(variant("emergency.while_waiting", turn.about)))
    return out


def closing_reply(turn: Turn, asked: List[str], said: List[str]) -> List[Message]:
    """Thanks and goodbye: the safety net once in a conversation about someone unwell, then
    a one-line reminder."""
    if turn.level == Level.URGENT:
        return [msg("chat.goodbye")]
    if (turn.level == Level.ADVICE or turn.child_described) and "closing" not in asked:
        asked.append("closing")
        return [msg(variant("safety_net", turn.about)), msg("chat.goodbye")]
    if "closing" in asked or turn.level == Level.ADVICE:
        return [msg("safety_net.reminder")]
    return [msg("chat.thanks", "safety_line.short")]


def _state(turn: Turn, asked: List[str]) -> replies.TriageState:
    return replies.TriageState(level=turn.level, message_level=turn.message_level, signs=turn.signs,
                               age_months=turn.age_months, temperature_c=turn.temperature_c, asked=asked,
                               screened=turn.screened)  # fmt: skip


def may_reassure(turn: Turn) -> bool:
    if turn.about == person.SELF:
        return False  # an adult's own illness: no home-care reassurance from a chat
    return replies.may_reassure(_state(turn, turn.asked))


def next_question(turn: Turn, asked: List[str]) -> Optional[str]:
    key = replies.next_question(_state(turn, asked))
    if turn.about != person.CHILD and key in ("feeding", "wee"):
        return None  # the nappy and feeding questions are for young children
    return key


def finish(
    out: List[Message], asked: List[str], said: List[str], question: Optional[str], about: str, turn: Turn
) -> Composed:
    """Drop any long message already sent in this conversation; close a calm turn with the
    short safety line when nothing in it names 999 or 111."""
    kept: List[Message] = []
    for m in out:
        sig = signature(m)
        if len(replies.message_text(m)) > LONG_MESSAGE and sig in said:
            short = shortened(m)
            if short:
                kept.append(short)
            continue
        kept.append(m)
        if sig not in said:
            said.append(sig)
    level_line_sent = turn.emergency_sent or turn.level >= Level.URGENT
    if not level_line_sent and (not kept or not replies.has_escalation(kept)):
        # before a closing question: its quick replies (numbered on SMS) stay last
        at = len(kept) - 1 if kept and kept[-1].get("buttons") else len(kept)
        kept.insert(at, msg("safety_line.short"))
    films = [
        str(m["custom"]["key"])
        for m in kept
        if isinstance(m.get("custom"), dict) and m["custom"].get("type") == "film_card"
    ]
    return Composed(kept, asked, said, question, about, turn.medicines_given, films)


def shortened(m: Message) -> Optional[Message]:
    """An answer asked for again: its first sentence (the whole text was sent above)."""
    keys = replies.message_keys(m)
    if not any(k.startswith("answer.") for k in keys):
        return None
    suffix = load_guidance().text("chat.more_above")
    room = LONG_MESSAGE - len(suffix) - 1
    first = re.split(r"(?<=[.!?:;])\s", replies.message_text(m).strip(), maxsplit=1)[0]
    if len(first) > room:
        first = first[: room - 3].rsplit(" ", 1)[0].rstrip(",;:") + "..."
    text = f"{first} {suffix}"
    return tag({"text": text, KEYS_FIELD: keys + ["chat.more_above"]})


def now_hhmm(timestamp: Optional[float]) -> str:
    try:
        from zoneinfo import ZoneInfo

        moment = dt.datetime.fromtimestamp(timestamp or dt.datetime.now().timestamp(), ZoneInfo("Europe/London"))
    except Exception:
        moment = dt.datetime.fromtimestamp(timestamp or dt.datetime.now().timestamp())
    return moment.strftime("%H:%M")
