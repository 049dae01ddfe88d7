"""The one configuration loader: settings come from environment variables.

PROFILE=default     SQLite tracker store under var/; with several workers, a lock
                    file under var/ keeps each conversation one turn at a time
PROFILE=production  PostgreSQL tracker store (DB_HOST, DB_PORT, DB_NAME, DB_USER,
                    DB_PASSWORD) and Redis lock store (REDIS_HOST, REDIS_PORT)
RASA_WORKERS        Rasa server worker processes (default: one per core, at most 4)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Mapping, Optional
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parent.parent


def var_dir(env: Optional[Mapping[str, str]] = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("BOT_VAR_DIR") or ROOT / "var")


@dataclass(frozen=True)
class Settings:
    profile: str
    sqlite_path: Path
    db_host: str
    db_port: int
    db_name: str
    db_user: str
    db_password: str
    redis_host: str
    redis_port: int
    workers: int = 1
    lock_path: Optional[Path] = None

    @property
    def production(self) -> bool:
        return self.profile == "production"

    @property
    def tracker_db_url(self) -> str:
        """SQLAlchemy URL of the tracker store (the staff portal's tables live there too)."""
        if not self.production:
            return f"sqlite:///{self.sqlite_path}"
        password = f":{quote_plus(self.db_password)}" if self.db_password else ""
        return f"postgresql://{quote_plus(self.db_user)}{password}@{self.db_host}:{self.db_port}/{self.db_name}"

    def tracker_store_endpoint(self) -> Dict[str, object]:
        """The `tracker_store:` section of endpoints.yml for this profile."""
        store: Dict[str, object] = {"type": "bot.storage.tracker_store.SafeSQLTrackerStore"}
        if self.production:
            store.update(dialect="postgresql", url=self.db_host, port=self.db_port, db=self.db_name,
                         username=self.db_user, password=self.db_password)  # fmt: skip
        else:
            store.update(dialect="sqlite", db=str(self.sqlite_path))
        return store

    def lock_store_endpoint(self) -> Optional[Dict[str, object]]:
        if not self.production:
            if self.workers == 1:
                return None  # Rasa's in-memory lock store
            return {"type": "bot.storage.locks.FileLockStore", "path": str(self.lock_path)}
        return {"type": "redis", "url": self.redis_host, "port": self.redis_port, "key_prefix": "sepsis"}


def load_settings(env: Optional[Mapping[str, str]] = None) -> Settings:
    env = os.environ if env is None else env

    def get(key: str, default: str) -> str:
        # an empty variable (as `make` exports unset ones) means "not set"
        return (env.get(key) or "").strip() or default

    profile = get("PROFILE", "default").lower()
    if profile not in ("default", "production"):
        raise ValueError(f"PROFILE must be 'default' or 'production', not {profile!r}")
    return Settings(
        profile=profile,
        sqlite_path=Path(env.get("TRACKER_DB") or var_dir(env) / "tracker.db"),
        db_host=get("DB_HOST", "127.0.0.1"),
        db_port=int(get("DB_PORT", "5432")),
        db_name=get("DB_NAME", "sepsis"),
        db_user=get("DB_USER", "postgres"),
        db_password=get("DB_PASSWORD", ""),
        redis_host=get("REDIS_HOST", "127.0.0.1"),
        redis_port=int(get("REDIS_PORT", "6379")),
        workers=workers(get("RASA_WORKERS", "")),
        lock_path=var_dir(env) / "conversations.lock",
    )


MAX_DEFAULT_WORKERS = 4


def workers(value: str) -> int:
    """RASA_WORKERS, else one worker per core (at most 4: each holds its own model, about 0.9 GB)."""
    if not value:
        return max(1, min(os.cpu_count() or 1, MAX_DEFAULT_WORKERS))
    try:
        count = int(value)
    except ValueError:
        raise ValueError(f"RASA_WORKERS must be a whole number, not {value!r}") from None
    if not 1 <= count <= 64:
        raise ValueError(f"RASA_WORKERS must be between 1 and 64, not {count}")
    return count
