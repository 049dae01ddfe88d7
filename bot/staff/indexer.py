"""Keeps the conversation index (staff_conversations, staff_turns,
staff_turn_signs) in step with Rasa's events table.

A conversation is rebuilt whole whenever its event count or newest event id
changed. Only senders with events near or after the last indexed id are
checked (RESCAN_IDS back, because PostgreSQL can commit ids out of order), so
a refresh costs little; `refresh(full=True)` (`python -m bot staff reindex`)
checks every conversation.

Review-queue reasons are decided here, once per conversation:
  low_confidence        a parent's message had intent confidence below 0.5
  fallback              nlu_fallback, action_fallback or action_default_fallback
  worse_or_worried      intent still_worried, or the signs getting_worse / parent_concern
  concern_below_urgent  the conversation never reached urgent although a sign was
                        talked about: a sign the engine took as negated ("not
                        floppy"), hypothetical ("what if he has a fit") or resolved
                        ("the rash has gone"), or a finding below urgent. These are
                        where a wrong negation or a misunderstanding would leave a
                        sick child under-triaged.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from typing import Any, Dict, List, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from bot.guidance import load_guidance
from bot.staff import clock, levels
from bot.staff.schema import conversations, events, get_meta, set_meta, turn_signs, turns
from bot.staff.transcript import STILL_WORRIED_INTENT, WORSE_OR_WORRIED_SIGNS, Transcript, parse_events

logger = logging.getLogger(__name__)

RESCAN_IDS = 2000
MAX_REBUILDS = 2000  # per refresh, unless full
CHUNK = 400
WATERMARK = "index_watermark"
KEY_SECRET = "conversation_key_secret"
FIRST_TEXT_CHARS = 160
SEARCH_TEXT_CHARS = 20000

_lock = threading.Lock()
_last_refresh: Dict[str, float] = {}


def _key_secret(engine: Engine) -> bytes:
    with engine.begin() as connection:
        value = get_meta(connection, KEY_SECRET)
        if value:
            return value.encode()
    try:
        with engine.begin() as connection:
            set_meta(connection, KEY_SECRET, secrets.token_hex(32))
    except IntegrityError:  # another process made it first
        pass
    with engine.begin() as connection:
        return str(get_meta(connection, KEY_SECRET)).encode()


def conversation_key(secret: bytes, sender_id: str) -> str:
    """The id in URLs and exports: stable, and tells nothing about the sender
    (a messaging sender id can be a phone number)."""
    return hmac.new(secret, sender_id.encode("utf8", "surrogatepass"), hashlib.sha256).hexdigest()[:24]


def _sign_label(sign: str) -> str:
    item = load_guidance().signs.get(sign)
    return str(item["label"]) if item else sign.replace("_", " ")


def summarise(transcript: Transcript, key: str) -> Dict[str, Any]:
    """The staff_conversations row for one conversation."""
    messages = transcript.user_messages
    confidences = [m.confidence for m in messages if m.confidence is not None]
    level_rank = transcript.level_rank
    signs_found = any(t.new_signs for t in transcript.turns)
    below_urgent_findings = any(f.level_rank < levels.URGENT for m in messages for f in m.findings)
    first_text = next((m.text for m in messages if m.text), "")
    search = "\n".join(m.text for m in messages).lower()[:SEARCH_TEXT_CHARS]
    return {
        "sender_id": transcript.sender_id,
        "conversation_key": key,
        "first_at": transcript.first_at,
        "last_at": transcript.last_at,
        "first_day": clock.day_of(transcript.first_at),
        "event_count": transcript.event_count,
        "max_event_id": transcript.max_event_id,
        "channel": transcript.channel[:64],
        "level_rank": level_rank,
        "user_turns": len(messages),
        "red_flag": signs_found or any(m.findings for m in messages),
        "fallback": any(t.fallback for t in transcript.turns),
        "low_confidence": any(m.low_confidence for m in messages),
        "worse_or_worried": any(
            m.intent == STILL_WORRIED_INTENT or any(f.sign in WORSE_OR_WORRIED_SIGNS for f in m.findings)
            for m in messages
        ),
        "concern_below_urgent": level_rank < levels.URGENT
        and (any(m.mentioned_signs for m in messages) or below_urgent_findings),
        "min_confidence": min(confidences) if confidences else None,
        "first_text": first_text[:FIRST_TEXT_CHARS],
        "search_text": search,
    }


def turn_rows(transcript: Transcript) -> List[Dict[str, Any]]:
    rows = []
    for turn in transcript.turns:
        if turn.user is None:
            continue
        message = turn.user
        rows.append(
            {
                "event_id": message.event_id,
                "sender_id": transcript.sender_id,
                "at": message.at,
                "day": clock.day_of(message.at),
                "channel": message.channel[:64],
                "intent": message.intent[:255],
                "confidence": message.confidence,
                "level_rank": turn.level_rank,
                "fallback": turn.fallback,
            }
        )
    return rows


def sign_rows(transcript: Transcript) -> List[Dict[str, Any]]:
    rows: Dict[tuple, Dict[str, Any]] = {}
    for turn in transcript.turns:
        if turn.user is None:
            continue
        message = turn.user
        base = {"event_id": message.event_id, "sender_id": transcript.sender_id, "day": clock.day_of(message.at)}
        found_here = {f.sign for f in message.findings}
        for sign in turn.new_signs:
            if sign not in found_here:  # derived by the actions from the conversation so far
                rows[(message.event_id, sign, "finding")] = {
                    **base,
                    "sign": sign[:64],
                    "kind": "finding",
                    "level_rank": turn.level_rank,
                    "label": _sign_label(sign)[:255],
                }
        for finding in message.findings:
            rows[(message.event_id, finding.sign, "finding")] = {
                **base,
                "sign": finding.sign[:64],
                "kind": "finding",
                "level_rank": finding.level_rank,
                "label": (finding.label or _sign_label(finding.sign))[:255],
            }
        for kind in ("negated", "hypothetical", "resolved"):
            for sign in getattr(message, kind):
                rows[(message.event_id, sign, kind)] = {
                    **base,
                    "sign": sign[:64],
                    "kind": kind,
                    "level_rank": 0,
                    "label": _sign_label(sign)[:255],
                }
    return list(rows.values())


def _load_events(connection: Connection, sender_id: str) -> Transcript:
    rows = connection.execute(
        sa.select(
            events.c.id,
            events.c.type_name,
            events.c.timestamp,
            events.c.intent_name,
            events.c.action_name,
            events.c.data,
        )
        .where(events.c.sender_id == sender_id)
        .order_by(events.c.id)
    )
    return parse_events(sender_id, (row._mapping for row in rows))


def load_transcript(engine: Engine, sender_id: str) -> Transcript:
    with engine.connect() as connection:
        return _load_events(connection, sender_id)


def rebuild(engine: Engine, sender_id: str, secret: bytes) -> None:
    """Re-derive one conversation's index rows from its events."""
    with engine.begin() as connection:
        transcript = _load_events(connection, sender_id)
        for table in (turn_signs, turns):
            connection.execute(sa.delete(table).where(table.c.sender_id == sender_id))
        if transcript.event_count == 0:
            connection.execute(sa.delete(conversations).where(conversations.c.sender_id == sender_id))
            return
        summary = summarise(transcript, conversation_key(secret, sender_id))
        updated = connection.execute(
            sa.update(conversations).where(conversations.c.sender_id == sender_id).values(**summary)
        ).rowcount
        if not updated:
            connection.execute(sa.insert(conversations).values(**summary))
        if rows := turn_rows(transcript):
            connection.execute(sa.insert(turns), rows)
        if rows := sign_rows(transcript):
            connection.execute(sa.insert(turn_signs), rows)


def _stale(connection: Connection, senders: Sequence[str]) -> List[str]:
    stale = []
    for start in range(0, len(senders), CHUNK):
        chunk = list(senders[start : start + CHUNK])
        current = {
            row.sender_id: (row.n, row.newest)
            for row in connection.execute(
                sa.select(events.c.sender_id, sa.func.count().label("n"), sa.func.max(events.c.id).label("newest"))
                .where(events.c.sender_id.in_(chunk))
                .group_by(events.c.sender_id)
            )
        }
        indexed = {
            row.sender_id: (row.event_count, row.max_event_id)
            for row in connection.execute(
                sa.select(conversations.c.sender_id, conversations.c.event_count, conversations.c.max_event_id).where(
                    conversations.c.sender_id.in_(chunk)
                )
            )
        }
        stale += [s for s in chunk if current.get(s) != indexed.get(s)]
    return stale


def refresh(engine: Engine, full: bool = False, min_interval: float = 0.0) -> int:
    """Bring the index up to date; returns how many conversations were rebuilt.

    `min_interval` skips the work when this engine was refreshed that recently
    (pages call it on every view). Without `full`, at most MAX_REBUILDS conversations
    are rebuilt per call (run `python -m bot staff reindex` once on a large database)."""
    url = str(engine.url)
    with _lock:
        now = time.monotonic()
        if not full and min_interval and now - _last_refresh.get(url, -1e9) < min_interval:
            return 0
        secret = _key_secret(engine)
        with engine.connect() as connection:
            watermark = int(get_meta(connection, WATERMARK) or 0)
            newest = connection.execute(sa.select(sa.func.max(events.c.id))).scalar() or 0
            query = sa.select(events.c.sender_id).distinct()
            if not full:
                query = query.where(events.c.id > watermark - RESCAN_IDS)
            candidates = [row.sender_id for row in connection.execute(query)]
            if full:  # also conversations whose events are gone
                known = set(candidates)
                indexed = connection.execute(sa.select(conversations.c.sender_id)).scalars()
                candidates += [sender for sender in indexed if sender not in known]
            stale = _stale(connection, candidates)
        # A first visit to a large, never-indexed database must not hold one request for minutes:
        # do a slice now, leave the watermark where it was, and the next refresh goes on.
        complete = full or len(stale) <= MAX_REBUILDS
        stale = stale if complete else stale[:MAX_REBUILDS]
        for sender_id in stale:
            try:
                rebuild(engine, sender_id, secret)
            except IntegrityError:  # another process rebuilt it at the same moment
                logger.info("conversation index: concurrent rebuild skipped")
        if complete:
            with engine.begin() as connection:
                set_meta(connection, WATERMARK, str(newest))
        _last_refresh[url] = time.monotonic()
        return len(stale)


def reset_watermark(connection: Connection) -> None:
    """After events were deleted (SQLite may hand out the deleted ids again)."""
    newest = connection.execute(sa.select(sa.func.max(events.c.id))).scalar() or 0
    set_meta(connection, WATERMARK, str(newest))


def sender_for_key(engine: Engine, key: str) -> Optional[str]:
    with engine.connect() as connection:
        return connection.execute(
            sa.select(conversations.c.sender_id).where(conversations.c.conversation_key == key)
        ).scalar()
