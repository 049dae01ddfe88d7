"""Flood protection per sender.

More than `max_messages` within `window_seconds` and the sender is blocked for
`block_seconds`: the message that crosses the limit gets one short reply (the
caller sends it), later ones are dropped. While blocked, a message with an
emergency sign may still get the fixed 999 text, once per block.
"""

from __future__ import annotations

import enum
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Callable, Deque, Optional

from bot.channels.settings import FloodSettings

DEFAULT_MAX_SENDERS = 100_000


class Verdict(enum.Enum):
    ALLOW = "allow"
    THROTTLE = "throttle"  # just crossed the limit: send the one short reply
    DROP = "drop"  # blocked: nothing reaches the bot


@dataclass
class _Sender:
    recent: Deque[float] = field(default_factory=deque)
    blocked_until: float = 0.0
    emergency_sent: bool = False


class FloodGuard:
    """Sliding-window counter per sender key, bounded in memory."""

    def __init__(
        self,
        settings: Optional[FloodSettings] = None,
        clock: Callable[[], float] = time.monotonic,
        max_senders: int = DEFAULT_MAX_SENDERS,
    ) -> None:
        self.settings = settings or FloodSettings()
        self.clock = clock
        self.max_senders = max_senders
        self._senders: OrderedDict[str, _Sender] = OrderedDict()

    def _state(self, key: str) -> _Sender:
        state = self._senders.get(key)
        if state is None:
            state = self._senders[key] = _Sender()
            while len(self._senders) > self.max_senders:
                self._senders.popitem(last=False)
        else:
            self._senders.move_to_end(key)
        return state

    def check(self, key: str) -> Verdict:
        """Count one message from `key` and say what to do with it."""
        now = self.clock()
        state = self._state(key)
        if now < state.blocked_until:
            return Verdict.DROP
        window_start = now - self.settings.window_seconds
        while state.recent and state.recent[0] <= window_start:
            state.recent.popleft()
        state.recent.append(now)
        if len(state.recent) > self.settings.max_messages:
            state.recent.clear()
            state.blocked_until = now + self.settings.block_seconds
            state.emergency_sent = False
            return Verdict.THROTTLE
        return Verdict.ALLOW

    def emergency_allowed(self, key: str) -> bool:
        """While blocked: True once per block, for a message with an emergency sign."""
        state = self._state(key)
        if state.emergency_sent:
            return False
        state.emergency_sent = True
        return True
