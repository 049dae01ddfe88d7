"""`make soak`: a bounded load on a fresh local set-up, loopback only.

Starts its own action server and Rasa server (the default profile, or
PROFILE=production), runs N conversations spread over M minutes, then checks the
tracker store: prints the errors and the lost events, which must both be 0.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List, Optional

TURNS = [
    "hello", "my daughter has a temperature", "shes 3", "38.7", "yes shes drinking", "yes", "none of these",
    "what is sepsis", "thanks", "bye",
]  # fmt: skip


def converse(url: str, sender: str, turns: List[str], pause: float) -> Dict[str, int]:
    errors = 0
    for text in turns:
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                replies = json.loads(reply.read())
            if reply.status != 200 or not any(
                "999" in (r.get("text") or "") or "111" in (r.get("text") or "") for r in replies
            ):
                errors += 1
        except Exception:
            errors += 1
        time.sleep(pause)
    return {"errors": errors}


def stored_user_texts(var_dir: Path, senders: List[str], env: Dict[str, str]) -> Dict[str, List[str]]:
    from bot.config import load_settings

    settings = load_settings(env)
    out: Dict[str, List[str]] = {}
    if settings.production:
        import psycopg2

        with psycopg2.connect(host=settings.db_host, port=settings.db_port, user=settings.db_user,
                              password=settings.db_password or None, dbname=settings.db_name) as db:  # fmt: skip
            cursor = db.cursor()
            for sender in senders:
                cursor.execute("SELECT data FROM events WHERE sender_id=%s AND type_name='user' ORDER BY id", (sender,))
                out[sender] = [json.loads(r[0])["text"] for r in cursor.fetchall()]
        return out
    with sqlite3.connect(var_dir / "tracker.db") as db:
        for sender in senders:
            rows = db.execute("SELECT data FROM events WHERE sender_id=? AND type_name='user' ORDER BY id", (sender,))
            out[sender] = [json.loads(r[0])["text"] for r in rows]
    return out


def main(argv: Optional[List[str]] = None) -> int:
    import os

    from bot.stack import start_servers

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=int(os.environ.get("SOAK_CONVERSATIONS", 40)))
    parser.add_argument("--minutes", type=float, default=float(os.environ.get("SOAK_MINUTES", 2)))
    parser.add_argument("--concurrency", type=int, default=10)
    args = parser.parse_args(argv)
    var_dir = Path(tempfile.mkdtemp(prefix="soak-"))
    env = {k: v for k, v in os.environ.items() if k in ("PROFILE",) or k.startswith(("DB_", "REDIS_"))}
    servers = start_servers(var_dir, env)
    from bot import cli

    try:
        senders = [f"soak-{uuid.uuid4().hex[:10]}" for _ in range(args.conversations)]
        pause = max(0.0, args.minutes * 60 / max(1, args.conversations / args.concurrency) / len(TURNS))
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            results = list(
                pool.map(lambda s: converse(servers.rest_url, s, TURNS, pause * random.uniform(0.5, 1.5)), senders)
            )
        errors = sum(r["errors"] for r in results)
        stored = stored_user_texts(var_dir, senders, env)
        lost = sum(
            len(TURNS) - sum(1 for a, b in zip(stored.get(s, []), TURNS, strict=False) if a == b) for s in senders
        )
        extra = sum(max(0, len(stored.get(s, [])) - len(TURNS)) for s in senders)
        turns = len(senders) * len(TURNS)
        print(f"SOAK conversations={len(senders)} turns={turns} seconds={time.monotonic() - started:.0f} "
              f"errors={errors} lost_events={lost} duplicated_events={extra}")  # fmt: skip
        return 0 if errors == 0 and lost == 0 and extra == 0 else 1
    finally:
        cli.stop(servers.processes)


if __name__ == "__main__":
    sys.exit(main())
