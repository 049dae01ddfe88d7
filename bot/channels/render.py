"""Turn the bot's messages for one turn into plain-text parts for a messaging service.

Buttons become numbered options ("1. Yes\\n2. No"), film cards become their title
and link, and the turn is joined into one text and split at paragraph, line or
sentence boundaries under the service's limit. One text split into as few parts
as possible (rather than one SMS per bot message) costs less and arrives in
order more often; the emergency text is always in the first part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Tuple

from bot import replies

SMS_LIMIT = 1600
WHATSAPP_LIMIT = 4096
TELEGRAM_LIMIT = 4096

_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
# Inside a paragraph: a line break, or the space after the end of a sentence.
_BREAK = re.compile(r"(\n|(?<=[.!?])[ \t]+)")
_WORD_BREAK = re.compile(r"(\s+)")


@dataclass(frozen=True)
class RenderedReply:
    parts: List[str]
    payloads: List[str]  # payloads of the numbered options shown last (empty: none)


def text_length(text: str) -> int:
    """Length in UTF-16 code units: what Telegram counts, and never less than characters."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def numbered_options(buttons: Iterable[Dict[str, Any]]) -> str:
    return "\n".join(f"{n}. {button.get('title') or button.get('payload', '')}" for n, button in enumerate(buttons, 1))


def _is_film_card(custom: Any) -> bool:
    return isinstance(custom, dict) and custom.get("type") == "film_card"


def film_card_text(card: Dict[str, Any]) -> str:
    return f"{card.get('title', '')}\n{card.get('url', '')}".strip()


def render_blocks(messages: Iterable[Dict[str, Any]]) -> Tuple[List[str], List[str]]:
    """One text block per bot message, and the payloads of the last buttons shown."""
    messages = list(messages)
    # Rasa delivers a film card's summary text and its card as two messages: keep the card.
    card_texts = {m["custom"].get("text") for m in messages if _is_film_card(m.get("custom"))}
    blocks: List[str] = []
    payloads: List[str] = []
    for message in messages:
        custom = message.get("custom")
        text = str(message.get("text") or "").strip()
        if text and text not in card_texts:
            buttons = [b for b in message.get("buttons") or [] if isinstance(b, dict)]
            if buttons:
                text = f"{text}\n{numbered_options(buttons)}"
                payloads = [str(b.get("payload") or b.get("title") or "") for b in buttons]
            blocks.append(text)
        if _is_film_card(custom):
            blocks.append(film_card_text(custom))
        elif isinstance(custom, dict) and custom.get("text"):
            blocks.append(str(custom["text"]).strip())
        for key in ("image", "attachment"):
            if message.get(key):
                blocks.append(str(message[key]))
    return [b for b in blocks if b], payloads


def _hard_cut(piece: str, limit: int) -> List[str]:
    out: List[str] = []
    current = ""
    for char in piece:
        if text_length(current + char) > limit:
            out.append(current)
            current = ""
        current += char
    return out + ([current] if current else [])


def _fit(separator: str, piece: str, limit: int) -> List[Tuple[str, str]]:
    """A piece as (separator, chunk) pairs each within the limit: words first, then characters."""
    if text_length(piece) <= limit:
        return [(separator, piece)]
    chunks: List[Tuple[str, str]] = []
    tokens = _WORD_BREAK.split(piece)
    pending_separator = separator
    for index in range(0, len(tokens), 2):
        word = tokens[index]
        if word:
            for n, cut in enumerate(_hard_cut(word, limit)):
                chunks.append((pending_separator if n == 0 else "", cut))
        pending_separator = tokens[index + 1] if index + 1 < len(tokens) else " "
    return chunks


def _pieces(paragraph: str) -> List[Tuple[str, str]]:
    """(separator before, piece) for each line or sentence of a paragraph."""
    tokens = _BREAK.split(paragraph)
    pieces: List[Tuple[str, str]] = []
    separator = ""
    for index, token in enumerate(tokens):
        if index % 2 == 1:
            separator = "\n" if "\n" in token or "\n" in separator else token
        elif token:
            pieces.append((separator, token))
            separator = ""
    return pieces


def split_text(text: str, limit: int) -> List[str]:
    """Split into parts of at most `limit`, in order.

    A paragraph that fits in a part is never split; a longer one fills the
    current part line by line and sentence by sentence (then word by word).
    """
    parts: List[str] = []
    current = ""
    for paragraph in _PARAGRAPH.split(text.strip()):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        candidate = f"{current}\n\n{paragraph}" if current else paragraph
        if text_length(candidate) <= limit:
            current = candidate
            continue
        if text_length(paragraph) <= limit:
            parts.append(current)
            current = paragraph
            continue
        first = True
        for separator, piece in _pieces(paragraph):
            for chunk_separator, chunk in _fit(separator, piece, limit):
                joiner = "\n\n" if first else chunk_separator
                first = False
                candidate = current + joiner + chunk if current else chunk
                if text_length(candidate) <= limit:
                    current = candidate
                else:
                    parts.append(current)
                    current = chunk
    if current:
        parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def split_reply(text: str, limit: int, first: Optional[str] = None) -> List[str]:
    """split_text, with `first` (the emergency text), if present, always in the first part."""
    parts = split_text(text, limit)
    if first and parts and first in text and first not in parts[0]:
        rest = text.replace(first, "", 1).strip()
        parts = split_text(f"{first}\n\n{rest}", limit)
    return parts


def render_reply(messages: Iterable[Dict[str, Any]], limit: int) -> RenderedReply:
    """The parts to send, in order, and the payloads behind the numbered options."""
    messages = list(messages)
    blocks, payloads = render_blocks(messages)
    text = "\n\n".join(blocks)
    # the message that carries the emergency line (by its keys or level, never its wording)
    first = next(
        (
            str(m.get("text") or "")
            for m in messages
            if set(replies.message_keys(m)) & replies.EMERGENCY_FIRST_KEYS or m.get("level") == "emergency"
        ),
        None,
    )
    return RenderedReply(parts=split_reply(text, limit, first or None), payloads=payloads)
