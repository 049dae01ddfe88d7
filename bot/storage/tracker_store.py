"""SafeSQLTrackerStore: Rasa's SQL tracker store, made non-blocking and fail-closed.

Stock Rasa wraps every tracker store in FailSafeTrackerStore: a failed read
returns a fresh empty tracker (context lost, the bot answers as if the parent
had said nothing before) and a failed save goes to memory (the turn is never
stored). Its SQL store also runs synchronously on the event loop, so one slow
query stalls every conversation, and it retries forever at start-up.

This store keeps the same `events` table (the staff portal and any Rasa tool
can read it) and instead:
  * runs every query in a thread pool with a timeout, so the event loop and
    other conversations are never stalled;
  * never connects at start-up (a database that is down shows as not ready);
  * fails closed: on a failed read or save it records an alert, spools what it
    could not store to var/spool/, and raises StorageUnavailable, a
    BaseException that FailSafeTrackerStore cannot swallow; the channel guard
    then sends the fixed guidance text instead of an answer built on a blank
    tracker. It recovers by itself: the next message tries the database again;
  * caches each conversation's tracker and checks the database for newer
    events first, so several Rasa processes stay correct and a turn does not
    cost more as the conversation grows.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SerializedTrackerAsText, SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.config import var_dir

logger = logging.getLogger(__name__)

# Set (per asyncio task) when storage failed while handling the current message.
STORAGE_FAILURE: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("storage_failure", default=None)
DEFAULT_TIMEOUT_SECONDS = 3.0
CACHE_SIZE = 5000


class StorageUnavailable(BaseException):
    """The tracker store could not read or write in time. Deliberately not an
    Exception: Rasa's FailSafeTrackerStore must not swallow it."""


@dataclass
class CachedConversation:
    tracker: DialogueStateTracker
    last_id: int
    saved_events: int
    checked_out: bool


class SafeSQLTrackerStore(TrackerStore, SerializedTrackerAsText):
    """Non-blocking, fail-closed, cached SQL tracker store (SQLite or PostgreSQL)."""

    SQLEvent = SQLTrackerStore.SQLEvent
    Base = SQLTrackerStore.Base

    def __init__(
        self,
        domain: Optional[Domain] = None,
        dialect: str = "sqlite",
        host: Optional[str] = None,
        port: Optional[int] = None,
        db: str = "rasa.db",
        username: Optional[str] = None,
        password: Optional[str] = None,
        event_broker: Optional[EventBroker] = None,
        login_db: Optional[str] = None,
        query: Optional[Dict] = None,
        timeout: Optional[float] = None,
        **kwargs: Any,
    ) -> None:
        self.timeout = float(timeout or os.environ.get("DB_TIMEOUT_SECONDS") or DEFAULT_TIMEOUT_SECONDS)
        url = SQLTrackerStore.get_db_url(
            dialect, host, int(port) if port else None, db, username, password, login_db, query
        )
        self.engine = sa.create_engine(url, **self._engine_options(dialect))
        self.dialect = dialect
        # SQLite has one writer: writes queue here instead of fighting for the file lock
        # (measured: 3-4 of 595 turns at 20 concurrent timed out without this).
        self._write_lock = threading.Lock() if dialect == "sqlite" else None
        if dialect == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        self._executor = ThreadPoolExecutor(
            max_workers=int(os.environ.get("DB_THREADS", "8")), thread_name_prefix="tracker-store"
        )
        self._tables_ready = False
        self._tables_lock = threading.Lock()
        self._cache: OrderedDict[str, CachedConversation] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.spool_dir = var_dir() / "spool"
        super().__init__(domain, event_broker, **kwargs)

    def _engine_options(self, dialect: str) -> Dict[str, Any]:
        seconds = max(1, int(self.timeout))
        if dialect == "sqlite":
            return {"connect_args": {"timeout": self.timeout, "check_same_thread": False}}  # WAL: see _sqlite_pragmas
        if dialect.startswith("postgresql"):
            return {
                "pool_pre_ping": True,
                "pool_size": 8,
                "max_overflow": 4,
                "pool_timeout": self.timeout,
                "connect_args": {"connect_timeout": seconds, "options": f"-c statement_timeout={seconds * 1000}"},
            }
        return {"pool_pre_ping": True}

    # --- running queries off the event loop -----------------------------------
    async def _run(self, operation: str, function: Callable[..., Any], *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(loop.run_in_executor(self._executor, function, *args), self.timeout)
        except StorageUnavailable:
            raise
        except Exception as error:  # noqa: BLE001 - every database error fails closed
            reason = f"{operation} failed: {error.__class__.__name__}: {error}"[:500]
            STORAGE_FAILURE.set(reason)
            logger.error(json.dumps({"alert": "tracker_store_unavailable", "operation": operation, "reason": reason}))
            raise StorageUnavailable(reason) from error

    def _ensure_tables(self) -> None:
        if self._tables_ready:
            return
        with self._tables_lock:
            if not self._tables_ready:
                try:
                    self.Base.metadata.create_all(self.engine, tables=[self.SQLEvent.__table__])
                except sa.exc.SQLAlchemyError:
                    # Several worker processes start together on an empty database: another
                    # one may have created the table between the check and the CREATE
                    # (PostgreSQL then says "duplicate key ... pg_type"). Check again.
                    time.sleep(0.2)
                    self.Base.metadata.create_all(self.engine, tables=[self.SQLEvent.__table__])
                self._tables_ready = True

    # --- reading ------------------------------------------------------------------
    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        return await self._run("read", self._retrieve_sync, sender_id, False)

    async def retrieve_full_tracker(self, conversation_id: str) -> Optional[DialogueStateTracker]:
        return await self._run("read", self._retrieve_sync, conversation_id, True)

    async def exists(self, conversation_id: str) -> bool:
        return bool(await self._run("read", self._count_sync, conversation_id))

    async def keys(self) -> Iterable[str]:
        return await self._run("read", self._keys_sync)

    async def ping(self) -> bool:
        """True when the database answers within the timeout (readiness check)."""
        try:
            await self._run("ping", self._ping_sync)
            return True
        except StorageUnavailable:
            STORAGE_FAILURE.set(None)
            return False

    def _ping_sync(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        self._ensure_tables()

    def _count_sync(self, sender_id: str) -> int:
        self._ensure_tables()
        with self.engine.connect() as connection:
            return connection.execute(
                sa.select(sa.func.count())
                .select_from(self.SQLEvent.__table__)
                .where(self.SQLEvent.sender_id == sender_id)
            ).scalar_one()

    def _keys_sync(self) -> List[str]:
        self._ensure_tables()
        with self.engine.connect() as connection:
            return [row[0] for row in connection.execute(sa.select(self.SQLEvent.sender_id).distinct())]

    def _retrieve_sync(self, sender_id: str, all_sessions: bool) -> Optional[DialogueStateTracker]:
        self._ensure_tables()
        table = self.SQLEvent.__table__
        with self.engine.connect() as connection:
            newest = connection.execute(
                sa.select(sa.func.max(table.c.id)).where(table.c.sender_id == sender_id)
            ).scalar()
            if not all_sessions:
                with self._cache_lock:
                    cached = self._cache.get(sender_id)
                    if cached and not cached.checked_out and newest == cached.last_id:
                        cached.checked_out = True
                        self._cache.move_to_end(sender_id)
                        return cached.tracker
            if newest is None:
                return None
            query = sa.select(table.c.id, table.c.data).where(table.c.sender_id == sender_id)
            if not all_sessions:
                start = connection.execute(
                    sa.select(sa.func.max(table.c.id)).where(
                        table.c.sender_id == sender_id, table.c.type_name == SessionStarted.type_name
                    )
                ).scalar()
                if start is not None:
                    query = query.where(table.c.id >= start)
            rows = connection.execute(query.order_by(table.c.id)).fetchall()
        events = [json.loads(row.data) for row in rows]
        if not events or self.domain is None:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        if not all_sessions:
            self._remember(sender_id, CachedConversation(tracker, newest, len(tracker.events), True))
        return tracker

    def _remember(self, sender_id: str, entry: CachedConversation) -> None:
        with self._cache_lock:
            self._cache[sender_id] = entry
            self._cache.move_to_end(sender_id)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)

    def forget(self, sender_id: str) -> None:
        with self._cache_lock:
            self._cache.pop(sender_id, None)

    # --- writing ------------------------------------------------------------------
    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        try:
            await self._run("write", self._save_sync, tracker)
        except StorageUnavailable as failure:
            self.forget(tracker.sender_id)
            self._spool(tracker, str(failure))
            raise

    def _new_events(self, connection: Any, tracker: DialogueStateTracker) -> List[Any]:
        with self._cache_lock:
            cached = self._cache.get(tracker.sender_id)
        if cached is not None and cached.tracker is tracker:
            return list(tracker.events)[cached.saved_events :]
        # Not the tracker we handed out: count what the latest session already holds.
        table = self.SQLEvent.__table__
        start = connection.execute(
            sa.select(sa.func.max(table.c.id)).where(
                table.c.sender_id == tracker.sender_id, table.c.type_name == SessionStarted.type_name
            )
        ).scalar()
        count_query = sa.select(sa.func.count()).select_from(table).where(table.c.sender_id == tracker.sender_id)
        if start is not None:
            count_query = count_query.where(table.c.id >= start)
        stored = connection.execute(count_query).scalar_one()
        return list(tracker.events)[stored:]

    def _save_sync(self, tracker: DialogueStateTracker) -> None:
        if self._write_lock is None:
            return self._write(tracker)
        with self._write_lock:
            return self._write(tracker)

    def _write(self, tracker: DialogueStateTracker) -> None:
        self._ensure_tables()
        table = self.SQLEvent.__table__
        with self.engine.begin() as connection:
            events = self._new_events(connection, tracker)
            rows = []
            for event in events:
                data = event.as_dict()
                rows.append(
                    {
                        "sender_id": tracker.sender_id,
                        "type_name": event.type_name,
                        "timestamp": data.get("timestamp"),
                        "intent_name": (data.get("parse_data") or {}).get("intent", {}).get(INTENT_NAME_KEY),
                        "action_name": data.get("name"),
                        "data": json.dumps(data),
                    }
                )
            if rows:
                # One statement for the turn's events (executemany), in their order.
                connection.execute(table.insert(), rows)
            last_id = connection.execute(
                sa.select(sa.func.max(table.c.id)).where(table.c.sender_id == tracker.sender_id)
            ).scalar()
        self._remember(tracker.sender_id, CachedConversation(tracker, last_id or 0, len(tracker.events), False))

    def _spool(self, tracker: DialogueStateTracker, reason: str) -> None:
        """Keep what could not be stored, for import once the database is back."""
        try:
            self.spool_dir.mkdir(parents=True, exist_ok=True)
            record = {
                "time": time.time(),
                "sender_id": tracker.sender_id,
                "reason": reason,
                "events": [event.as_dict() for event in tracker.events],
            }
            path = self.spool_dir / f"unsaved-{time.strftime('%Y%m%d')}.jsonl"
            with open(path, "a", encoding="utf8") as handle:
                handle.write(json.dumps(record) + "\n")
            logger.error(json.dumps({"alert": "turn_spooled", "sender": tracker.sender_id[:12], "path": str(path)}))
        except OSError:
            logger.exception("could not spool an unsaved conversation")


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """Readers never wait for the writer (WAL); commits need not fsync every time."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def spool_user_message(sender_id: str, text: str, reason: str) -> Path:
    """Record a message that could not reach the tracker store (read failure)."""
    spool = var_dir() / "spool"
    spool.mkdir(parents=True, exist_ok=True)
    path = spool / f"unsaved-{time.strftime('%Y%m%d')}.jsonl"
    with open(path, "a", encoding="utf8") as handle:
        handle.write(
            json.dumps({"time": time.time(), "sender_id": sender_id, "reason": reason, "user_text": text}) + "\n"
        )
    return path
