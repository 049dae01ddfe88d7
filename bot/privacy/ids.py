"""Keyed sender ids: a messaging channel's sender (a phone number, a Telegram
user id) never reaches the tracker store, only an HMAC of it.

The key comes from SENDER_ID_KEY. Without it a random key is made per process,
which keeps identifiers out of the database but splits one parent's messages
into a new conversation after every restart: set the key in production.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import threading
from typing import Optional

logger = logging.getLogger(__name__)

ENV_KEY = "SENDER_ID_KEY"
DIGEST_CHARS = 40  # 160 bits: far beyond collisions, well under VARCHAR(255)

_lock = threading.Lock()
_process_key: Optional[bytes] = None


def _key() -> bytes:
    global _process_key
    configured = os.environ.get(ENV_KEY, "")
    if configured:
        return configured.encode("utf8")
    with _lock:
        if _process_key is None:
            _process_key = secrets.token_bytes(32)
            logger.warning(
                "%s is not set: sender ids are keyed with a random per-process key, so a parent's "
                "conversation starts afresh after every restart. Set %s in production.",
                ENV_KEY,
                ENV_KEY,
            )
        return _process_key


def keyed_sender_id(channel: str, raw_sender: str) -> str:
    """`("whatsapp", "+447700900123")` -> `"whatsapp-3f2a..."`: stable for one key,
    not reversible without it, and different per channel for the same raw id."""
    channel_name = "".join(c for c in channel.lower() if c.isalnum() or c in "_-")[:32] or "channel"
    message = f"{channel_name}\x00{raw_sender}".encode("utf8", "surrogatepass")
    digest = hmac.new(_key(), message, hashlib.sha256).hexdigest()
    return f"{channel_name}-{digest[:DIGEST_CHARS]}"
