"""Scripted conversations through the real trained bot, checked turn by turn as a parent
reads them (bot/conversation_checks.py): the right first line, the question answered, no
reassurance before the facts, no long message sent twice, the right person.

The scenarios in tests/conversations/ were written by helper sessions that never saw the
reply composer (format: tests/conversations/FORMAT.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.conversation_checks import check_scenario, read_scenarios, run

HERE = Path(__file__).resolve().parent / "conversations"
FILES = sorted(HERE.glob("*.yml"))
RESULTS = Path(__file__).resolve().parent.parent / "results"


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return run(FILES, RESULTS)


def test_the_scenario_files_are_many_and_long_enough() -> None:
    scenarios = [s for f in FILES for s in read_scenarios(f)]
    assert len(scenarios) >= 40
    assert max(len(s["turns"]) for s in scenarios) >= 20  # the 20-turn no-repeat conversation
    assert sum(1 for s in scenarios for t in s["turns"] if t.get("answers")) >= 100


@pytest.mark.slow
@pytest.mark.hazard("H01")
def test_every_scripted_check_passes_through_the_real_bot(result) -> None:  # type: ignore[no-untyped-def]
    figures = result.figures()
    print(f"CONVERSATIONS {figures}")
    failures = [c for c in result.checks if not c.ok]
    assert figures["checks"] >= 1500
    assert not failures, "\n".join(f"{c.scenario} turn {c.turn} {c.kind}: {c.detail}" for c in failures[:20])


@pytest.mark.slow
def test_no_long_message_is_sent_twice_in_any_conversation(result) -> None:  # type: ignore[no-untyped-def]
    repeats = [c for c in result.checks if c.kind == "no_long_repeat" and not c.ok]
    assert not repeats


def test_the_checker_fails_a_long_repeat_a_missed_answer_and_early_reassurance() -> None:
    long_text = "x" * 130
    scenario = {
        "name": "s",
        "about": "adult",
        "turns": [{"user": "a", "first": "emergency"}, {"user": "b", "first": "calm", "answers": "medicines"}],
    }
    replies = [
        [
            {"text": "Call 999 now or go to A&E.", "guidance_keys": ["emergency.call_999"], "level": "emergency"},
            {"text": long_text, "guidance_keys": ["x"]},
        ],
        [{"text": long_text, "guidance_keys": ["advice.well_child"]}, {"text": "your child", "guidance_keys": ["y"]}],
    ]
    checks = {(c.turn, c.kind): c.ok for c in check_scenario(scenario, replies)}
    assert checks[(1, "first:emergency")] and checks[(1, "no_long_repeat")]
    assert not checks[(2, "no_long_repeat")]
    assert not checks[(2, "answered")]
    assert not checks[(2, "no_early_reassurance")]
    assert not checks[(2, "person")]
    assert checks[(2, "first:calm")]
