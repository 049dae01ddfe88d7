"""Prepare what a parent typed before Rasa sees it.

- control characters, NUL bytes and lone surrogates are removed;
- a leading "/" is plain text: Rasa would otherwise read "/deny" or "/restart"
  as an intent typed by the user, on any channel;
- very long messages are capped, keeping every sentence that mentions a sign,
  an age or a temperature, so a red flag at the end of a long story is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.safety import Level, assess
from bot.safety.text import clean

MAX_TEXT_CHARS = 2000
MAX_SENTENCES_SCANNED = 600
_SENTENCE = re.compile(r"(?<=[.!?\n])\s+")


@dataclass(frozen=True)
class PreparedText:
    text: str
    capped: bool
    original_length: int


def strip_intent_prefix(text: str) -> str:
    stripped = text.lstrip()
    while stripped.startswith("/"):
        stripped = stripped[1:].lstrip()
    return stripped


def _relevant(sentence: str) -> bool:
    try:
        found = assess(sentence)
    except Exception:
        return True
    return found.level >= Level.ADVICE or found.age_months is not None or found.temperature_c is not None


def cap_text(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    if len(text) <= limit:
        return text
    sentences = [s for s in _SENTENCE.split(text) if s.strip()]
    if len(sentences) == 1:
        sentences = [text[i : i + 300] for i in range(0, len(text), 300)]
    sentences = sentences[:MAX_SENTENCES_SCANNED]
    keep = [i for i, s in enumerate(sentences) if _relevant(s)]
    chosen: list[int] = []
    size = 0
    for index in keep + [i for i in range(len(sentences)) if i not in keep]:
        if size + len(sentences[index]) + 1 > limit:
            continue
        chosen.append(index)
        size += len(sentences[index]) + 1
    return " ".join(sentences[i] for i in sorted(chosen))[:limit]


def prepare_text(raw: object, limit: int = MAX_TEXT_CHARS) -> PreparedText:
    text = clean(str(raw if raw is not None else "")).replace("\u0000", " ")
    text = re.sub(r"[ \t\r\f\v]+", " ", text).strip()
    text = strip_intent_prefix(text)
    capped = cap_text(text, limit)
    return PreparedText(text=capped, capped=len(capped) < len(text), original_length=len(text))
