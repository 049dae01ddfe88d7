"""Several Rasa workers open one empty database at once (bot/storage/tracker_store.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bot.storage.tracker_store import SafeSQLTrackerStore


@pytest.mark.hazard("H03")
def test_losing_the_race_to_create_the_table_is_not_an_outage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = SafeSQLTrackerStore(dialect="sqlite", db=str(tmp_path / "tracker.db"))
    real_create_all = store.Base.metadata.create_all
    calls = []

    def create_all_as_the_loser(*args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) == 1:
            real_create_all(*args, **kwargs)  # the other worker created it just now ...
            raise sa.exc.IntegrityError("CREATE TABLE events", {}, Exception("duplicate key pg_type"))
        real_create_all(*args, **kwargs)

    monkeypatch.setattr(store.Base.metadata, "create_all", create_all_as_the_loser)
    store._ensure_tables()
    assert len(calls) == 2
    assert sa.inspect(store.engine).has_table("events")
    assert store._count_sync("nobody") == 0
