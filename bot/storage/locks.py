"""One turn at a time per conversation, across the Rasa worker processes of one machine.

Rasa handles the messages of one conversation one after another through its lock
store. The stock in-memory lock store only works inside one process, so Rasa
refuses to start several Sanic workers with it; Redis (PROFILE=production) works
across machines. `FileLockStore` is the embedded profile's lock store: no
server, nothing to install, correct across the workers that `make run` starts
(RASA_WORKERS, bot/config.py).

How: inside a process, an asyncio lock per conversation keeps arrival order;
across processes, an exclusive POSIX record lock on one byte of a lock file,
chosen by a hash of the conversation id (`fcntl.lockf`). The kernel releases a
process's record locks when it exits, so a killed worker never leaves a
conversation locked, and nothing needs cleaning up. Two conversations that hash
to the same byte (1 in 2**20) only wait for each other.

Rasa's ticket API (get_lock/save_lock/...) is not used: `lock()` is what Rasa
calls (agent, processor, HTTP API), and it is overridden whole.
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import logging
import os
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncGenerator, Dict, Optional

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

SLOTS = 2**20
FIRST_WAIT_SECONDS = 0.002
MAX_WAIT_SECONDS = 0.05


def slot_for(conversation_id: str) -> int:
    digest = hashlib.blake2b(conversation_id.encode("utf8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % SLOTS


class _ProcessLock:
    """An asyncio lock shared by the waiters of one conversation in this process."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class FileLockStore(LockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, path: Optional[str] = None) -> None:
        kwargs: Dict[str, Any] = dict(endpoint_config.kwargs) if endpoint_config else {}
        self.path = Path(
            path or kwargs.get("path") or Path(os.environ.get("BOT_VAR_DIR", "var")) / "conversations.lock"
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd: Optional[int] = None
        self._pid: Optional[int] = None
        self._local: Dict[str, _ProcessLock] = {}

    def _file(self) -> int:
        # Opened in the worker itself (after the fork): record locks belong to a process,
        # and closing any descriptor of the file would drop all of them, so keep one open.
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd

    def _try_lock(self, slot: int) -> bool:
        try:
            fcntl.lockf(self._file(), fcntl.LOCK_EX | fcntl.LOCK_NB, 1, slot)
            return True
        except (BlockingIOError, PermissionError):
            return False

    def _unlock(self, slot: int) -> None:
        fcntl.lockf(self._file(), fcntl.LOCK_UN, 1, slot)

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        """Hold the conversation for one turn; waits at most `lock_lifetime` seconds."""
        local = self._local.setdefault(conversation_id, _ProcessLock())
        local.users += 1
        try:
            async with local.lock:
                slot = slot_for(conversation_id)
                deadline = time.monotonic() + lock_lifetime
                wait = FIRST_WAIT_SECONDS
                while not self._try_lock(slot):
                    if time.monotonic() > deadline:
                        logger.error("lock_timeout: conversation lock not free after %.0f s", lock_lifetime)
                        raise LockError(f"Could not lock the conversation within {lock_lifetime:.0f} s.")
                    await asyncio.sleep(wait)
                    wait = min(wait * 2, MAX_WAIT_SECONDS)
                try:
                    yield TicketLock(conversation_id)
                finally:
                    self._unlock(slot)
        finally:
            local.users -= 1
            if local.users == 0:
                self._local.pop(conversation_id, None)

    # Rasa's ticket API is not used by this store (see the module docstring).
    def get_lock(self, conversation_id: str) -> Optional[TicketLock]:
        return None

    def delete_lock(self, conversation_id: str) -> None:
        return None

    def save_lock(self, lock: TicketLock) -> None:
        return None
