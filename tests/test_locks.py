"""The embedded profile's lock store (bot/storage/locks.py): one turn at a time per
conversation across the Rasa worker processes, never a conversation left locked."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import time
from pathlib import Path
from typing import List

import pytest
from rasa.core.lock_store import LockError

from bot.config import load_settings
from bot.storage.locks import FileLockStore, slot_for


def hold(path: str, conversation: str, seconds: float, log: str) -> None:
    """In another process: take the conversation's lock, note when, hold it."""

    async def run() -> None:
        store = FileLockStore(path=path)
        async with store.lock(conversation):
            with open(log, "a") as handle:
                handle.write(f"{os.getpid()} in {time.monotonic()}\n")
            await asyncio.sleep(seconds)
            with open(log, "a") as handle:
                handle.write(f"{os.getpid()} out {time.monotonic()}\n")

    asyncio.run(run())


def spawn(target: object, *args: object) -> multiprocessing.Process:
    process = multiprocessing.get_context("fork").Process(target=target, args=args)
    process.start()
    return process


def test_two_processes_take_turns_on_one_conversation(tmp_path: Path) -> None:
    path, log = str(tmp_path / "c.lock"), str(tmp_path / "log")
    workers = [spawn(hold, path, "parent-1", 0.3, log) for _ in range(3)]
    for worker in workers:
        worker.join(10)
    lines = [line.split() for line in Path(log).read_text().splitlines()]
    # in, out, in, out, ...: never two processes inside at once
    assert [kind for _, kind, _ in lines] == ["in", "out"] * 3
    assert [pid for pid, _, _ in lines[::2]] == [pid for pid, _, _ in lines[1::2]]


def wait_for_file(path: Path) -> None:
    deadline = time.monotonic() + 20
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert path.exists(), "the holding process never took the lock"


def test_other_conversations_do_not_wait(tmp_path: Path) -> None:
    path = str(tmp_path / "c.lock")
    holder = spawn(hold, path, "parent-1", 3.0, str(tmp_path / "log"))
    wait_for_file(tmp_path / "log")

    async def take(conversation: str) -> None:
        # A short limit: a conversation that had to wait for parent-1 would fail here.
        async with FileLockStore(path=path).lock(conversation, lock_lifetime=0.3):
            pass

    try:
        asyncio.run(take("parent-2"))
        with pytest.raises(LockError):
            asyncio.run(take("parent-1"))  # the one being held does wait
    finally:
        holder.join(10)


def test_a_killed_worker_leaves_no_conversation_locked(tmp_path: Path) -> None:
    path = str(tmp_path / "c.lock")
    holder = spawn(hold, path, "parent-1", 60.0, str(tmp_path / "log"))
    wait_for_file(tmp_path / "log")
    store = FileLockStore(path=path)
    assert not store._try_lock(slot_for("parent-1"))  # held by the worker
    os.kill(holder.pid, signal.SIGKILL)
    holder.join(10)
    assert store._try_lock(slot_for("parent-1"))  # freed by the kernel, at once
    store._unlock(slot_for("parent-1"))

    async def take() -> None:
        async with store.lock("parent-1", lock_lifetime=5):
            pass

    asyncio.run(take())


def test_turns_in_one_process_keep_their_order_and_a_stuck_lock_times_out(tmp_path: Path) -> None:
    store = FileLockStore(path=str(tmp_path / "c.lock"))
    order: List[int] = []

    async def turn(number: int) -> None:
        async with store.lock("parent-1"):
            order.append(number)
            await asyncio.sleep(0.01)

    async def run() -> None:
        await asyncio.gather(*(turn(n) for n in range(10)))

    asyncio.run(run())
    assert order == list(range(10))
    assert store._local == {}  # nothing kept for finished conversations

    holder = spawn(hold, str(tmp_path / "c.lock"), "parent-1", 3.0, str(tmp_path / "log"))
    wait_for_file(tmp_path / "log")

    async def blocked() -> None:
        async with FileLockStore(path=str(tmp_path / "c.lock")).lock("parent-1", lock_lifetime=0.5):
            pass

    try:
        with pytest.raises(LockError):
            asyncio.run(blocked())
    finally:
        holder.join(10)


def test_several_workers_use_the_lock_file_and_one_worker_keeps_rasas_own(tmp_path: Path) -> None:
    env = {"BOT_VAR_DIR": str(tmp_path), "RASA_WORKERS": "2"}
    endpoint = load_settings(env).lock_store_endpoint()
    assert endpoint == {"type": "bot.storage.locks.FileLockStore", "path": str(tmp_path / "conversations.lock")}
    assert load_settings({**env, "RASA_WORKERS": "1"}).lock_store_endpoint() is None
    assert load_settings({**env, "PROFILE": "production"}).lock_store_endpoint()["type"] == "redis"
    with pytest.raises(ValueError, match="RASA_WORKERS"):
        load_settings({"RASA_WORKERS": "many"})
    assert 1 <= load_settings({}).workers <= 4
