"""Small hazard logs and results files for the safety case tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

Test = Tuple[str, Sequence[str], str]  # node id, hazard ids, outcome


def hazard(
    hazard_id: str,
    controls: List[Dict[str, Any]],
    before: Tuple[str, str, int] = ("Major", "High", 4),
    after: Tuple[str, str, int] = ("Major", "Very low", 2),
    **extra: Any,
) -> Dict[str, Any]:
    return {
        "id": hazard_id,
        "title": f"Hazard {hazard_id}",
        "description": "What can go wrong.",
        "causes": ["a cause"],
        "effects": ["an effect"],
        "before": {"severity": before[0], "likelihood": before[1], "rating": before[2]},
        "after": {"severity": after[0], "likelihood": after[1], "rating": after[2]},
        "controls": controls,
        **extra,
    }


def control(control_id: str, tests: Iterable[Any] = (), **extra: Any) -> Dict[str, Any]:
    return {"id": control_id, "description": f"What {control_id} does.", "tests": list(tests), **extra}


def small_log() -> Dict[str, Any]:
    """H01 with two implemented controls, H02 with only a planned control (OPEN)."""
    return {
        "version": 1,
        "system": "Test system <script>alert(1)</script>",
        "clinical_safety_officer": None,
        "approved": None,
        "hazards": [
            hazard(
                "H01",
                [
                    control("H01-C1", ["tests/test_engine.py::test_engine"]),
                    control("H01-C2", [{"marker": "H01", "nodeid": "tests/e2e/*"}]),
                ],
                title="Missed <b>red</b> flag",
            ),
            hazard(
                "H02",
                [control("H02-C1", [{"marker": "H02"}], status="planned", issue="staff portal")],
                before=("Considerable", "Medium", 3),
                after=("Considerable", "Very low", 2),
            ),
        ],
    }


def write_log(path: Path, data: Optional[Dict[str, Any]] = None) -> Path:
    path.write_text(yaml.safe_dump(data if data is not None else small_log(), sort_keys=False), encoding="utf8")
    return path


def results(tests: Iterable[Test], **extra: Any) -> Dict[str, Any]:
    data: Dict[str, Any] = {
        "schema": 1,
        "generated_at": "2027-01-01T10:00:00+00:00",
        "args": ["tests"],
        "known_hazards": ["H01", "H02"],
        "unknown_hazards": {},
        "marker_errors": [],
        "collection_errors": [],
        "hazard_log_error": None,
        "exit_status": 0,
        "tests": [
            {
                "nodeid": nodeid,
                "hazards": list(hazards),
                "outcome": outcome,
                "reason": None if outcome == "passed" else f"why {outcome}",
                "duration": 0.01,
            }
            for nodeid, hazards, outcome in tests
        ],  # fmt: skip
    }
    data.update(extra)
    return data


def write_results(path: Path, tests: Iterable[Test], **extra: Any) -> Path:
    path.write_text(json.dumps(results(tests, **extra)), encoding="utf8")
    return path


PASSING: List[Test] = [
    ("tests/test_engine.py::test_engine[a]", ["H01"], "passed"),
    ("tests/test_engine.py::test_engine[b]", ["H01"], "passed"),
    ("tests/e2e/test_chat.py::test_emergency", ["H01"], "passed"),
    ("tests/test_other.py::test_unmarked", [], "passed"),
]
