"""The DCB0129 risk matrix: severity x likelihood -> risk rating 1-5.

The matrix and the wording of the ratings follow the standard clinical risk
management matrix used with DCB0129 and DCB0160 (NHS England): severity
(consequence) Minor, Significant, Considerable, Major, Catastrophic;
likelihood Very low, Low, Medium, High, Very high.
"""

from __future__ import annotations

import enum
import re
from typing import Dict, Tuple, Type, TypeVar


def _key(text: str) -> str:
    return re.sub(r"[\s_-]+", " ", text.strip().lower())


S = TypeVar("S", bound="_Scale")


class _Scale(enum.IntEnum):
    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()

    @classmethod
    def parse(cls: Type[S], value: object) -> S:
        """`Very low`, `very_low`, `VERY LOW` or the member itself."""
        if isinstance(value, cls):
            return value
        for member in cls:
            if isinstance(value, str) and _key(value) == _key(member.name):
                return member
        names = ", ".join(member.label for member in cls)
        raise ValueError(f"{value!r} is not a {cls.__name__.lower()} (one of: {names})")


class Severity(_Scale):
    """How bad the harm is (DCB0129 consequence)."""

    MINOR = 1
    SIGNIFICANT = 2
    CONSIDERABLE = 3
    MAJOR = 4
    CATASTROPHIC = 5


class Likelihood(_Scale):
    """How likely the harm is."""

    VERY_LOW = 1
    LOW = 2
    MEDIUM = 3
    HIGH = 4
    VERY_HIGH = 5


# Rows: likelihood; columns: severity Minor .. Catastrophic.
MATRIX: Dict[Likelihood, Tuple[int, int, int, int, int]] = {
    Likelihood.VERY_HIGH: (3, 4, 4, 5, 5),
    Likelihood.HIGH: (2, 3, 3, 4, 5),
    Likelihood.MEDIUM: (2, 2, 3, 3, 4),
    Likelihood.LOW: (1, 2, 2, 3, 4),
    Likelihood.VERY_LOW: (1, 1, 2, 2, 3),
}

RATING_MEANING: Dict[int, str] = {
    1: "Acceptable, no further action required.",
    2: "Acceptable where the cost of further reduction outweighs the benefits gained.",
    3: (
        "Undesirable level of risk: attempts should be made to eliminate or control it; "
        "acceptable only when further risk reduction is impractical."
    ),
    4: "Mandatory elimination or control to reduce the risk to an acceptable level.",
    5: "Unacceptable level of risk.",
}

# A residual (after controls) rating of 3 needs a written justification; 4 and 5 are never accepted.
JUSTIFY_FROM = 3
UNACCEPTABLE_FROM = 4

SEVERITY_MEANING: Dict[Severity, str] = {
    Severity.MINOR: "Minor injury from which recovery is expected in the short term; minor psychological upset; "
    "inconvenience (one patient).",
    Severity.SIGNIFICANT: "Minor injury from which recovery is not expected in the short term, or significant "
    "psychological trauma (one patient); minor injury or upset (several patients).",
    Severity.CONSIDERABLE: "Severe injury or incapacity from which recovery is expected in the short term, or severe "
    "psychological trauma (one patient); minor lasting injury (several patients).",
    Severity.MAJOR: "Death or permanent life-changing incapacity (one patient); severe injury or trauma "
    "(several patients).",
    Severity.CATASTROPHIC: "Death or permanent life-changing incapacity (several patients).",
}

LIKELIHOOD_MEANING: Dict[Likelihood, str] = {
    Likelihood.VERY_HIGH: "Certain or almost certain; highly likely to occur.",
    Likelihood.HIGH: "Not certain but very possible; reasonably expected to occur in the majority of cases.",
    Likelihood.MEDIUM: "Possible.",
    Likelihood.LOW: "Could occur, but in the great majority of occasions will not.",
    Likelihood.VERY_LOW: "Negligible or nearly negligible possibility of occurring.",
}


def risk_rating(severity: Severity | str, likelihood: Likelihood | str) -> int:
    """The DCB0129 risk rating (1 lowest, 5 highest) for a severity and a likelihood."""
    return MATRIX[Likelihood.parse(likelihood)][Severity.parse(severity) - 1]
