"""Triage levels, highest wins."""

from __future__ import annotations

from enum import IntEnum
from typing import Optional


class Level(IntEnum):
    NONE = 0
    INFO = 1
    ADVICE = 2
    URGENT = 3
    EMERGENCY = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: Optional[str]) -> Level:
        if value is None:
            return cls.NONE
        if isinstance(value, Level):
            return value
        text = str(value).strip().upper()
        if text in ("", "OTHER"):
            return cls.NONE
        return cls[text]
