"""Build realistic rows of Rasa's events table (same JSON shape as Rasa 3.6 writes).

convo = Conversation("sender-1", channel="socketio", start=ts)
convo.user("my baby is floppy", "report_emergency_sign", 0.97, level="emergency",
           findings=[finding("reduced_consciousness", "emergency", "floppy")])
convo.slots(triage_level="emergency", message_level="emergency", signs_found=["reduced_consciousness"])
convo.action("utter_emergency").bot("Call 999 now ...", utter_action="utter_emergency")
insert(engine, convo)
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Dict, Iterable, List, Optional

import sqlalchemy as sa

from bot.staff.schema import events

METADATA = {"model_id": "06410154fa96429f99f8693e16529ced", "assistant_id": "sepsis-fever-safety-netting"}
LABELS = {
    "reduced_consciousness": "floppy, very sleepy, hard to wake or not responding as they normally do",
    "non_blanching_rash": "a rash or spots that do not fade when a glass is pressed on them",
    "breathing_difficulty": "breathing very fast, struggling to breathe, grunting or pauses in breathing",
    "seizure": "a fit, seizure or convulsion",
    "poor_feeding": "not feeding, or taking less than half their usual feeds or drinks",
    "getting_worse": "getting worse, or not improving after being seen",
    "parent_concern": "you are more worried, feel something is seriously wrong, or your child is not their usual self",
}


def finding(sign: str, level: str, evidence: str) -> Dict[str, str]:
    return {"sign": sign, "level": level, "label": LABELS.get(sign, sign.replace("_", " ")), "evidence": evidence}


class Conversation:
    def __init__(self, sender_id: Optional[str] = None, channel: str = "rest", start: float = 1_795_000_000.0) -> None:
        self.sender_id = sender_id or f"test-{uuid.uuid4().hex[:12]}"
        self.channel = channel
        self.clock = start
        self.rows: List[Dict[str, Any]] = []
        self._event(
            "action", {"name": "action_session_start", "policy": None, "confidence": 1.0}, "action_session_start"
        )
        self._event("session_started", {})
        self.action("action_listen")

    def _tick(self, seconds: float = 0.01) -> float:
        self.clock += seconds
        return self.clock

    def _event(
        self,
        kind: str,
        body: Dict[str, Any],
        action_name: Optional[str] = None,
        intent_name: Optional[str] = None,
        seconds: float = 0.01,
    ) -> None:
        at = self._tick(seconds)
        data = {"event": kind, "timestamp": at, "metadata": dict(METADATA), **body}
        self.rows.append(
            {
                "sender_id": self.sender_id,
                "type_name": kind,
                "timestamp": at,
                "intent_name": intent_name,
                "action_name": action_name,
                "data": json.dumps(data),
            }
        )

    def user(
        self,
        text: str,
        intent: str = "describe_sick_child",
        confidence: float = 0.95,
        level: str = "none",
        findings: Iterable[Dict[str, str]] = (),
        negated: Iterable[str] = (),
        hypothetical: Iterable[str] = (),
        resolved: Iterable[str] = (),
        after: float = 30.0,
    ) -> Conversation:
        safety = {
            "level": level,
            "findings": list(findings),
            "age_months": None,
            "temperature_c": None,
            "fever_days": None,
            "fever_reported": False,
            "child_described": True,
            "topic": True,
            "negated": list(negated),
            "hypothetical": list(hypothetical),
            "resolved": list(resolved),
            "answered": None,
            "unsure": False,
            "answers_question": False,
        }
        message_id = uuid.uuid4().hex
        parse = {
            "intent": {"name": intent, "confidence": confidence},
            "entities": [],
            "text": text,
            "message_id": message_id,
            "metadata": {},
            "intent_ranking": [{"name": intent, "confidence": confidence}],
            "safety": safety,
        }
        body = {"text": text, "parse_data": parse, "input_channel": self.channel, "message_id": message_id}
        self._event("user", body, intent_name=intent, seconds=after)
        self._event("user_featurization", {"use_text_for_featurization": False})
        return self

    def slots(self, **values: Any) -> Conversation:
        for name, value in values.items():
            self._event("slot", {"name": name, "value": value}, action_name=name)
        return self

    def triaged(self, level: str, signs: Iterable[str] = (), message_level: Optional[str] = None) -> Conversation:
        return self.slots(triage_level=level, message_level=message_level or level, signs_found=list(signs))

    def action(self, name: str) -> Conversation:
        self._event(
            "action",
            {"name": name, "policy": "RulePolicy", "confidence": 1.0, "action_text": None, "hide_rule_turn": False},
            action_name=name,
        )
        return self

    def bot(self, text: str, utter_action: Optional[str] = None) -> Conversation:
        metadata = {**METADATA, **({"utter_action": utter_action} if utter_action else {})}
        body = {
            "text": text,
            "data": {
                "elements": None,
                "quick_replies": None,
                "buttons": None,
                "attachment": None,
                "image": None,
                "custom": None,
            },
        }
        at = self._tick()
        data = {"event": "bot", "timestamp": at, **body, "metadata": metadata}
        self.rows.append(
            {
                "sender_id": self.sender_id,
                "type_name": "bot",
                "timestamp": at,
                "intent_name": None,
                "action_name": None,
                "data": json.dumps(data),
            }
        )
        return self

    def listen(self) -> Conversation:
        return self.action("action_listen")


def insert(engine: sa.engine.Engine, *conversations: Conversation) -> None:
    with engine.begin() as connection:
        for conversation in conversations:
            connection.execute(sa.insert(events), conversation.rows)


# --- ready-made conversations -------------------------------------------------
EMERGENCY_TEXT = (
    'Call 999 now or go to A&E. What you describe is an emergency sign: say "I think this could be sepsis".'
)
URGENT_TEXT = "Call NHS 111 now or see a GP today: what you describe needs a health professional to check your child."
ADVICE_TEXT = "From what you have told me there are no signs of serious illness right now."


def emergency(
    start: float,
    channel: str = "socketio",
    text: str = "my baby is floppy and wont wake up",
    sender_id: Optional[str] = None,
) -> Conversation:
    convo = Conversation(sender_id, channel, start)
    convo.user(
        text,
        "report_emergency_sign",
        0.98,
        level="emergency",
        findings=[finding("reduced_consciousness", "emergency", "floppy")],
    )
    convo.triaged("emergency", ["reduced_consciousness"]).action("utter_emergency")
    convo.bot(EMERGENCY_TEXT, "utter_emergency").action("action_escalate").bot("Signs you told me about: floppy.")
    return convo.listen()


def advice(
    start: float,
    channel: str = "rest",
    text: str = "my son is 2 and has a temperature of 38.4",
    sender_id: Optional[str] = None,
) -> Conversation:
    convo = Conversation(sender_id, channel, start)
    convo.user(text, "describe_sick_child", 0.97, level="advice").triaged("advice").action("action_triage")
    return convo.bot(ADVICE_TEXT).listen()
