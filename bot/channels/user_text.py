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
MAX_SENTENCES_ASSESSED = 200
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


def _mentions_health(sentence: str) -> bool:
    """Cheap pre-filter: any word the sign patterns use, or a number."""
    from bot.safety.signs import sign_matcher

    words = set(re.findall(r"[a-z]+", sentence.lower()))
    return bool(re.search(r"\d", sentence)) or bool(words & sign_matcher().pattern_words)


def _relevance(sentence: str) -> int:
    try:
        found = assess(sentence)
    except Exception:
        return int(Level.EMERGENCY)
    if found.age_months is not None or found.temperature_c is not None:
        return max(int(found.level), int(Level.ADVICE))
    return int(found.level)


def cap_text(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    if len(text) <= limit:
        return text
    sentences = [s for s in _SENTENCE.split(text) if s.strip()]
    if len(sentences) == 1:
        sentences = [text[i : i + 300] for i in range(0, len(text), 300)]
    candidates = [i for i, s in enumerate(sentences) if _mentions_health(s)]
    if len(candidates) > MAX_SENTENCES_ASSESSED:
        # keep the start and the end of what the parent wrote; the end is usually "now"
        candidates = candidates[: MAX_SENTENCES_ASSESSED // 2] + candidates[-MAX_SENTENCES_ASSESSED // 2 :]
    relevance = {i: _relevance(sentences[i]) for i in candidates}
    keep = [i for i in sorted(candidates, key=lambda i: -relevance[i]) if relevance[i] >= Level.ADVICE]
    kept = set(keep)
    chosen: list[int] = []
    size = 0
    for index in keep + [i for i in range(len(sentences)) if i not in kept]:
        if size + len(sentences[index]) + 1 > limit:
            continue
        chosen.append(index)
        size += len(sentences[index]) + 1
    return " ".join(sentences[i] for i in sorted(chosen))[:limit]


def prepare_text(raw: object, limit: int = MAX_TEXT_CHARS) -> PreparedText:
    text = clean(str(raw if raw is not None else ""))
    text = re.sub(r"[ \t\r\f\v]+", " ", text).strip()
    text = strip_intent_prefix(text)
    capped = cap_text(text, limit)
    return PreparedText(text=capped, capped=len(capped) < len(text), original_length=len(text))
