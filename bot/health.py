"""Readiness of the Rasa server: model loaded, database and Redis reachable."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, Optional


async def _redis_ok(lock_store: Any) -> Optional[bool]:
    client = getattr(lock_store, "red", None)
    if client is None:
        return None  # in-memory lock store: nothing to reach
    loop = asyncio.get_running_loop()
    try:
        return bool(await asyncio.wait_for(loop.run_in_executor(None, client.ping), 2))
    except Exception:
        return False


async def readiness(agent: Any) -> Dict[str, Any]:
    checks: Dict[str, Any] = {"model": bool(agent is not None and agent.is_ready())}
    store = getattr(getattr(agent, "tracker_store", None), "_tracker_store", None)
    ping = getattr(store, "ping", None)
    checks["database"] = bool(await ping()) if ping else None
    checks["redis"] = await _redis_ok(getattr(agent, "lock_store", None))
    checks["ready"] = all(value is not False for value in checks.values()) and checks["model"]
    return checks
