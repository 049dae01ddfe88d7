"""The conversation filters: parsed from a query string, turned into SQL.

Every value reaches the database as a bound parameter; text search escapes
LIKE wildcards. Unknown or malformed values are dropped (and reported), never
passed on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, replace
from typing import Dict, List, Mapping, Optional
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from bot.staff import clock, levels
from bot.staff.schema import conversations as conv
from bot.staff.schema import reviews, tags, turn_signs

STATUSES = ("unreviewed", "reviewed", "flagged")
YES_NO = ("yes", "no")
MAX_TEXT = 200
FACETS = ("level", "channel", "red_flag", "fallback", "status", "tag")

status_column = sa.func.coalesce(reviews.c.status, "unreviewed")


@dataclass(frozen=True)
class Filters:
    date_from: Optional[dt.date] = None
    date_to: Optional[dt.date] = None
    channel: str = ""
    level: str = ""
    red_flag: str = ""
    fallback: str = ""
    status: str = ""
    tag: str = ""
    sign: str = ""
    q: str = ""
    problems: List[str] = field(default_factory=list, compare=False)

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        """From request args (first value of each); bad values are dropped and listed in `problems`."""
        problems: List[str] = []

        def text(name: str, limit: int = 64) -> str:
            # Control characters (NUL truncates a LIKE pattern in SQLite; PostgreSQL refuses it) go.
            printable = "".join(c for c in str(args.get(name) or "") if c.isprintable() or c.isspace())
            return " ".join(printable.split())[:limit]

        def choice(name: str, allowed: tuple) -> str:
            value = text(name).lower()
            if value and value not in allowed:
                problems.append(f"unknown {name.replace('_', ' ')} ignored")
                return ""
            return value

        def day(name: str) -> Optional[dt.date]:
            raw = text(name)
            parsed = clock.parse_day(raw)
            if raw and parsed is None:
                problems.append(f"{name.replace('_', ' ')} must be a date like 2026-01-31")
            return parsed

        return cls(
            date_from=day("date_from"),
            date_to=day("date_to"),
            channel=text("channel"),
            level=choice("level", levels.LEVELS),
            red_flag=choice("red_flag", YES_NO),
            fallback=choice("fallback", YES_NO),
            status=choice("status", STATUSES),
            tag=text("tag", 40).lower(),
            sign=text("sign"),
            q=text("q", MAX_TEXT),
            problems=problems,
        )

    def args(self, **changes: str) -> Dict[str, str]:
        """The non-empty filters as query-string arguments (for links and forms)."""
        values: Dict[str, str] = {}
        for item in fields(self):
            if item.name == "problems":
                continue
            value = getattr(self, item.name)
            values[item.name] = value.isoformat() if isinstance(value, dt.date) else str(value or "")
        values.update(changes)
        return {k: v for k, v in values.items() if v}

    def query(self, **changes: str) -> str:
        return urlencode(self.args(**changes))

    def without(self, name: str) -> Filters:
        return replace(self, **{name: None if name.startswith("date_") else ""})

    @property
    def active(self) -> bool:
        return bool(self.args())


def _day_start(day: dt.date) -> float:
    return dt.datetime.combine(day, dt.time(), clock.LONDON).timestamp()


def conditions(filters: Filters, skip: str = "") -> List[ColumnElement]:
    """WHERE clauses over staff_conversations (outer-joined to staff_reviews)."""
    where: List[ColumnElement] = [conv.c.user_turns > 0]
    if filters.date_from:
        where.append(conv.c.last_at >= _day_start(filters.date_from))
    if filters.date_to:
        where.append(conv.c.first_at < _day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.channel and skip != "channel":
        where.append(conv.c.channel == filters.channel)
    if filters.level and skip != "level":
        where.append(conv.c.level_rank == levels.rank(filters.level))
    if filters.red_flag and skip != "red_flag":
        where.append(conv.c.red_flag == (filters.red_flag == "yes"))
    if filters.fallback and skip != "fallback":
        where.append(conv.c.fallback == (filters.fallback == "yes"))
    if filters.status and skip != "status":
        where.append(status_column == filters.status)
    if filters.tag and skip != "tag":
        where.append(sa.exists().where(sa.and_(tags.c.sender_id == conv.c.sender_id, tags.c.tag == filters.tag)))
    if filters.sign:
        where.append(
            sa.exists().where(
                sa.and_(
                    turn_signs.c.sender_id == conv.c.sender_id,
                    turn_signs.c.sign == filters.sign,
                    turn_signs.c.kind == "finding",
                )
            )
        )
    if filters.q:
        where.append(conv.c.search_text.contains(filters.q.lower(), autoescape=True))
    return where


def base_from() -> sa.sql.FromClause:
    return conv.outerjoin(reviews, reviews.c.sender_id == conv.c.sender_id)


QUEUE_REASONS = {
    "worse_or_worried": "parent says the child is worse or is still worried",
    "concern_below_urgent": "a sign was mentioned but the level stayed below urgent",
    "fallback": "the bot fell back (did not understand)",
    "low_confidence": "low NLU confidence (below 0.5)",
}


def queue_condition() -> ColumnElement:
    return sa.and_(
        sa.or_(*(conv.c[reason] == True for reason in QUEUE_REASONS)),  # noqa: E712
        status_column != "reviewed",
    )


def queue_priority() -> ColumnElement:
    """Flagged first, then the weightiest reasons (in QUEUE_REASONS order)."""
    score = sa.case((status_column == "flagged", 16), else_=0)
    for weight, reason in zip((8, 4, 2, 1), QUEUE_REASONS, strict=True):
        score = score + sa.case((conv.c[reason] == True, weight), else_=0)  # noqa: E712
    return score
