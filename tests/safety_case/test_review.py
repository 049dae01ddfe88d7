"""Guidance items due for clinical review within 60 days, and overdue ones, with their reviewer."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Optional

import pytest

from bot.guidance import load_guidance
from bot.guidance.loader import Guidance
from bot.safety_case.review import review_listing

TODAY = dt.date(2027, 1, 1)
pytestmark = pytest.mark.hazard("H08")


def text(review_by: Optional[str] = None, reviewer: Optional[str] = None) -> Dict[str, Any]:
    item: Dict[str, Any] = {"text": "Some advice.", "source": "nhs"}
    if review_by:
        item["review_by"] = dt.date.fromisoformat(review_by)
    if reviewer:
        item["reviewer"] = reviewer
    return item


def guidance(defaults: Dict[str, Any], **texts: Dict[str, Any]) -> Guidance:
    data = {
        "defaults": defaults,
        "texts": texts,
        "films": {"film": {"title": "A film", "source": "hin", "review_by": dt.date(2027, 2, 1)}},
        "thresholds": {},
        "signs": {},
        "contact": {"source": "hin"},
        "vocabulary": {"source": "project"},
    }
    return Guidance(data, "test")


def test_overdue_due_soon_and_later_items_are_told_apart() -> None:
    g = guidance(
        {"reviewer": "Dr Default", "review_by": dt.date(2027, 6, 30)},
        overdue=text("2026-12-01", "Dr Late"),
        today=text("2027-01-01"),
        day_60=text("2027-03-02"),
        day_61=text("2027-03-03"),
        default=text(),
    )
    listing = review_listing(g, TODAY)
    assert [(i.path, i.days_left, i.reviewer) for i in listing.overdue] == [("texts.overdue", -31, "Dr Late")]
    assert [i.path for i in listing.due_soon] == ["texts.today", "films.film", "texts.day_60"]
    assert listing.due_soon[0].reviewer == "Dr Default"  # the reviewer comes from `defaults`
    assert listing.next_due is not None and listing.next_due.path == "texts.day_61"
    assert listing.horizon == dt.date(2027, 3, 2)
    assert listing.total == 8  # five texts, the film, contact and vocabulary


def test_the_window_can_be_changed() -> None:
    g = guidance({"reviewer": "Dr A", "review_by": dt.date(2027, 6, 30)}, soon=text("2027-01-20"))
    assert [i.path for i in review_listing(g, TODAY, window_days=10).due_soon] == []
    assert [i.path for i in review_listing(g, TODAY, window_days=30).due_soon] == ["texts.soon"]


def test_items_without_a_date_or_a_named_reviewer_are_listed() -> None:
    g = guidance({"reviewer": "Clinical safety lead (pending named sign-off)"}, a=text(), b=text("2027-06-01", "Dr B"))
    listing = review_listing(g, TODAY)
    assert "texts.a" in [i.path for i in listing.missing_date]
    assert "texts.b" not in [i.path for i in listing.unnamed_reviewer]
    assert "texts.a" in [i.path for i in listing.unnamed_reviewer]


def test_the_real_guidance_file() -> None:
    real = load_guidance()
    figures = next(i for i in real.items() if i.path == "texts.info.figures")
    assert figures.review_by is not None
    before = review_listing(real, figures.review_by - dt.timedelta(days=30))
    assert "texts.info.figures" in [i.path for i in before.due_soon]
    after = review_listing(real, figures.review_by + dt.timedelta(days=1))
    assert "texts.info.figures" in [i.path for i in after.overdue]
    now = review_listing(real, dt.date.today())
    assert now.total == len(list(real.items()))
