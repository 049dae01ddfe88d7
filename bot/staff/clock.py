"""Times as staff in England read them (Europe/London), and day boundaries."""

from __future__ import annotations

import datetime as dt
import re
from typing import Optional

try:
    from zoneinfo import ZoneInfo

    LONDON: dt.tzinfo = ZoneInfo("Europe/London")
except Exception:  # no tz database on this machine: fall back to UTC
    LONDON = dt.timezone.utc

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def local(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, LONDON)


def day_of(timestamp: float) -> str:
    """The London calendar day, 'YYYY-MM-DD' (sorts as text, so SQL compares it safely)."""
    return local(timestamp).strftime("%Y-%m-%d")


def show(timestamp: Optional[float], seconds: bool = False) -> str:
    if timestamp is None:
        return ""
    return local(timestamp).strftime("%d %b %Y %H:%M:%S" if seconds else "%d %b %Y %H:%M")


def iso(timestamp: Optional[float]) -> str:
    return local(timestamp).isoformat(timespec="seconds") if timestamp is not None else ""


def parse_day(text: Optional[str]) -> Optional[dt.date]:
    """'2026-11-24' -> date; anything else -> None (never raises)."""
    text = (text or "").strip()
    if not _DAY.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def today() -> dt.date:
    return dt.datetime.now(LONDON).date()
