"""Process each inbound message once: services retry webhooks they think failed.

`SeenMessages` is the interface (Redis `SET key 1 NX EX ttl` fits it for
several replicas); `InMemorySeenMessages` is the single-process default.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Callable, Protocol

DEFAULT_TTL_SECONDS = 24 * 3600  # Telegram keeps undelivered updates for up to 24 hours.
DEFAULT_MAX_ENTRIES = 100_000


class SeenMessages(Protocol):
    def first_time(self, key: str) -> bool:
        """True the first time `key` is seen within the time-to-live, False after."""
        ...


class InMemorySeenMessages:
    """A bounded time-to-live set: the oldest keys go first when it is full."""

    def __init__(
        self,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self.clock = clock
        self._expiry: OrderedDict[str, float] = OrderedDict()

    def __len__(self) -> int:
        return len(self._expiry)

    def _expire(self, now: float) -> None:
        # Keys are kept in insertion order and share one ttl, so expired ones are at the front.
        while self._expiry:
            key, expires = next(iter(self._expiry.items()))
            if expires > now:
                break
            del self._expiry[key]

    def first_time(self, key: str) -> bool:
        now = self.clock()
        self._expire(now)
        if key in self._expiry:
            return False
        self._expiry[key] = now + self.ttl_seconds
        while len(self._expiry) > self.max_entries:
            self._expiry.popitem(last=False)
        return True
