"""What the messaging channels remember, shared by the Rasa worker processes.

With several workers (RASA_WORKERS, bot/config.py), a retried webhook, the
parent's "2" (a numbered option) or the 11th message of a flood may reach a
different worker from the one that saw the first message, showed the options or
counted the others. These SQLite versions of `SeenMessages` (bot/channels/dedup.py),
`ButtonMemory` (bot/channels/buttons.py) and `FloodGuard` (bot/channels/flood.py)
live in one small database under var/, so every worker sees the same. One
worker keeps the in-memory versions.

They fail open towards the parent: if the database cannot be used, a message
counts as new and allowed (a duplicate reply is better than a lost one) and "2"
stays the text "2"; the reason is logged.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, List, Optional, Tuple

from bot.channels.buttons import ButtonMemory, InMemoryButtonMemory, chosen_number
from bot.channels.dedup import DEFAULT_TTL_SECONDS, InMemorySeenMessages, SeenMessages
from bot.channels.flood import FloodGuard, Verdict
from bot.channels.settings import FloodSettings
from bot.config import var_dir

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_SECONDS = 2.0
SCHEMA = """
CREATE TABLE IF NOT EXISTS seen_messages (key TEXT PRIMARY KEY, expires REAL NOT NULL);
CREATE INDEX IF NOT EXISTS seen_messages_expires ON seen_messages (expires);
CREATE TABLE IF NOT EXISTS shown_buttons (sender TEXT PRIMARY KEY, expires REAL NOT NULL, payloads TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS flood (
    sender TEXT PRIMARY KEY, recent TEXT NOT NULL, blocked_until REAL NOT NULL, emergency_sent INTEGER NOT NULL,
    updated REAL NOT NULL
);
"""


class _Database:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self.connect() as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(SCHEMA)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        # A connection per call (autocommit): cheap for a local file, safe across forked workers.
        connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        try:
            yield connection
        finally:
            connection.close()


class SQLiteSeenMessages:
    def __init__(self, path: Path, ttl_seconds: float = DEFAULT_TTL_SECONDS, clock: Callable[[], float] = time.time):
        self.db = _Database(path)
        self.ttl_seconds = ttl_seconds
        self.clock = clock

    def first_time(self, key: str) -> bool:
        now = self.clock()
        try:
            with self.db.connect() as connection:
                connection.execute("DELETE FROM seen_messages WHERE expires <= ?", (now,))
                cursor = connection.execute(
                    "INSERT OR IGNORE INTO seen_messages (key, expires) VALUES (?, ?)", (key, now + self.ttl_seconds)
                )
                return cursor.rowcount == 1
        except sqlite3.Error as error:
            logger.error("channel_state_unavailable: duplicate check skipped (%s)", error.__class__.__name__)
            return True


class SQLiteButtonMemory:
    def __init__(self, path: Path, ttl_seconds: float = DEFAULT_TTL_SECONDS, clock: Callable[[], float] = time.time):
        self.db = _Database(path)
        self.ttl_seconds = ttl_seconds
        self.clock = clock

    def remember(self, sender: str, payloads: List[str]) -> None:
        try:
            with self.db.connect() as connection:
                connection.execute("DELETE FROM shown_buttons WHERE sender = ?", (sender,))
                if payloads:
                    connection.execute(
                        "INSERT INTO shown_buttons (sender, expires, payloads) VALUES (?, ?, ?)",
                        (sender, self.clock() + self.ttl_seconds, json.dumps(list(payloads))),
                    )
        except sqlite3.Error as error:
            logger.error("channel_state_unavailable: options not remembered (%s)", error.__class__.__name__)

    def resolve(self, sender: str, text: str) -> Optional[str]:
        number = chosen_number(text)
        if number is None:
            return None
        try:
            with self.db.connect() as connection:
                row: Optional[Tuple[float, str]] = connection.execute(
                    "SELECT expires, payloads FROM shown_buttons WHERE sender = ?", (sender,)
                ).fetchone()
        except sqlite3.Error as error:
            logger.error("channel_state_unavailable: numbered reply kept as text (%s)", error.__class__.__name__)
            return None
        if row is None or row[0] <= self.clock():
            return None
        payloads = json.loads(row[1])
        return payloads[number - 1] if 1 <= number <= len(payloads) else None


class SQLiteFloodGuard(FloodGuard):
    """FloodGuard's rule (see bot/channels/flood.py), counted in the shared database.
    Wall-clock time, since the database outlives a reboot."""

    def __init__(self, path: Path, settings: Optional[FloodSettings] = None, clock: Callable[[], float] = time.time):
        super().__init__(settings, clock)
        self.db = _Database(path)

    def check(self, key: str) -> Verdict:
        now = self.clock()
        try:
            with self.db.connect() as connection:
                connection.execute("BEGIN IMMEDIATE")
                row = connection.execute("SELECT recent, blocked_until FROM flood WHERE sender = ?", (key,)).fetchone()
                recent: List[float] = json.loads(row[0]) if row else []
                if row and now < row[1]:
                    connection.execute("COMMIT")
                    return Verdict.DROP
                recent = [t for t in recent if t > now - self.settings.window_seconds] + [now]
                verdict, blocked_until = Verdict.ALLOW, 0.0
                if len(recent) > self.settings.max_messages:
                    verdict, blocked_until, recent = Verdict.THROTTLE, now + self.settings.block_seconds, []
                connection.execute(
                    "INSERT OR REPLACE INTO flood (sender, recent, blocked_until, emergency_sent, updated) "
                    "VALUES (?, ?, ?, 0, ?)",
                    (key, json.dumps(recent), blocked_until, now),
                )
                # Senders with nothing left to count: not blocked and quiet for a whole window.
                connection.execute(
                    "DELETE FROM flood WHERE blocked_until < ? AND updated < ?",
                    (now, now - self.settings.window_seconds),
                )
                connection.execute("COMMIT")
                return verdict
        except sqlite3.Error as error:
            logger.error("channel_state_unavailable: flood check skipped (%s)", error.__class__.__name__)
            return Verdict.ALLOW

    def emergency_allowed(self, key: str) -> bool:
        try:
            with self.db.connect() as connection:
                cursor = connection.execute(
                    "UPDATE flood SET emergency_sent = 1 WHERE sender = ? AND emergency_sent = 0", (key,)
                )
                return cursor.rowcount == 1
        except sqlite3.Error as error:
            logger.error("channel_state_unavailable: emergency sent again (%s)", error.__class__.__name__)
            return True


def several_workers() -> bool:
    """True in a Rasa server started with more than one worker (bot.cli.rasa_env)."""
    try:
        return int(os.environ.get("SANIC_WORKERS") or "1") > 1
    except ValueError:
        return False


def state_path() -> Path:
    return var_dir() / "channels.db"


def channel_memory(path: Optional[Path] = None) -> Tuple[SeenMessages, ButtonMemory]:
    """Shared SQLite memory with several workers, in-memory with one."""
    if not several_workers():
        return InMemorySeenMessages(), InMemoryButtonMemory()
    return SQLiteSeenMessages(path or state_path()), SQLiteButtonMemory(path or state_path())


def flood_guard(settings: FloodSettings, path: Optional[Path] = None) -> FloodGuard:
    """The shared flood guard with several workers, the in-memory one with one."""
    return SQLiteFloodGuard(path or state_path(), settings) if several_workers() else FloodGuard(settings)
