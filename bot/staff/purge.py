"""Retention: delete conversations whose last event is older than N days.

A conversation goes whole (every event of its sender) together with
everything the portal keeps about it (index rows, review status, tags, notes).
The audit log keeps one entry per purge and is itself never purged.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from typing import List, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.staff import audit, indexer
from bot.staff.schema import PER_CONVERSATION_TABLES, conversations, events, sessions

RETENTION_ENV = "RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 90
CHUNK = 200
_DAYS = re.compile(r"^\s*(\d{1,5})\s*d?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class PurgeResult:
    days: int
    cutoff: float
    conversations: int
    events: int
    dry_run: bool = False


def parse_days(text: str) -> int:
    """'90d' or '90' -> 90. At least 1 day."""
    match = _DAYS.match(str(text))
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"give a number of days like 90d, not {text!r}")
    return int(match.group(1))


def retention_days(env: Optional[dict] = None) -> int:
    env = os.environ if env is None else env
    return parse_days(env.get(RETENTION_ENV) or str(DEFAULT_RETENTION_DAYS))


def old_senders(connection: Connection, cutoff: float) -> List[str]:
    """Senders whose newest event is older than the cutoff, plus portal data left for senders already gone."""
    in_events = (
        connection.execute(
            sa.select(events.c.sender_id).group_by(events.c.sender_id).having(sa.func.max(events.c.timestamp) < cutoff)
        )
        .scalars()
        .all()
    )
    indexed = (
        connection.execute(sa.select(conversations.c.sender_id).where(conversations.c.last_at < cutoff)).scalars().all()
    )
    found = list(dict.fromkeys([*in_events, *indexed]))
    if not found:
        return []
    # A sender in the index can have newer events the index has not seen yet: keep those.
    recent = set()
    for start in range(0, len(found), CHUNK):
        chunk = found[start : start + CHUNK]
        recent.update(
            connection.execute(
                sa.select(events.c.sender_id)
                .where(events.c.sender_id.in_(chunk), events.c.timestamp >= cutoff)
                .distinct()
            ).scalars()
        )
    return [s for s in found if s not in recent]


def delete_conversations(connection: Connection, senders: Sequence[str]) -> int:
    """Delete the senders' events and portal data; returns the number of events deleted."""
    deleted = 0
    for start in range(0, len(senders), CHUNK):
        chunk = list(senders[start : start + CHUNK])
        deleted += connection.execute(sa.delete(events).where(events.c.sender_id.in_(chunk))).rowcount or 0
        for table in PER_CONVERSATION_TABLES:
            connection.execute(sa.delete(table).where(table.c.sender_id.in_(chunk)))
    if senders:
        indexer.reset_watermark(connection)
    return deleted


def purge(engine: Engine, days: int, actor: str, dry_run: bool = False, now: Optional[float] = None) -> PurgeResult:
    now = time.time() if now is None else now
    cutoff = now - days * 86400
    with engine.begin() as connection:
        senders = old_senders(connection, cutoff)
        if dry_run:
            count = 0
            for start in range(0, len(senders), CHUNK):
                chunk = senders[start : start + CHUNK]
                count += connection.execute(
                    sa.select(sa.func.count()).select_from(events).where(events.c.sender_id.in_(chunk))
                ).scalar_one()
            return PurgeResult(days, cutoff, len(senders), count, dry_run=True)
        deleted = delete_conversations(connection, senders)
        connection.execute(sa.delete(sessions).where(sessions.c.last_seen_at < now - 86400))
        audit.record(
            connection,
            actor,
            "purge",
            f"older than {days} days",
            {"days": days, "cutoff": cutoff, "conversations": len(senders), "events": deleted},
        )
    return PurgeResult(days, cutoff, len(senders), deleted)


def delete_one(engine: Engine, sender_id: str, key: str, actor: str) -> int:
    """An admin deletes one conversation (for example on a parent's erasure request)."""
    with engine.begin() as connection:
        deleted = delete_conversations(connection, [sender_id])
        audit.record(connection, actor, "delete_conversation", key, {"events": deleted})
    return deleted
