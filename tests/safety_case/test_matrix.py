"""The DCB0129 risk matrix encoded in bot/safety_case/matrix.py."""

from __future__ import annotations

import pytest

from bot.safety_case.matrix import MATRIX, RATING_MEANING, Likelihood, Severity, risk_rating

# The standard matrix, row by row (likelihood), columns Minor .. Catastrophic.
STANDARD = {
    "Very high": [3, 4, 4, 5, 5],
    "High": [2, 3, 3, 4, 5],
    "Medium": [2, 2, 3, 3, 4],
    "Low": [1, 2, 2, 3, 4],
    "Very low": [1, 1, 2, 2, 3],
}
SEVERITIES = ["Minor", "Significant", "Considerable", "Major", "Catastrophic"]


@pytest.mark.parametrize("likelihood", list(STANDARD))
@pytest.mark.parametrize("index", range(5))
def test_every_cell_matches_the_standard_matrix(likelihood: str, index: int) -> None:
    assert risk_rating(SEVERITIES[index], likelihood) == STANDARD[likelihood][index]


def test_ratings_never_fall_as_severity_or_likelihood_rise() -> None:
    for likelihood in Likelihood:
        row = MATRIX[likelihood]
        assert list(row) == sorted(row)
    for severity in Severity:
        column = [risk_rating(severity, likelihood) for likelihood in sorted(Likelihood)]
        assert column == sorted(column)


def test_corners_and_meanings() -> None:
    assert risk_rating(Severity.MINOR, Likelihood.VERY_LOW) == 1
    assert risk_rating(Severity.CATASTROPHIC, Likelihood.VERY_HIGH) == 5
    assert risk_rating(Severity.CATASTROPHIC, Likelihood.VERY_LOW) == 3  # never below 3 for catastrophic harm
    assert set(RATING_MEANING) == {1, 2, 3, 4, 5}
    assert "Unacceptable" in RATING_MEANING[5]


@pytest.mark.parametrize("text", ["Very low", "very_low", "VERY LOW", " very-low "])
def test_labels_are_read_in_any_case_and_spacing(text: str) -> None:
    assert Likelihood.parse(text) is Likelihood.VERY_LOW
    assert Likelihood.VERY_LOW.label == "Very low"


@pytest.mark.parametrize("text", ["Severe", "", None, 3])
def test_unknown_labels_are_refused_with_the_allowed_ones(text: object) -> None:
    with pytest.raises(ValueError, match="Minor, Significant, Considerable, Major, Catastrophic"):
        Severity.parse(text)
