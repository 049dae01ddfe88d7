"""Exports of the filtered conversations: CSV (one row per message) and JSON.

Neither holds raw sender ids (a messaging sender can be a phone number): a
conversation is named by its portal key. Texts are redacted. CSV cells that a
spreadsheet would run as a formula (starting =, +, -, @, tab or carriage
return) get a leading apostrophe. JSON escapes <, > and & so that no viewer
can take it for HTML.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Dict, Iterable, List, Tuple

from sqlalchemy.engine import Engine

from bot.staff import clock, indexer, levels, review
from bot.staff.transcript import Transcript

MAX_CONVERSATIONS = 5000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = [
    "conversation",
    "conversation_started",
    "conversation_level",
    "review_status",
    "tags",
    "time",
    "channel",
    "speaker",
    "text",
    "intent",
    "confidence",
    "message_level",
    "signs_found",
    "actions",
]


def neutralise(value: Any) -> str:
    """A CSV cell that cannot run as a spreadsheet formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _conversations(engine: Engine, senders: Iterable[Tuple[str, str]]) -> Iterable[Tuple[str, Transcript, Any]]:
    for sender_id, key in senders:
        yield key, indexer.load_transcript(engine, sender_id), review.state(engine, sender_id)


def to_csv(engine: Engine, senders: Iterable[Tuple[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for key, transcript, state in _conversations(engine, senders):
        common = [
            key,
            clock.iso(transcript.first_at),
            levels.name(transcript.level_rank),
            state.status,
            ";".join(state.tags),
        ]
        for turn in transcript.turns:
            if turn.user is not None:
                message = turn.user
                writer.writerow(
                    neutralise(v)
                    for v in common
                    + [
                        clock.iso(message.at),
                        message.channel,
                        "parent",
                        message.text,
                        message.intent,
                        "" if message.confidence is None else f"{message.confidence:.3f}",
                        turn.level,
                        ";".join(f.sign for f in message.findings),
                        ";".join(turn.shown_actions),
                    ]
                )
            for reply in turn.replies:
                writer.writerow(
                    neutralise(v)
                    for v in common
                    + [
                        clock.iso(reply.at),
                        "",
                        "bot",
                        reply.text,
                        "",
                        "",
                        "",
                        "",
                        reply.utter_action,
                    ]
                )
    return out.getvalue()


def _turn_json(turn: Any) -> Dict[str, Any]:
    data: Dict[str, Any] = {
        "time": clock.iso(turn.at),
        "message_level": turn.level,
        "session_start": turn.session_start,
        "conversation_level": None if turn.triage_rank is None else levels.name(turn.triage_rank),
        "actions": turn.shown_actions,
        "fallback": turn.fallback,
    }
    if turn.user is not None:
        message = turn.user
        data["parent"] = {
            "text": message.text,
            "channel": message.channel,
            "intent": message.intent,
            "confidence": message.confidence,
            "level": message.level,
            "findings": [
                {"sign": f.sign, "level": f.level, "label": f.label, "evidence": f.evidence} for f in message.findings
            ],
            "negated": message.negated,
            "hypothetical": message.hypothetical,
            "resolved": message.resolved,
        }
    data["replies"] = [{"time": clock.iso(r.at), "text": r.text, "utter_action": r.utter_action} for r in turn.replies]
    return data


def to_json(engine: Engine, senders: Iterable[Tuple[str, str]], meta: Dict[str, Any]) -> str:
    conversations: List[Dict[str, Any]] = []
    for key, transcript, state in _conversations(engine, senders):
        conversations.append(
            {
                "conversation": key,
                "started": clock.iso(transcript.first_at),
                "last_activity": clock.iso(transcript.last_at),
                "channel": transcript.channel,
                "level": levels.name(transcript.level_rank),
                "review_status": state.status,
                "tags": state.tags,
                "notes": [{"author": n.author, "time": clock.iso(n.at), "text": n.text} for n in state.notes],
                "turns": [_turn_json(turn) for turn in transcript.turns],
            }
        )
    text = json.dumps({**meta, "conversations": conversations}, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
