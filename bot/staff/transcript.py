"""Rasa events -> a conversation as a clinician reads it: turns of what the
parent said, what the red-flag engine found, what the bot did and said.

Parsing is forgiving: an event with broken or unexpected JSON is skipped, never
fatal. All free text (the parent's, the bot's, finding evidence) is redacted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional

from bot.privacy.redact import redact
from bot.staff import levels

FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTIONS = frozenset({"action_fallback", "action_default_fallback"})
STILL_WORRIED_INTENT = "still_worried"
WORSE_OR_WORRIED_SIGNS = frozenset({"getting_worse", "parent_concern"})
LOW_CONFIDENCE = 0.5
HIDDEN_ACTIONS = frozenset({"action_listen", "action_session_start"})


@dataclass
class Finding:
    sign: str
    level_rank: int
    label: str
    evidence: str

    @property
    def level(self) -> str:
        return levels.name(self.level_rank)


@dataclass
class UserMessage:
    event_id: int
    at: float
    text: str
    intent: str
    confidence: Optional[float]
    channel: str
    level_rank: int
    findings: List[Finding] = field(default_factory=list)
    negated: List[str] = field(default_factory=list)
    hypothetical: List[str] = field(default_factory=list)
    resolved: List[str] = field(default_factory=list)

    @property
    def level(self) -> str:
        return levels.name(self.level_rank)

    @property
    def low_confidence(self) -> bool:
        return self.confidence is not None and self.confidence < LOW_CONFIDENCE

    @property
    def mentioned_signs(self) -> bool:
        """A sign was talked about without being found (negated, hypothetical, resolved)."""
        return bool(self.negated or self.hypothetical or self.resolved)


@dataclass
class BotReply:
    at: float
    text: str
    utter_action: str
    buttons: List[str] = field(default_factory=list)


@dataclass
class Turn:
    at: float
    user: Optional[UserMessage] = None
    session_start: bool = False
    actions: List[str] = field(default_factory=list)
    replies: List[BotReply] = field(default_factory=list)
    triage_rank: Optional[int] = None  # slot triage_level after this turn (conversation level)
    message_rank: Optional[int] = None  # slot message_level after this turn
    signs_found: Optional[List[str]] = None  # slot signs_found, when this turn set it
    new_signs: List[str] = field(default_factory=list)  # in signs_found now, not after the turn before

    @property
    def fallback(self) -> bool:
        intent_fallback = self.user is not None and self.user.intent == FALLBACK_INTENT
        return intent_fallback or any(a in FALLBACK_ACTIONS for a in self.actions)

    @property
    def level_rank(self) -> int:
        """This message's level: the slot if the actions set it, else the NLU's assessment."""
        ranks = [r for r in (self.message_rank, self.user.level_rank if self.user else None) if r is not None]
        return max(ranks) if ranks else 0

    @property
    def level(self) -> str:
        return levels.name(self.level_rank)

    @property
    def emergency(self) -> bool:
        return self.level_rank >= levels.EMERGENCY

    @property
    def shown_actions(self) -> List[str]:
        return [a for a in self.actions if a not in HIDDEN_ACTIONS]


@dataclass
class Transcript:
    sender_id: str
    turns: List[Turn]
    first_at: float
    last_at: float
    event_count: int
    max_event_id: int

    @property
    def user_messages(self) -> List[UserMessage]:
        return [t.user for t in self.turns if t.user is not None]

    @property
    def level_rank(self) -> int:
        """Highest level reached: the triage_level slot, or any message's own level."""
        ranks = [t.triage_rank for t in self.turns if t.triage_rank is not None]
        ranks += [t.level_rank for t in self.turns]
        return max(ranks, default=0)

    @property
    def channel(self) -> str:
        channels = [m.channel for m in self.user_messages if m.channel]
        return channels[-1] if channels else ""


def _data(row: Mapping[str, Any]) -> Dict[str, Any]:
    try:
        data = json.loads(row["data"] or "{}")
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _strings(values: Any) -> List[str]:
    return [str(v) for v in values if isinstance(v, (str, int, float))] if isinstance(values, list) else []


def _confidence(value: Any) -> Optional[float]:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _findings(safety: Dict[str, Any]) -> List[Finding]:
    found = []
    for item in safety.get("findings") or []:
        if isinstance(item, dict) and item.get("sign"):
            found.append(
                Finding(
                    str(item["sign"]),
                    levels.rank(item.get("level")),
                    redact(str(item.get("label") or "")),
                    redact(str(item.get("evidence") or "")),
                )
            )
    return found


def _user_message(row: Mapping[str, Any], data: Dict[str, Any]) -> UserMessage:
    parse = data.get("parse_data") if isinstance(data.get("parse_data"), dict) else {}
    intent = parse.get("intent") if isinstance(parse.get("intent"), dict) else {}
    safety = parse.get("safety") if isinstance(parse.get("safety"), dict) else {}
    return UserMessage(
        event_id=int(row["id"]),
        at=float(row["timestamp"] or data.get("timestamp") or 0.0),
        text=redact(str(data.get("text") or "")),
        intent=str(intent.get("name") or row.get("intent_name") or ""),
        confidence=_confidence(intent.get("confidence")),
        channel=str(data.get("input_channel") or ""),
        level_rank=levels.rank(safety.get("level")),
        findings=_findings(safety),
        negated=_strings(safety.get("negated")),
        hypothetical=_strings(safety.get("hypothetical")),
        resolved=_strings(safety.get("resolved")),
    )


def _bot_reply(row: Mapping[str, Any], data: Dict[str, Any]) -> BotReply:
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    extra = data.get("data") if isinstance(data.get("data"), dict) else {}
    buttons = [redact(str(b.get("title", ""))) for b in extra.get("buttons") or [] if isinstance(b, dict)]
    return BotReply(
        float(row["timestamp"] or 0.0),
        redact(str(data.get("text") or "")),
        str(metadata.get("utter_action") or ""),
        buttons,
    )


def _apply_slot(turn: Turn, name: str, value: Any) -> None:
    if name == "triage_level":
        turn.triage_rank = levels.rank(value)
    elif name == "message_level":
        turn.message_rank = levels.rank(value)
    elif name == "signs_found":
        turn.signs_found = _strings(value)


def parse_events(sender_id: str, rows: Iterable[Mapping[str, Any]]) -> Transcript:
    """Rows of the events table (id, type_name, timestamp, intent_name, action_name, data), oldest first."""
    turns: List[Turn] = []
    timestamps: List[float] = []
    count, max_id = 0, 0
    for row in rows:
        count += 1
        max_id = max(max_id, int(row["id"]))
        at = float(row["timestamp"] or 0.0)
        timestamps.append(at)
        kind = row["type_name"]
        data = _data(row)
        if kind == "user" or (kind == "session_started" and turns and turns[-1].user is not None):
            turns.append(Turn(at=at))
        elif not turns:
            turns.append(Turn(at=at))
        turn = turns[-1]
        if kind == "user":
            turn.user = _user_message(row, data)
        elif kind == "session_started":
            turn.session_start = True
        elif kind == "action":
            turn.actions.append(str(row.get("action_name") or data.get("name") or ""))
        elif kind == "bot":
            turn.replies.append(_bot_reply(row, data))
        elif kind == "slot":
            _apply_slot(turn, str(data.get("name") or row.get("action_name") or ""), data.get("value"))
    _mark_new_signs(turns)
    return Transcript(sender_id, turns, min(timestamps, default=0.0), max(timestamps, default=0.0), count, max_id)


def _mark_new_signs(turns: List[Turn]) -> None:
    """signs_found holds every sign so far (including ones the actions derive from
    several messages, such as a young baby's fever): credit each to the turn that added it."""
    before: List[str] = []
    for turn in turns:
        if turn.signs_found is None:
            continue
        turn.new_signs = [sign for sign in turn.signs_found if sign not in before]
        before = turn.signs_found
