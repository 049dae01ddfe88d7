"""The one logger setup: structured JSON lines with a request id.

Used by the Rasa server (`rasa run --logging-config-file bot/logging.yml`), the
action server and the web app. Each message handled gets a request id
(bot.channels.guard) that every log line written while handling it carries.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
from typing import Any, Dict

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, request_id, message."""

    def format(self, record: logging.LogRecord) -> str:
        data: Dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "request_id": getattr(record, "request_id", REQUEST_ID.get()),
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            data["exception"] = record.exc_text
        return json.dumps(data, ensure_ascii=False)


_configured = False


def configure(level: int = logging.INFO) -> None:
    """JSON lines on stderr. Rasa installs coloured text logs after reading its
    logging config, so the channels call this again when the server is set up."""
    global _configured
    if _configured:
        return
    _configured = True
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    from bot.privacy.redact import RedactingFilter

    handler.addFilter(RedactingFilter())  # no phone numbers, NHS numbers, emails... in logs
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Rasa sets the root logger to WARNING later on; our own records keep their level.
    logging.getLogger("bot").setLevel(level)
    logging.getLogger("actions").setLevel(level)
    for noisy in ("rasa", "sanic.access", "sqlalchemy", "urllib3", "apscheduler"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
