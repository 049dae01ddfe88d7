"""The audit log: who did what, when. Append-only (the portal has no way to
change it, and database triggers refuse UPDATE and DELETE on it)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Union

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.privacy.redact import redact
from bot.staff.schema import audit

ACTIONS = (
    "login",
    "login_failed",
    "account_locked",
    "logout",
    "view_transcript",
    "export_csv",
    "export_json",
    "set_status",
    "add_tag",
    "remove_tag",
    "add_note",
    "delete_conversation",
    "purge",
    "user_add",
    "user_update",
    "password_change",
    "reindex",
)
PAGE_SIZE = 50


@dataclass(frozen=True)
class Entry:
    id: int
    at: float
    actor: str
    action: str
    target: str
    detail: str


def record(
    connection: Connection, actor: str, action: str, target: str = "", detail: Union[None, str, Dict[str, Any]] = None
) -> None:
    """Add one entry (inside the caller's transaction, so the change and its record commit together)."""
    text = detail if isinstance(detail, str) else json.dumps(detail or {}, sort_keys=True, default=str)
    connection.execute(
        sa.insert(audit).values(
            at=time.time(), actor=actor[:64], action=action[:40], target=target[:255], detail=redact(text)[:4000]
        )
    )


def entries(engine: Engine, page: int = 1, actor: str = "", action: str = "", target: Optional[str] = None) -> tuple:
    """(entries newest first, total count, page, pages)."""
    where = []
    if actor:
        where.append(audit.c.actor == actor)
    if action:
        where.append(audit.c.action == action)
    if target is not None:
        where.append(audit.c.target == target)
    with engine.connect() as connection:
        total = connection.execute(sa.select(sa.func.count()).select_from(audit).where(*where)).scalar_one()
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(1, page), pages)
        rows = connection.execute(
            sa.select(audit).where(*where).order_by(audit.c.id.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
        )
        found: List[Entry] = [Entry(r.id, r.at, r.actor, r.action, r.target, r.detail) for r in rows]
    return found, total, page, pages
