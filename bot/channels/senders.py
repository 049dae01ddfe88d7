"""The one place that turns a messaging sender into the ids the project stores or logs."""

from __future__ import annotations

import hashlib


def conversation_id(channel: str, raw_sender: str) -> str:
    """The conversation (tracker) id for a sender on a channel.

    A keyed hash (HMAC with SENDER_ID_KEY) of the phone number or Telegram chat
    id, so the tracker store never holds the number; replies are always
    addressed to the raw sender, never to this id.
    """
    from bot.privacy.ids import keyed_sender_id

    return keyed_sender_id(channel, raw_sender)


def log_id(channel: str, raw_sender: str) -> str:
    """A short stable pseudonym for log lines: phone numbers stay out of the logs."""
    digest = hashlib.sha256(f"{channel}:{raw_sender}".encode("utf8", "surrogatepass")).hexdigest()
    return f"{channel}-{digest[:10]}"
