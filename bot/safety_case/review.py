"""Which guidance items are due for clinical review soon, or overdue.

`make test` fails once an item is past its review-by date
(tests/test_guidance.py); this listing gives the reviewer warning before that.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import List, Optional

from bot.guidance.loader import Guidance

REVIEW_WINDOW_DAYS = 60
PENDING_WORDS = ("pending", "tbc", "to be confirmed", "unassigned")


@dataclass(frozen=True)
class ReviewItem:
    path: str
    review_by: Optional[dt.date]
    reviewer: Optional[str]
    days_left: Optional[int]

    @property
    def named_reviewer(self) -> bool:
        """False when no one is named yet ("Clinical safety lead (pending named sign-off)")."""
        text = (self.reviewer or "").lower()
        return bool(text) and not any(word in text for word in PENDING_WORDS)


@dataclass
class ReviewListing:
    today: dt.date
    window_days: int
    total: int = 0
    overdue: List[ReviewItem] = field(default_factory=list)
    due_soon: List[ReviewItem] = field(default_factory=list)
    missing_date: List[ReviewItem] = field(default_factory=list)
    unnamed_reviewer: List[ReviewItem] = field(default_factory=list)
    next_due: Optional[ReviewItem] = None

    @property
    def horizon(self) -> dt.date:
        return self.today + dt.timedelta(days=self.window_days)


def review_listing(guidance: Guidance, today: dt.date, window_days: int = REVIEW_WINDOW_DAYS) -> ReviewListing:
    """Items overdue (review_by before today) and due within `window_days` (today .. today + window)."""
    listing = ReviewListing(today=today, window_days=window_days)
    horizon = listing.horizon
    upcoming: List[ReviewItem] = []
    for item in guidance.items():
        days = (item.review_by - today).days if item.review_by else None
        entry = ReviewItem(item.path, item.review_by, item.reviewer, days)
        listing.total += 1
        if not entry.named_reviewer:
            listing.unnamed_reviewer.append(entry)
        if item.review_by is None:
            listing.missing_date.append(entry)
        elif item.review_by < today:
            listing.overdue.append(entry)
        elif item.review_by <= horizon:
            listing.due_soon.append(entry)
        else:
            upcoming.append(entry)

    def by_date(entry: ReviewItem) -> tuple:
        return (entry.review_by or dt.date.min, entry.path)

    listing.overdue.sort(key=by_date)
    listing.due_soon.sort(key=by_date)
    if upcoming:
        listing.next_due = min(upcoming, key=by_date)
    return listing
