"""Numbered options: a reply of "2" picks the second button the sender was shown.

`ButtonMemory` is the interface (a Redis hash with a TTL fits it for several
replicas); `InMemoryButtonMemory` is the single-process default. Only the last
bot turn counts: a turn without buttons forgets the earlier ones, so "2" typed
as an answer to "How old is your child?" stays the text "2".
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from typing import Callable, List, Optional, Protocol, Tuple

DEFAULT_TTL_SECONDS = 24 * 3600
DEFAULT_MAX_SENDERS = 100_000
_CHOICE = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


def chosen_number(text: str) -> Optional[int]:
    """The option number in a reply like "2", " 2. " or "2)", else None."""
    match = _CHOICE.match(text or "")
    return int(match.group(1)) if match else None


class ButtonMemory(Protocol):
    def remember(self, sender: str, payloads: List[str]) -> None:
        """Keep the payloads of the buttons just shown (an empty list forgets)."""
        ...

    def resolve(self, sender: str, text: str) -> Optional[str]:
        """The payload a numbered reply stands for, or None if it is not one."""
        ...


class InMemoryButtonMemory:
    def __init__(
        self,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        max_senders: int = DEFAULT_MAX_SENDERS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_senders = max_senders
        self.clock = clock
        self._payloads: OrderedDict[str, Tuple[float, List[str]]] = OrderedDict()

    def remember(self, sender: str, payloads: List[str]) -> None:
        self._payloads.pop(sender, None)
        if not payloads:
            return
        self._payloads[sender] = (self.clock() + self.ttl_seconds, list(payloads))
        while len(self._payloads) > self.max_senders:
            self._payloads.popitem(last=False)

    def resolve(self, sender: str, text: str) -> Optional[str]:
        number = chosen_number(text)
        entry = self._payloads.get(sender)
        if number is None or entry is None:
            return None
        expires, payloads = entry
        if expires <= self.clock():
            del self._payloads[sender]
            return None
        if 1 <= number <= len(payloads):
            return payloads[number - 1]
        return None
