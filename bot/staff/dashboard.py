"""Dashboard figures over a period, and the geometry of its bar chart.

Conversations are counted on the day they started (London time), at the
highest level they reached. The chart is plain numbers handed to a template
that draws SVG: no script, nothing from elsewhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.staff import clock, levels
from bot.staff.schema import conversations as conv
from bot.staff.schema import turn_signs, turns

DEFAULT_DAYS = 30
MAX_DAYS = 366
TOP = 10
CHART_HEIGHT = 200
BAR_WIDTH = 16
BAR_GAP = 4
CHART_LEFT = 40


@dataclass
class Bar:
    day: str
    x: int
    segments: List[Tuple[str, int, int, int]]  # (level, y, height, count)
    total: int
    label: bool


@dataclass
class Dashboard:
    date_from: dt.date
    date_to: dt.date
    per_day: Dict[str, Dict[str, int]]
    conversations: int
    fallback_conversations: int
    messages: int
    fallback_messages: int
    intents: List[Tuple[str, int]]
    red_flags: List[Tuple[str, str, int]]
    by_level: Dict[str, int]
    bars: List[Bar] = field(default_factory=list)
    chart_width: int = 0
    chart_max: int = 0

    @property
    def fallback_rate(self) -> float:
        return self.fallback_conversations / self.conversations if self.conversations else 0.0

    @property
    def message_fallback_rate(self) -> float:
        return self.fallback_messages / self.messages if self.messages else 0.0


def period(date_from: Optional[dt.date], date_to: Optional[dt.date]) -> Tuple[dt.date, dt.date]:
    """The last 30 days by default; at most a year; swapped if given backwards."""
    end = date_to or clock.today()
    start = date_from or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        start, end = end, start
    if (end - start).days >= MAX_DAYS:
        start = end - dt.timedelta(days=MAX_DAYS - 1)
    return start, end


def build(engine: Engine, date_from: Optional[dt.date] = None, date_to: Optional[dt.date] = None) -> Dashboard:
    start, end = period(date_from, date_to)
    first, last = start.isoformat(), end.isoformat()
    with engine.connect() as connection:
        in_period = [conv.c.user_turns > 0, conv.c.first_day >= first, conv.c.first_day <= last]
        per_day: Dict[str, Dict[str, int]] = {}
        for day, rank, count in connection.execute(
            sa.select(conv.c.first_day, conv.c.level_rank, sa.func.count())
            .where(*in_period)
            .group_by(conv.c.first_day, conv.c.level_rank)
        ):
            per_day.setdefault(day, {})[levels.name(rank)] = count
        total, fallbacks = connection.execute(
            sa.select(sa.func.count(), sa.func.sum(sa.case((conv.c.fallback == True, 1), else_=0))).where(*in_period)  # noqa: E712
        ).one()
        turns_in_period = [turns.c.day >= first, turns.c.day <= last]
        messages, fallback_messages = connection.execute(
            sa.select(sa.func.count(), sa.func.sum(sa.case((turns.c.fallback == True, 1), else_=0))).where(  # noqa: E712
                *turns_in_period
            )
        ).one()
        intents = connection.execute(
            sa.select(turns.c.intent, sa.func.count().label("n"))
            .where(*turns_in_period, turns.c.intent != "")
            .group_by(turns.c.intent)
            .order_by(sa.desc("n"), turns.c.intent)
            .limit(TOP)
        ).all()
        red_flags = connection.execute(
            sa.select(
                turn_signs.c.sign,
                sa.func.max(turn_signs.c.label),
                sa.func.count(sa.distinct(turn_signs.c.sender_id)).label("n"),
            )
            .where(turn_signs.c.kind == "finding", turn_signs.c.day >= first, turn_signs.c.day <= last)
            .group_by(turn_signs.c.sign)
            .order_by(sa.desc("n"), turn_signs.c.sign)
            .limit(TOP)
        ).all()
    by_level = {name: sum(day.get(name, 0) for day in per_day.values()) for name in levels.LEVELS}
    board = Dashboard(
        start,
        end,
        per_day,
        int(total or 0),
        int(fallbacks or 0),
        int(messages or 0),
        int(fallback_messages or 0),
        [(i, n) for i, n in intents],
        [(s, label, n) for s, label, n in red_flags],
        by_level,
    )
    _lay_out(board)
    return board


def _lay_out(board: Dashboard) -> None:
    """Stacked bars, one per day, emergency on top."""
    days = [board.date_from + dt.timedelta(days=i) for i in range((board.date_to - board.date_from).days + 1)]
    board.chart_max = max([sum(board.per_day.get(d.isoformat(), {}).values()) for d in days] + [1])
    label_every = max(1, len(days) // 10)
    for index, day in enumerate(days):
        counts = board.per_day.get(day.isoformat(), {})
        y = CHART_HEIGHT
        segments = []
        for name in levels.LEVELS:
            count = counts.get(name, 0)
            if count:
                height = max(1, round(count * CHART_HEIGHT / board.chart_max))
                y -= height
                segments.append((name, y, height, count))
        board.bars.append(
            Bar(
                day.isoformat(),
                CHART_LEFT + index * (BAR_WIDTH + BAR_GAP),
                segments,
                sum(counts.values()),
                index % label_every == 0,
            )
        )
    board.chart_width = CHART_LEFT + len(days) * (BAR_WIDTH + BAR_GAP) + 10
