"""The clinical safety case tooling (DCB0129): hazard log, evidence from tests, report.

    python -m bot.safety_case report [--results results/hazard-results.json] [--eval results/eval-*.json ...]

docs/safety/hazards.yml is the hazard log; tests/hazard_plugin.py records which
tests ran for which hazard; this package traces every control to its tests and
writes docs/safety/REPORT.md and docs/safety/REPORT.html. No Rasa imports.
"""

from bot.safety_case.hazards import HAZARDS_PATH, HazardLog, HazardLogError, load_hazard_log, read_hazard_ids
from bot.safety_case.matrix import Likelihood, Severity, risk_rating

__all__ = [
    "HAZARDS_PATH",
    "HazardLog",
    "HazardLogError",
    "Likelihood",
    "Severity",
    "load_hazard_log",
    "read_hazard_ids",
    "risk_rating",
]
