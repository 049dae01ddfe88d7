"""The one assessment of the latest message, handed from the NLU component to the
reply guard of the same Rasa server process (so the guard's fallback sees an
emergency that only the conversation's context reveals, without assessing again).

Keyed by sender id; bounded, so a sender whose turn failed before the guard read
it cannot make it grow.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Dict, Optional

MAX_PENDING = 2048
_results: OrderedDict[str, Dict[str, Any]] = OrderedDict()
_lock = threading.Lock()


def remember(sender_id: str, assessment: Dict[str, Any]) -> None:
    with _lock:
        _results[sender_id] = assessment
        _results.move_to_end(sender_id)
        while len(_results) > MAX_PENDING:
            _results.popitem(last=False)


def take(sender_id: str) -> Optional[Dict[str, Any]]:
    """The latest message's assessment for this sender, once."""
    with _lock:
        return _results.pop(sender_id, None)


def forget(sender_id: str) -> None:
    with _lock:
        _results.pop(sender_id, None)
