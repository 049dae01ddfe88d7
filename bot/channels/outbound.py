"""POST to a messaging service's API without blocking the server, with a few retries.

A reply that carries the 999 text must not be lost to one dropped connection:
connection errors, 429 and 5xx are retried with a short back-off. Log lines
name the service and the status, never the URL (Telegram's holds the token).
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any, Dict, Optional

import aiohttp

logger = logging.getLogger(__name__)

ATTEMPTS = 3
BACKOFF_SECONDS = 0.5
MAX_RETRY_AFTER_SECONDS = 10.0
TIMEOUT = aiohttp.ClientTimeout(total=20)


@dataclass(frozen=True)
class ApiResult:
    status: int  # 0: no answer (connection error or timeout)
    body: Any  # parsed JSON, or the raw text

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def _retry_after(result: ApiResult) -> Optional[float]:
    """Telegram says how long to wait after a 429 (parameters.retry_after)."""
    if isinstance(result.body, dict):
        wait = (result.body.get("parameters") or {}).get("retry_after")
        if isinstance(wait, (int, float)):
            return float(wait)
    return None


async def post(
    session: aiohttp.ClientSession,
    url: str,
    label: str,
    *,
    form: Optional[Dict[str, str]] = None,
    json_body: Optional[Dict[str, Any]] = None,
    auth: Optional[aiohttp.BasicAuth] = None,
) -> ApiResult:
    result = ApiResult(0, None)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            async with session.post(url, data=form, json=json_body, auth=auth, timeout=TIMEOUT) as reply:
                raw = await reply.text()
                try:
                    body: Any = json.loads(raw)
                except ValueError:
                    body = raw
                result = ApiResult(reply.status, body)
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.warning("%s: no answer (attempt %d/%d): %s", label, attempt, ATTEMPTS, error.__class__.__name__)
            result = ApiResult(0, None)
        if result.ok:
            return result
        if result.status and result.status != 429 and result.status < 500:
            break  # a 4xx will not get better by asking again
        if attempt < ATTEMPTS:
            wait = _retry_after(result) or BACKOFF_SECONDS * 2 ** (attempt - 1)
            if wait > MAX_RETRY_AFTER_SECONDS:
                break
            await asyncio.sleep(wait)
    logger.error("%s: failed with status %s: %s", label, result.status or "none", str(result.body)[:300])
    return result
