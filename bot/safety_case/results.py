"""Read what the test run and the evaluation wrote.

results/hazard-results.json is written by the pytest plugin tests/hazard_plugin.py
(schema below); results/eval-<name>.json by `python -m bot eval` (the figures of
bot.evaluation.figures()).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from bot.safety_case.hazards import ROOT

RESULTS_PATH = ROOT / "results" / "hazard-results.json"
DEFAULT_EVAL_PATHS = (ROOT / "results" / "eval-devset.json", ROOT / "results" / "eval-conversations.json")
SCHEMA = 1

PASSED = "passed"
FAILED_OUTCOMES = ("failed", "error")
# Everything else (skipped, xfailed, xpassed, deselected, not run) is neither evidence nor failure.
OUTCOMES = ("passed", "failed", "error", "skipped", "xfailed", "xpassed", "deselected", "not run")

# What tests/test_evaluation.py asserts; applied to every evaluation file as a reference.
EVAL_TARGETS: Dict[str, Tuple[str, float]] = {
    "emergency_recall": (">=", 1.0),
    "urgent_recall": (">=", 0.95),
    "undertriage": ("<=", 0.0),
    "overtriage": ("<=", 0.10),
    "escalation_coverage": (">=", 1.0),
    "emergency_first": (">=", 1.0),
}


class ResultsError(ValueError):
    """A results file that is missing or cannot be read."""


@dataclass(frozen=True)
class TestResult:
    __test__ = False  # not a pytest test class

    nodeid: str
    hazards: Tuple[str, ...]
    outcome: str
    reason: Optional[str] = None
    duration: float = 0.0

    @property
    def passed(self) -> bool:
        return self.outcome == PASSED

    @property
    def failed(self) -> bool:
        return self.outcome in FAILED_OUTCOMES


@dataclass
class TestRun:
    __test__ = False

    path: Path
    generated_at: str
    args: List[str]
    tests: List[TestResult]
    known_hazards: List[str] = field(default_factory=list)
    unknown_hazards: Dict[str, List[str]] = field(default_factory=dict)
    marker_errors: List[str] = field(default_factory=list)
    collection_errors: List[Dict[str, str]] = field(default_factory=list)
    hazard_log_error: Optional[str] = None
    exit_status: Optional[int] = None

    def counts(self) -> Dict[str, int]:
        counts: Dict[str, int] = {}
        for test in self.tests:
            counts[test.outcome] = counts.get(test.outcome, 0) + 1
        return counts

    @property
    def partial(self) -> bool:
        """Some collected tests did not run (deselected with -m/-k, or the run stopped early)."""
        return any(t.outcome in ("deselected", "not run") for t in self.tests)


def load_test_run(path: Path = RESULTS_PATH) -> TestRun:
    try:
        data = json.loads(path.read_text(encoding="utf8"))
    except FileNotFoundError as exc:
        raise ResultsError(
            f"{path} does not exist: run the tests with the hazard plugin first "
            "(python -m pytest -p tests.hazard_plugin)"
        ) from exc
    except (OSError, ValueError) as exc:
        raise ResultsError(f"{path} is not readable JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(data.get("tests"), list):
        raise ResultsError(f"{path} is not a hazard results file (schema {SCHEMA}) written by tests/hazard_plugin.py")
    tests = []
    for raw in data["tests"]:
        if not isinstance(raw, dict) or not isinstance(raw.get("nodeid"), str):
            raise ResultsError(f"{path}: a test entry without a node id: {raw!r}")
        outcome = str(raw.get("outcome") or "not run")
        tests.append(
            TestResult(
                nodeid=raw["nodeid"],
                hazards=tuple(str(h) for h in raw.get("hazards") or []),
                outcome=outcome if outcome in OUTCOMES else "error",
                reason=str(raw["reason"]) if raw.get("reason") else None,
                duration=float(raw.get("duration") or 0.0),
            )
        )
    return TestRun(
        path=path,
        generated_at=str(data.get("generated_at") or ""),
        args=[str(a) for a in data.get("args") or []],
        tests=tests,
        known_hazards=[str(h) for h in data.get("known_hazards") or []],
        unknown_hazards={str(k): [str(n) for n in v] for k, v in (data.get("unknown_hazards") or {}).items()},
        marker_errors=[str(m) for m in data.get("marker_errors") or []],
        collection_errors=[
            {"nodeid": str(e.get("nodeid", "")), "message": str(e.get("message", ""))}
            for e in data.get("collection_errors") or []
            if isinstance(e, dict)
        ],
        hazard_log_error=str(data["hazard_log_error"]) if data.get("hazard_log_error") else None,
        exit_status=data.get("exit_status") if isinstance(data.get("exit_status"), int) else None,
    )


@dataclass(frozen=True)
class EvalResult:
    label: str
    path: Path
    figures: Dict[str, float]
    measured_at: dt.datetime

    def misses(self) -> List[str]:
        """Figures outside the reference targets, as readable lines."""
        out = []
        for key, (op, target) in EVAL_TARGETS.items():
            value = self.figures.get(key)
            if value is None:
                continue
            ok = value >= target if op == ">=" else value <= target
            if not ok:
                out.append(f"{key}={value} (target {op} {target})")
        return out


def eval_label(path: Path) -> str:
    stem = path.stem
    return stem[len("eval-") :] if stem.startswith("eval-") and len(stem) > len("eval-") else stem


def load_eval(path: Path) -> EvalResult:
    try:
        data: Any = json.loads(path.read_text(encoding="utf8"))
        measured_at = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.timezone.utc)
    except FileNotFoundError as exc:
        raise ResultsError(f"{path} does not exist (written by `python -m bot eval`)") from exc
    except (OSError, ValueError) as exc:
        raise ResultsError(f"{path} is not readable JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ResultsError(f"{path}: an evaluation file holds a JSON object of figures")
    figures = {str(k): float(v) for k, v in data.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    if "n" not in figures:
        raise ResultsError(f"{path}: no `n` (number of items): not an evaluation file from `python -m bot eval`")
    return EvalResult(label=eval_label(path), path=path, figures=figures, measured_at=measured_at)
