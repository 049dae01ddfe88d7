"""The one place that turns a messaging sender into the ids the project stores or logs."""

from __future__ import annotations

import hashlib


def conversation_id(channel: str, raw_sender: str) -> str:
    """The conversation (tracker) id for a sender on a channel.

    For now the phone number ("whatsapp:+44...", "+44...") or Telegram chat id
    as given; replies are always addressed to the raw sender, never to this id,
    so hashing it later changes nothing else.
    """
    return raw_sender


def log_id(channel: str, raw_sender: str) -> str:
    """A short stable pseudonym for log lines: phone numbers stay out of the logs."""
    digest = hashlib.sha256(f"{channel}:{raw_sender}".encode("utf8", "surrogatepass")).hexdigest()
    return f"{channel}-{digest[:10]}"
