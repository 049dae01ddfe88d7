"""tests/hazard_plugin.py, run in a separate pytest on a small project of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Dict, Tuple

import pytest

from bot.safety_case.hazards import ROOT
from tests.safety_case.fakes import write_log

SAMPLE = """
import pytest

@pytest.mark.hazard("H01")
def test_pass():
    pass

@pytest.mark.hazard("H01", "H02")
def test_fail():
    assert 1 == 2, "the rash was not found"

@pytest.mark.hazard("H02")
@pytest.mark.skip(reason="needs the servers")
def test_skip():
    pass

@pytest.mark.xfail(reason="known gap")
def test_xfail():
    assert False

@pytest.mark.hazard("H01")
@pytest.mark.parametrize("x", [1, 2])
def test_param(x):
    pass

@pytest.fixture
def broken():
    raise RuntimeError("database down")

def test_error(broken):
    pass

def test_plain():
    pass
"""


def run_pytest(project: Path, *args: str, test_source: str = SAMPLE) -> Tuple[int, str, Dict[str, Any]]:
    (project / "pytest.ini").write_text("[pytest]\naddopts = --strict-markers -p no:cacheprovider\n", encoding="utf8")
    (project / "test_sample.py").write_text(textwrap.dedent(test_source), encoding="utf8")
    if not (project / "hazards.yml").exists():
        write_log(project / "hazards.yml")
    out = project / "out" / "hazard-results.json"
    command = [sys.executable, "-m", "pytest", "-p", "tests.hazard_plugin", "--hazard-log", "hazards.yml",
               "--hazard-results", str(out), *args]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=180)
    data = json.loads(out.read_text(encoding="utf8")) if out.is_file() else {}
    return done.returncode, done.stdout + done.stderr, data


def by_name(data: Dict[str, Any]) -> Dict[str, Dict[str, Any]]:
    return {t["nodeid"].split("::", 1)[1]: t for t in data["tests"]}


def test_every_test_is_recorded_with_its_hazards_and_outcome(tmp_path: Path) -> None:
    code, output, data = run_pytest(tmp_path, "-k", "not plain")
    assert code == 1, output  # test_fail failed
    tests = by_name(data)
    assert tests["test_pass"] == {**tests["test_pass"], "hazards": ["H01"], "outcome": "passed", "reason": None}
    assert tests["test_fail"]["hazards"] == ["H01", "H02"] and tests["test_fail"]["outcome"] == "failed"
    assert "the rash was not found" in tests["test_fail"]["reason"]
    assert tests["test_skip"]["outcome"] == "skipped" and tests["test_skip"]["reason"] == "needs the servers"
    assert tests["test_xfail"]["outcome"] == "xfailed" and "known gap" in tests["test_xfail"]["reason"]
    assert tests["test_param[1]"]["outcome"] == tests["test_param[2]"]["outcome"] == "passed"
    assert tests["test_error"]["outcome"] == "error" and "database down" in tests["test_error"]["reason"]
    assert tests["test_plain"]["outcome"] == "deselected" and tests["test_plain"]["hazards"] == []
    assert data["schema"] == 1 and data["known_hazards"] == ["H01", "H02"] and data["unknown_hazards"] == {}
    assert data["args"][-2:] == ["-k", "not plain"] and data["exit_status"] == 1
    assert "hazard results: 8 tests (5 marked with a hazard)" in output


def test_the_marker_is_registered_for_strict_markers(tmp_path: Path) -> None:
    code, output, data = run_pytest(tmp_path, "-k", "pass or param")
    assert code == 0, output
    assert "not found in `markers`" not in output and by_name(data)["test_pass"]["outcome"] == "passed"


def test_an_unknown_hazard_id_fails_the_session_with_a_clear_message(tmp_path: Path) -> None:
    source = SAMPLE + '\n@pytest.mark.hazard("H99")\ndef test_new():\n    pass\n'
    code, output, data = run_pytest(tmp_path, "-k", "pass or new", test_source=source)
    assert code == 1
    assert "HAZARD MARKERS: the session fails" in output
    assert "hazard id 'H99' is not in hazards.yml: named by test_sample.py::test_new" in output
    assert data["unknown_hazards"] == {"H99": ["test_sample.py::test_new"]}
    assert by_name(data)["test_new"]["outcome"] == "passed"  # the tests themselves still ran


def test_unknown_ids_are_caught_even_when_only_collecting(tmp_path: Path) -> None:
    source = '\nimport pytest\n\n@pytest.mark.hazard("H7")\ndef test_typo():\n    pass\n'
    code, output, data = run_pytest(tmp_path, "--collect-only", "-q", test_source=source)
    assert code != 0 and "'H7'" in output
    assert by_name(data)["test_typo"]["outcome"] == "not run"


@pytest.mark.parametrize("marker", ["@pytest.mark.hazard", "@pytest.mark.hazard(1)", '@pytest.mark.hazard(id="H01")'])
def test_malformed_markers_fail_the_session(tmp_path: Path, marker: str) -> None:
    source = f"\nimport pytest\n\n{marker}\ndef test_odd():\n    pass\n"
    code, output, data = run_pytest(tmp_path, test_source=source)
    assert code == 1 and data["marker_errors"], output


def test_a_missing_hazard_log_fails_the_session_but_still_writes_results(tmp_path: Path) -> None:
    (tmp_path / "hazards.yml").write_text("not: a log\n", encoding="utf8")
    code, output, data = run_pytest(tmp_path, "-k", "pass")
    assert code == 1
    assert "the hazard log cannot be read" in output and data["hazard_log_error"]


def test_a_collection_error_is_recorded(tmp_path: Path) -> None:
    (tmp_path / "test_broken.py").write_text("import not_a_module_anywhere\n", encoding="utf8")
    code, output, data = run_pytest(tmp_path, "-k", "pass")
    assert code != 0
    assert data["collection_errors"][0]["nodeid"] == "test_broken.py"
    assert "not_a_module_anywhere" in data["collection_errors"][0]["message"]


def test_reasons_are_short_single_lines_without_colour_codes() -> None:
    from tests.hazard_plugin import REASON_CHARS, _short

    assert _short("\x1b[94mFailed\x1b[0m\n  stories " + repr("\x1b[31mred\x1b[0m")) == "Failed stories 'red'"
    assert len(_short("x" * 1000)) == REASON_CHARS
