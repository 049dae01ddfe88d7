"""Privacy: redaction of personal identifiers and keyed sender ids.

Nothing here imports Rasa or the safety engine, so channels, logging and the
staff portal can all use it cheaply.
"""

from bot.privacy.ids import keyed_sender_id
from bot.privacy.redact import RedactingFilter, redact

__all__ = ["RedactingFilter", "keyed_sender_id", "redact"]
