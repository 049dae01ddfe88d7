"""The safety engine over hundreds of phrasings written for this project
(tests/safety/cases/*.yml): signs in parents' own words, misspellings, negations,
resolved signs, hypotheticals and age/temperature thresholds."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.safety import Level, assess

CASES_DIR = Path(__file__).parent / "cases"


def load_cases(folder: Path = CASES_DIR) -> list:
    cases = []
    for path in sorted(folder.glob("*.yml")):
        for index, case in enumerate(yaml.safe_load(path.read_text())):
            cases.append(pytest.param(case, id=f"{path.stem}-{index}"))
    return cases


@pytest.mark.hazard("H01")
@pytest.mark.parametrize("case", load_cases())
def test_level_for_each_phrasing(case: dict) -> None:
    result = assess(case["text"], case.get("context") or {})
    expected = Level.parse(case["level"])
    assert result.level == expected, (
        f"{case['text']!r}: expected {expected.label}, got {result.level.label} "
        f"(signs {result.signs}, negated {result.negated}, hypothetical {result.hypothetical})"
    )


def test_there_are_hundreds_of_cases_covering_every_sign() -> None:
    cases = [c.values[0] for c in load_cases()]
    assert len(cases) >= 400
    from bot.guidance import load_guidance

    signs_with_cases = {c.get("sign") for c in cases}
    missing = [
        s for s in load_guidance().signs if s not in signs_with_cases and s not in ("purpuric_rash", "getting_worse")
    ]
    assert not missing, f"signs without phrasing cases: {missing}"


HOLDOUT_DIR = Path(__file__).parent / "cases_holdout"


def load_holdout() -> list:
    return load_cases(HOLDOUT_DIR)


@pytest.mark.hazard("H01")
@pytest.mark.parametrize("case", load_holdout())
def test_second_set_written_blind_is_never_under_or_over_triaged(case: dict) -> None:
    """A second set, written from the clinical reference only (never tuned to): urgent and
    emergency exactly; anything lower never escalated to urgent or above."""
    result = assess(case["text"], case.get("context") or {})
    expected = Level.parse(case["level"])
    if expected >= Level.URGENT:
        assert result.level == expected, f"{case['text']!r}: {result.level.label} (signs {result.signs})"
    else:
        assert result.level < Level.URGENT, f"{case['text']!r} over-triaged to {result.level.label} ({result.signs})"


def test_second_set_exact_level_rate() -> None:
    cases = [c.values[0] for c in load_holdout()]
    exact = sum(assess(c["text"], c.get("context") or {}).level == Level.parse(c["level"]) for c in cases)
    assert exact / len(cases) >= 0.97, f"exact level for {exact}/{len(cases)}"
