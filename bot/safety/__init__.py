"""Deterministic red-flag detection and triage rules.

Pure functions over text: spaCy and the guidance file, no Rasa, no I/O beyond
loading the guidance and the lemma tables once.
"""

from bot.safety.engine import Assessment, Context, Finding, assess, failure_assessment, safe_assess
from bot.safety.levels import Level

__all__ = ["Assessment", "Context", "Finding", "Level", "assess", "failure_assessment", "safe_assess"]
