"""The conversation list, its per-filter counts, and the review queue."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.staff import levels
from bot.staff.filters import (
    FACETS,
    QUEUE_REASONS,
    STATUSES,
    Filters,
    base_from,
    conditions,
    queue_condition,
    queue_priority,
    status_column,
)
from bot.staff.schema import conversations as conv
from bot.staff.schema import tags, turn_signs

PAGE_SIZE = 25


@dataclass
class ConversationRow:
    key: str
    sender_id: str
    first_at: float
    last_at: float
    channel: str
    level: str
    user_turns: int
    red_flag: bool
    fallback: bool
    status: str
    first_text: str
    min_confidence: Optional[float]
    reasons: List[str] = field(default_factory=list)
    tags: List[str] = field(default_factory=list)
    signs: List[str] = field(default_factory=list)

    @property
    def emergency(self) -> bool:
        return self.level == "emergency"


@dataclass
class Page:
    rows: List[ConversationRow]
    total: int
    page: int
    pages: int


def _columns() -> List[sa.sql.ColumnElement]:
    return [
        conv.c.conversation_key,
        conv.c.sender_id,
        conv.c.first_at,
        conv.c.last_at,
        conv.c.channel,
        conv.c.level_rank,
        conv.c.user_turns,
        conv.c.red_flag,
        conv.c.fallback,
        conv.c.first_text,
        conv.c.min_confidence,
        status_column.label("status"),
        *(conv.c[reason] for reason in QUEUE_REASONS),
    ]


def _decorate(connection: Connection, rows: Sequence[sa.engine.Row]) -> List[ConversationRow]:
    senders = [row.sender_id for row in rows]
    tag_map: Dict[str, List[str]] = defaultdict(list)
    sign_map: Dict[str, List[str]] = defaultdict(list)
    if senders:
        for sender, tag in connection.execute(
            sa.select(tags.c.sender_id, tags.c.tag).where(tags.c.sender_id.in_(senders)).order_by(tags.c.tag)
        ):
            tag_map[sender].append(tag)
        for sender, label in connection.execute(
            sa.select(turn_signs.c.sender_id, turn_signs.c.label)
            .where(turn_signs.c.sender_id.in_(senders), turn_signs.c.kind == "finding")
            .distinct()
            .order_by(turn_signs.c.label)
        ):
            sign_map[sender].append(label)
    return [
        ConversationRow(
            key=row.conversation_key,
            sender_id=row.sender_id,
            first_at=row.first_at,
            last_at=row.last_at,
            channel=row.channel,
            level=levels.name(row.level_rank),
            user_turns=row.user_turns,
            red_flag=bool(row.red_flag),
            fallback=bool(row.fallback),
            status=row.status,
            first_text=row.first_text,
            min_confidence=row.min_confidence,
            reasons=[reason for reason in QUEUE_REASONS if row._mapping[reason]],
            tags=tag_map[row.sender_id],
            signs=sign_map[row.sender_id],
        )
        for row in rows
    ]


def _page(engine: Engine, where: List, order: List, page: int, page_size: int) -> Page:
    with engine.connect() as connection:
        total = connection.execute(sa.select(sa.func.count()).select_from(base_from()).where(*where)).scalar_one()
        pages = max(1, -(-total // page_size))
        page = min(max(1, page), pages)
        rows = connection.execute(
            sa.select(*_columns())
            .select_from(base_from())
            .where(*where)
            .order_by(*order)
            .limit(page_size)
            .offset((page - 1) * page_size)
        ).all()
        return Page(_decorate(connection, rows), total, page, pages)


def list_conversations(engine: Engine, filters: Filters, page: int = 1, page_size: int = PAGE_SIZE) -> Page:
    """Newest activity first."""
    return _page(engine, conditions(filters), [conv.c.last_at.desc(), conv.c.sender_id], page, page_size)


def review_queue(engine: Engine, filters: Filters, page: int = 1, page_size: int = PAGE_SIZE) -> Page:
    """Conversations worth a clinician's eye and not yet reviewed: flagged first, then by reason, newest first."""
    where = conditions(filters) + [queue_condition()]
    order = [queue_priority().desc(), conv.c.last_at.desc(), conv.c.sender_id]
    return _page(engine, where, order, page, page_size)


def all_senders(engine: Engine, filters: Filters, limit: int) -> List[Tuple[str, str]]:
    """(sender_id, conversation key) of every match, newest first, at most `limit`."""
    with engine.connect() as connection:
        return [
            (row.sender_id, row.conversation_key)
            for row in connection.execute(
                sa.select(conv.c.sender_id, conv.c.conversation_key)
                .select_from(base_from())
                .where(*conditions(filters))
                .order_by(conv.c.last_at.desc(), conv.c.sender_id)
                .limit(limit)
            )
        ]


def facet_counts(engine: Engine, filters: Filters) -> Dict[str, List[Tuple[str, int]]]:
    """For each filter, how many conversations each of its values would give
    (with every other active filter applied)."""
    counts: Dict[str, List[Tuple[str, int]]] = {}
    with engine.connect() as connection:
        for facet in FACETS:
            where = conditions(filters, skip=facet)
            number = sa.func.count(sa.distinct(conv.c.sender_id))
            if facet == "tag":
                query = (
                    sa.select(tags.c.tag, number)
                    .select_from(base_from().join(tags, tags.c.sender_id == conv.c.sender_id))
                    .where(*where)
                    .group_by(tags.c.tag)
                    .order_by(tags.c.tag)
                )
            else:
                column = {
                    "level": conv.c.level_rank,
                    "channel": conv.c.channel,
                    "red_flag": conv.c.red_flag,
                    "fallback": conv.c.fallback,
                    "status": status_column,
                }[facet]
                query = sa.select(column, number).select_from(base_from()).where(*where).group_by(column)
            counts[facet] = _facet_values(facet, connection.execute(query).all())
    return counts


def _facet_values(facet: str, rows: Sequence[sa.engine.Row]) -> List[Tuple[str, int]]:
    found = {row[0]: row[1] for row in rows}
    if facet == "level":
        return [(name, found.get(rank, 0)) for rank, name in reversed(list(enumerate(levels.LEVELS)))]
    if facet in ("red_flag", "fallback"):
        return [("yes", sum(n for v, n in found.items() if v)), ("no", sum(n for v, n in found.items() if not v))]
    if facet == "status":
        return [(status, found.get(status, 0)) for status in STATUSES]
    return sorted(((str(v), n) for v, n in found.items() if v), key=lambda item: item[0])
