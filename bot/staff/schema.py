"""Tables: Rasa's `events` (read, and created only if missing, exactly as Rasa
creates it) and the portal's own `staff_*` tables in the same database.

The conversation index (staff_conversations, staff_turns, staff_turn_signs) is
derived from `events` by bot.staff.indexer so that every filter is plain,
parameterised SQL that runs the same on SQLite and PostgreSQL (no JSON
functions, which differ between them). It holds redacted text only.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

logger = logging.getLogger(__name__)

metadata = sa.MetaData()

# Same definition as rasa.core.tracker_store.SQLTrackerStore.SQLEvent (3.6.21).
events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, sa.Sequence("events_seq", optional=True), primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)

users = sa.Table(
    "staff_users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("failed_logins", sa.Integer, nullable=False, default=0),
    sa.Column("locked_until", sa.Float, nullable=False, default=0.0),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("last_login_at", sa.Float),
)

sessions = sa.Table(
    "staff_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("last_seen_at", sa.Float, nullable=False),
)

reviews = sa.Table(
    "staff_reviews",
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("updated_by", sa.String(64), nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)

tags = sa.Table(
    "staff_tags",
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("tag", sa.String(40), primary_key=True),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Index("ix_staff_tags_tag", "tag"),
)

notes = sa.Table(
    "staff_notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("author", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
)

audit = sa.Table(
    "staff_audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("action", sa.String(40), nullable=False, index=True),
    sa.Column("target", sa.String(255), nullable=False, default=""),
    sa.Column("detail", sa.Text, nullable=False, default=""),
)

meta = sa.Table(
    "staff_meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

# --- the conversation index (derived from events; rebuilt at will) ---------
conversations = sa.Table(
    "staff_conversations",
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("conversation_key", sa.String(32), nullable=False, unique=True),
    sa.Column("first_at", sa.Float, nullable=False),
    sa.Column("last_at", sa.Float, nullable=False, index=True),
    sa.Column("first_day", sa.String(10), nullable=False, index=True),
    sa.Column("event_count", sa.Integer, nullable=False),
    sa.Column("max_event_id", sa.Integer, nullable=False),
    sa.Column("channel", sa.String(64), nullable=False, default=""),
    sa.Column("level_rank", sa.Integer, nullable=False, index=True),
    sa.Column("user_turns", sa.Integer, nullable=False),
    sa.Column("red_flag", sa.Boolean, nullable=False),
    sa.Column("fallback", sa.Boolean, nullable=False),
    sa.Column("low_confidence", sa.Boolean, nullable=False),
    sa.Column("worse_or_worried", sa.Boolean, nullable=False),
    sa.Column("concern_below_urgent", sa.Boolean, nullable=False),
    sa.Column("min_confidence", sa.Float),
    sa.Column("first_text", sa.Text, nullable=False, default=""),
    sa.Column("search_text", sa.Text, nullable=False, default=""),
)

turns = sa.Table(
    "staff_turns",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("day", sa.String(10), nullable=False, index=True),
    sa.Column("channel", sa.String(64), nullable=False, default=""),
    sa.Column("intent", sa.String(255), nullable=False, default=""),
    sa.Column("confidence", sa.Float),
    sa.Column("level_rank", sa.Integer, nullable=False),
    sa.Column("fallback", sa.Boolean, nullable=False),
)

turn_signs = sa.Table(
    "staff_turn_signs",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("sign", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(16), primary_key=True),  # finding | negated | hypothetical | resolved
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("day", sa.String(10), nullable=False),
    sa.Column("level_rank", sa.Integer, nullable=False),
    sa.Column("label", sa.String(255), nullable=False, default=""),
)

INDEX_TABLES = (turn_signs, turns, conversations)
# Everything the portal keeps about a conversation (deleted with it).
PER_CONVERSATION_TABLES = (turn_signs, turns, conversations, reviews, tags, notes)

# The audit log is append-only in the database too, not just in the portal.
_AUDIT_TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS staff_audit_no_update BEFORE UPDATE ON staff_audit "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS staff_audit_no_delete BEFORE DELETE ON staff_audit "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION staff_audit_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql",
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'staff_audit_append_only' "
        "AND tgrelid = 'staff_audit'::regclass) THEN CREATE TRIGGER staff_audit_append_only "
        "BEFORE UPDATE OR DELETE OR TRUNCATE ON staff_audit "
        "FOR EACH STATEMENT EXECUTE FUNCTION staff_audit_append_only(); END IF; END $$",
    ],
}


def create_engine(url: str, **options: Any) -> Engine:
    """An engine for the tracker store's database (SQLite waits on Rasa's write locks)."""
    if url.startswith("sqlite"):
        options.setdefault("connect_args", {}).setdefault("timeout", 15)
    else:
        options.setdefault("pool_pre_ping", True)
    return sa.create_engine(url, future=True, **options)


def ensure_schema(engine: Engine) -> None:
    """Create whatever is missing (never alters or drops anything)."""
    metadata.create_all(engine, checkfirst=True)
    statements = _AUDIT_TRIGGERS.get(engine.dialect.name, [])
    with engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)


def get_meta(connection: sa.engine.Connection, key: str) -> Optional[str]:
    return connection.execute(sa.select(meta.c.value).where(meta.c.key == key)).scalar()


def set_meta(connection: sa.engine.Connection, key: str, value: str) -> None:
    updated = connection.execute(sa.update(meta).where(meta.c.key == key).values(value=value)).rowcount
    if not updated:
        connection.execute(sa.insert(meta).values(key=key, value=value))
