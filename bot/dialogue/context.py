"""What earlier turns established, read from a Rasa tracker for the safety engine."""

from __future__ import annotations

from typing import Any

from bot.dialogue import slots
from bot.safety.engine import Context


def context_from_tracker(tracker: Any) -> Context:
    """The engine's Context from a tracker's slots (an empty one without a tracker)."""
    if tracker is None:
        return Context()
    values = {key: tracker.get_slot(slot) for key, slot in slots.CONTEXT_SLOTS.items()}
    return Context.from_dict({k: v for k, v in values.items() if v is not None})
