"""A reply of "2" from a sender picks the second button that sender was shown last."""

from __future__ import annotations

import pytest

from bot.channels.buttons import InMemoryButtonMemory, chosen_number


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("text, number", [("2", 2), (" 2 ", 2), ("2.", 2), ("2)", 2), ("12", 12)])
def test_chosen_number_reads_a_bare_option(text: str, number: int) -> None:
    assert chosen_number(text) == number


@pytest.mark.parametrize("text", ["2 years", "38.5", "two", "", "1 2", "100"])
def test_other_text_is_not_an_option(text: str) -> None:
    assert chosen_number(text) is None


def test_numbers_map_to_the_senders_last_buttons() -> None:
    memory = InMemoryButtonMemory()
    memory.remember("+441", ["yes", "no"])
    memory.remember("+442", ["a", "b", "c"])
    assert memory.resolve("+441", "2") == "no"
    assert memory.resolve("+442", "3") == "c"
    assert memory.resolve("+441", "3") is None  # out of range: the text stays "3"
    assert memory.resolve("+441", "0") is None
    assert memory.resolve("+443", "1") is None  # never shown buttons


def test_a_turn_without_buttons_forgets_them() -> None:
    memory = InMemoryButtonMemory()
    memory.remember("+441", ["yes", "no"])
    memory.remember("+441", [])
    assert memory.resolve("+441", "2") is None


def test_buttons_expire_and_memory_is_bounded() -> None:
    clock = Clock()
    memory = InMemoryButtonMemory(ttl_seconds=60, max_senders=2, clock=clock)
    memory.remember("a", ["x"])
    clock.now += 61
    assert memory.resolve("a", "1") is None
    for sender in ("a", "b", "c"):
        memory.remember(sender, ["x"])
    assert memory.resolve("a", "1") is None  # evicted, oldest first
    assert memory.resolve("c", "1") == "x"
