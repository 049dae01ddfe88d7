"""Flood protection: one short reply past the limit, then silence for a while."""

from __future__ import annotations

from bot.channels.flood import FloodGuard, Verdict
from bot.channels.settings import FloodSettings


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def guard(clock: Clock, **settings: float) -> FloodGuard:
    values = {"max_messages": 3, "window_seconds": 60, "block_seconds": 300, **settings}
    return FloodGuard(FloodSettings(**values), clock=clock)  # type: ignore[arg-type]


def test_up_to_the_limit_is_allowed_then_one_throttle_then_drops() -> None:
    clock = Clock()
    flood = guard(clock)
    verdicts = []
    for _ in range(6):
        clock.now += 1
        verdicts.append(flood.check("+441"))
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.THROTTLE] + [Verdict.DROP] * 2


def test_senders_are_counted_separately() -> None:
    clock = Clock()
    flood = guard(clock)
    for _ in range(4):
        flood.check("+441")
    assert flood.check("+442") is Verdict.ALLOW


def test_the_window_slides() -> None:
    clock = Clock()
    flood = guard(clock)
    for _ in range(3):
        clock.now += 30
        assert flood.check("+441") is Verdict.ALLOW  # at most 2 in any 60 s
    assert flood.check("+441") is Verdict.ALLOW


def test_block_ends_after_block_seconds() -> None:
    clock = Clock()
    flood = guard(clock, block_seconds=300)
    for _ in range(4):
        flood.check("+441")
    clock.now += 299
    assert flood.check("+441") is Verdict.DROP
    clock.now += 2
    assert flood.check("+441") is Verdict.ALLOW


def test_emergency_text_is_allowed_once_per_block() -> None:
    clock = Clock()
    flood = guard(clock)
    for _ in range(4):
        flood.check("+441")
    assert flood.emergency_allowed("+441")
    assert not flood.emergency_allowed("+441")
    clock.now += 301
    for _ in range(4):
        flood.check("+441")
    assert flood.emergency_allowed("+441")


def test_memory_is_bounded() -> None:
    flood = FloodGuard(FloodSettings(), max_senders=10)
    for n in range(100):
        flood.check(f"sender-{n}")
    assert len(flood._senders) == 10
