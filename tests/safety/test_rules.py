"""Age, temperature, duration readers and the rules built on them."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.safety import Level, assess
from bot.safety.numbers import read_age_months, read_fever_days, read_temperature_c
from bot.safety.text import normalise


@pytest.mark.parametrize(
    "text,months",
    [
        ("my 6wks old", 6 * 7 / 30.44), ("2mo baby feels hot", 2.0), ("newborn", 0.25), ("hes 3yo", 36.0),
        ("18 months", 18.0), ("shes 4", 48.0), ("my son have 2 years", 24.0), ("baby 7 week temperature", 7 * 7 / 30.44),
        ("son born 3 weeks ago", 3 * 7 / 30.44), ("newborn 10 days old", 10 / 30.44), ("one of mine (4)", 48.0),
        ("my 3 and a half month old", 3.5), ("Maisie is 2 and a half", 30.0), ("sorry I meant 3 weeks not 3 months", 3 * 7 / 30.44),
        ("a 20 month old", 20.0), ("DS (5) has a rash", 60.0), ("my boy 14 month have shaking", 14.0),
    ],
)  # fmt: skip
def test_reads_ages(text: str, months: float) -> None:
    assert read_age_months(normalise(text)) == pytest.approx(months, rel=0.01)


@pytest.mark.parametrize(
    "text",
    ["born at 36 weeks", "had his jabs two weeks ago", "hi im 15 my mum is at work", "fever for 3 days",
     "why is a temp in a baby under 3 months worrying"],
)  # fmt: skip
def test_does_not_read_durations_or_the_writers_own_age_as_the_childs_age(text: str) -> None:
    assert read_age_months(normalise(text)) is None


@pytest.mark.parametrize(
    "text,celsius",
    [("38.2", 38.2), ("temp 38,3", 38.3), ("100.8F", 38.2), ("reading 101F", 38.3), ("thirty nine", 39.0),
     ("thirty eight point two", 38.2), ("temp of 38 yesterday", 38.0), ("102.5F on the forehead", 39.2),
     ("39 exactly on the thermometer", 39.0), ("it says 35.5", 35.5), ("38.6C", 38.6)],
)  # fmt: skip
def test_reads_temperatures_in_celsius(text: str, celsius: float) -> None:
    assert read_temperature_c(normalise(text)) == pytest.approx(celsius, abs=0.05)


@pytest.mark.parametrize(
    "text", ["born at 36 weeks", "at 7 this morning", "2 blankets", "20 months", "below 38 is fine?"]
)
def test_ignores_numbers_that_are_not_readings(text: str) -> None:
    assert read_temperature_c(normalise(text)) is None


def test_fever_days_from_weekdays_and_counts() -> None:
    tuesday = dt.date(2026, 11, 24)
    assert read_fever_days(normalise("hes been hot since last thursday and its tuesday now"), tuesday) == 5
    assert read_fever_days(normalise("since friday and today is wednesday"), tuesday, fever_in_context=True) == 5
    assert read_fever_days(normalise("day 6 of this fever"), tuesday) == 6
    assert read_fever_days(normalise("temperature for nearly a week"), tuesday) >= 5
    assert read_fever_days(normalise("cold since thursday, temp 38 yesterday"), tuesday) is None


@pytest.mark.hazard("H01")
@pytest.mark.parametrize(
    "text,context,level",
    [
        ("my 6 week old has a temp of 38.1", {}, Level.EMERGENCY),
        ("38.4", {"age_months": 10 * 7 / 30.44}, Level.EMERGENCY),
        ("38.4", {"age_months": 3.0}, Level.ADVICE),
        ("39.0", {"age_months": 5.0}, Level.URGENT),
        ("38.9", {"age_months": 5.0}, Level.ADVICE),
        ("35.8", {"age_months": 48.0}, Level.EMERGENCY),
        ("sorry I meant 3 weeks not 3 months", {"temperature_c": 38.2, "fever_reported": True}, Level.EMERGENCY),
        ("fever on and off for 5 days now", {}, Level.URGENT),
        ("fever for 4 days", {}, Level.ADVICE),
    ],
)
def test_age_and_temperature_thresholds(text: str, context: dict, level: Level) -> None:
    assert assess(text, context).level == level


@pytest.mark.hazard("H01")
def test_explicit_negation_lowers_but_unclear_escalates() -> None:
    assert assess("my 3yo has a temp, no rash, not floppy, breathing fine").level == Level.ADVICE
    assert assess("not sure if the spots fade when i press the glass, shes 2").level == Level.EMERGENCY
    assert assess("no temperature but a rash that doesnt fade when i press").level == Level.EMERGENCY
    assert assess("he has never had one before but hes just had a seizure").level == Level.EMERGENCY


@pytest.mark.hazard("H01")
def test_a_fit_that_stopped_is_still_an_emergency_but_settled_fast_breathing_is_not() -> None:
    assert assess("she had a fit, its stopped now and shes sleeping").level == Level.EMERGENCY
    assert assess("breathing fast after running, settled now, temp 37.9").level == Level.ADVICE


def test_answers_to_the_bots_own_questions() -> None:
    assert assess("yes", {"awaiting": "red_flags"}).level == Level.EMERGENCY
    assert assess("no", {"awaiting": "wee"}).level == Level.URGENT
    assert assess("no rash that i can see", {"awaiting": "wee"}).level < Level.URGENT
    assert assess("none of these", {"awaiting": "red_flags"}).level < Level.URGENT
