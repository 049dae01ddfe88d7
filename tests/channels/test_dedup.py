"""Each inbound message is processed once (retried webhooks are ignored)."""

from __future__ import annotations

from bot.channels.dedup import InMemorySeenMessages


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_second_sighting_is_not_first_time() -> None:
    seen = InMemorySeenMessages()
    assert seen.first_time("twilio:SM1")
    assert not seen.first_time("twilio:SM1")
    assert seen.first_time("telegram:SM1")


def test_keys_expire_after_the_ttl() -> None:
    clock = Clock()
    seen = InMemorySeenMessages(ttl_seconds=10, clock=clock)
    assert seen.first_time("k")
    clock.now = 9.9
    assert not seen.first_time("k")
    clock.now = 10.1
    assert seen.first_time("k")


def test_size_is_bounded() -> None:
    clock = Clock()
    seen = InMemorySeenMessages(ttl_seconds=100, max_entries=3, clock=clock)
    for n in range(10):
        clock.now += 1
        assert seen.first_time(f"k{n}")
    assert len(seen) == 3
    assert not seen.first_time("k9")
    assert seen.first_time("k0")  # the oldest were dropped


def test_expired_keys_are_dropped() -> None:
    clock = Clock()
    seen = InMemorySeenMessages(ttl_seconds=5, clock=clock)
    for n in range(100):
        seen.first_time(f"k{n}")
    clock.now = 6
    seen.first_time("new")
    assert len(seen) == 1
