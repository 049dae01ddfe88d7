"""Messaging-channel memory shared by several Rasa workers (bot/channels/shared_state.py):
two instances on one database stand for two worker processes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.flood import FloodGuard, Verdict
from bot.channels.settings import FloodSettings
from bot.channels.shared_state import (
    SQLiteButtonMemory,
    SQLiteFloodGuard,
    SQLiteSeenMessages,
    channel_memory,
    flood_guard,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_retried_webhook_on_the_other_worker_is_handled_once(tmp_path: Path) -> None:
    clock = Clock()
    first, second = (SQLiteSeenMessages(tmp_path / "c.db", ttl_seconds=60, clock=clock) for _ in range(2))
    assert first.first_time("twilio:SM1")
    assert not second.first_time("twilio:SM1")
    assert second.first_time("twilio:SM2")
    clock.now += 61
    assert first.first_time("twilio:SM1")  # forgotten after the time to live


def test_a_numbered_reply_on_the_other_worker_picks_the_option_shown(tmp_path: Path) -> None:
    clock = Clock()
    shown, answered = (SQLiteButtonMemory(tmp_path / "c.db", ttl_seconds=60, clock=clock) for _ in range(2))
    shown.remember("p1", ["/yes", "/no"])
    assert answered.resolve("p1", "2") == "/no"
    assert answered.resolve("p1", " 1. ") == "/yes"
    assert answered.resolve("p1", "3") is None
    assert answered.resolve("p2", "1") is None
    assert answered.resolve("p1", "two") is None
    shown.remember("p1", [])  # a turn without options forgets them
    assert answered.resolve("p1", "1") is None
    shown.remember("p1", ["/a"])
    clock.now += 61
    assert answered.resolve("p1", "1") is None


def test_a_flood_split_over_two_workers_is_counted_once(tmp_path: Path) -> None:
    clock = Clock()
    settings = FloodSettings(max_messages=4, window_seconds=60, block_seconds=300)
    workers = [SQLiteFloodGuard(tmp_path / "c.db", settings, clock) for _ in range(2)]
    verdicts = [workers[n % 2].check("p1") for n in range(6)]
    assert verdicts == [Verdict.ALLOW] * 4 + [Verdict.THROTTLE, Verdict.DROP]
    assert workers[0].check("p2") == Verdict.ALLOW  # others are not affected
    # One emergency text per block, whichever worker asks.
    assert workers[1].emergency_allowed("p1")
    assert not workers[0].emergency_allowed("p1")
    clock.now += 301
    assert workers[0].check("p1") == Verdict.ALLOW
    # Quiet senders are forgotten: only the one just counted is left.
    with workers[0].db.connect() as connection:
        assert [row[0] for row in connection.execute("SELECT sender FROM flood")] == ["p1"]


def test_the_database_unusable_lets_messages_through(tmp_path: Path) -> None:
    seen = SQLiteSeenMessages(tmp_path / "c.db")
    guard = SQLiteFloodGuard(tmp_path / "c.db", FloodSettings(max_messages=1))
    buttons = SQLiteButtonMemory(tmp_path / "c.db")
    (tmp_path / "c.db").unlink()
    (tmp_path / "c.db").mkdir()  # now a directory: every query fails
    assert seen.first_time("x") and seen.first_time("x")
    assert guard.check("p") == Verdict.ALLOW and guard.check("p") == Verdict.ALLOW
    assert guard.emergency_allowed("p")
    buttons.remember("p", ["/a"])
    assert buttons.resolve("p", "1") is None


@pytest.mark.parametrize("workers, shared", [("1", False), ("2", True)])
def test_several_workers_share_one_worker_keeps_memory_in_process(
    workers: str, shared: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SANIC_WORKERS", workers)
    monkeypatch.setenv("BOT_VAR_DIR", str(tmp_path))
    seen, buttons = channel_memory()
    guard = flood_guard(FloodSettings())
    assert isinstance(seen, SQLiteSeenMessages) is shared
    assert isinstance(buttons, SQLiteButtonMemory) is shared
    assert isinstance(guard, SQLiteFloodGuard) is shared and isinstance(guard, FloodGuard)
    assert (tmp_path / "channels.db").exists() is shared
