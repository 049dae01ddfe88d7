"""The review workflow: status (reviewed / flagged), tags and notes, each change audited."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import List

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.privacy.redact import redact
from bot.staff import audit
from bot.staff.filters import STATUSES
from bot.staff.schema import notes, reviews, tags

TAG_PATTERN = re.compile(r"^[\w][\w \-]{0,39}$", re.UNICODE)
MAX_NOTE_CHARS = 4000


class ReviewError(ValueError):
    """An edit the review rules refuse; `code` names which rule (tag, note, status, confirm)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Note:
    id: int
    author: str
    at: float
    text: str


@dataclass(frozen=True)
class ReviewState:
    status: str
    updated_by: str
    updated_at: float
    tags: List[str]
    notes: List[Note]


def clean_tag(tag: str) -> str:
    tag = " ".join((tag or "").split()).lower()
    if not TAG_PATTERN.match(tag):
        raise ReviewError("tag", "a tag is 1 to 40 letters, digits, spaces, dashes or underscores")
    return tag


def state(engine: Engine, sender_id: str) -> ReviewState:
    with engine.connect() as connection:
        row = connection.execute(sa.select(reviews).where(reviews.c.sender_id == sender_id)).first()
        tag_list = list(
            connection.execute(
                sa.select(tags.c.tag).where(tags.c.sender_id == sender_id).order_by(tags.c.tag)
            ).scalars()
        )
        note_list = [
            Note(r.id, r.author, r.created_at, r.text)
            for r in connection.execute(
                sa.select(notes).where(notes.c.sender_id == sender_id).order_by(notes.c.created_at, notes.c.id)
            )
        ]
    if row is None:
        return ReviewState("unreviewed", "", 0.0, tag_list, note_list)
    return ReviewState(row.status, row.updated_by, row.updated_at, tag_list, note_list)


def set_status(engine: Engine, sender_id: str, key: str, status: str, actor: str) -> None:
    if status not in STATUSES:
        raise ReviewError("status", f"a status is one of {', '.join(STATUSES)}")
    with engine.begin() as connection:
        values = {"status": status, "updated_by": actor, "updated_at": time.time()}
        if not connection.execute(sa.update(reviews).where(reviews.c.sender_id == sender_id).values(**values)).rowcount:
            connection.execute(sa.insert(reviews).values(sender_id=sender_id, **values))
        audit.record(connection, actor, "set_status", key, {"status": status})


def add_tag(engine: Engine, sender_id: str, key: str, tag: str, actor: str) -> str:
    tag = clean_tag(tag)
    with engine.begin() as connection:
        exists = connection.execute(
            sa.select(tags.c.tag).where(tags.c.sender_id == sender_id, tags.c.tag == tag)
        ).first()
        if exists is None:
            connection.execute(
                sa.insert(tags).values(sender_id=sender_id, tag=tag, created_by=actor, created_at=time.time())
            )
            audit.record(connection, actor, "add_tag", key, {"tag": tag})
    return tag


def remove_tag(engine: Engine, sender_id: str, key: str, tag: str, actor: str) -> None:
    tag = clean_tag(tag)
    with engine.begin() as connection:
        removed = connection.execute(sa.delete(tags).where(tags.c.sender_id == sender_id, tags.c.tag == tag)).rowcount
        if removed:
            audit.record(connection, actor, "remove_tag", key, {"tag": tag})


def add_note(engine: Engine, sender_id: str, key: str, text: str, actor: str) -> None:
    """Notes are redacted like messages: staff notes hold no phone numbers or NHS numbers either."""
    text = redact((text or "").strip())
    if not text:
        raise ReviewError("note", "a note cannot be empty")
    if len(text) > MAX_NOTE_CHARS:
        raise ReviewError("note", f"a note has at most {MAX_NOTE_CHARS} characters")
    with engine.begin() as connection:
        connection.execute(
            sa.insert(notes).values(sender_id=sender_id, author=actor, created_at=time.time(), text=text)
        )
        audit.record(connection, actor, "add_note", key, {"chars": len(text)})
