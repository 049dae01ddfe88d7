"""Triage levels as the portal stores and shows them.

The same names and order as bot.safety.levels.Level (a test checks this); that
module is not imported here because bot.safety loads spaCy, which the portal
does not need.
"""

from __future__ import annotations

from typing import Any

LEVELS = ("none", "info", "advice", "urgent", "emergency")
URGENT = LEVELS.index("urgent")
EMERGENCY = LEVELS.index("emergency")


def rank(value: Any) -> int:
    """'urgent' -> 3; anything unknown or missing -> 0 (none)."""
    text = str(value or "").strip().lower()
    return LEVELS.index(text) if text in LEVELS else 0


def name(level_rank: int) -> str:
    return LEVELS[level_rank] if 0 <= level_rank < len(LEVELS) else LEVELS[0]
