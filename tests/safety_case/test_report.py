"""`python -m bot.safety_case report` on fake results: pass, fail, unknown hazards, planned controls."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, List, Optional, Tuple

import pytest

from bot.safety_case import __main__ as cli
from bot.safety_case.hazards import ROOT
from tests.safety_case.fakes import PASSING, Test, control, hazard, small_log, write_log, write_results


@pytest.fixture(autouse=True)
def no_default_eval_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real results/eval-*.json must not leak into these reports."""
    monkeypatch.setattr(cli, "DEFAULT_EVAL_PATHS", ())


class Run:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.log = write_log(tmp_path / "hazards.yml")
        self.out = tmp_path / "out"

    def report(self, tests: List[Test], *extra_args: str, **results: Any) -> Tuple[int, str, str]:
        path = write_results(self.tmp / "hazard-results.json", tests, **results)
        return self.main("--results", str(path), *extra_args)

    def main(self, *args: str) -> Tuple[int, str, str]:
        argv = ["report", "--hazards", str(self.log), "--out", str(self.out), "--today", "2027-01-01", *args]
        code = cli.main(argv)
        return code, self.md(), self.html()

    def md(self) -> str:
        path = self.out / "REPORT.md"
        return path.read_text(encoding="utf8") if path.is_file() else ""

    def html(self) -> str:
        path = self.out / "REPORT.html"
        return path.read_text(encoding="utf8") if path.is_file() else ""


@pytest.fixture
def run(tmp_path: Path) -> Run:
    return Run(tmp_path)


def section(md: str, hazard_id: str) -> str:
    start = md.index(f"## {hazard_id}:")
    end = md.find("\n## ", start + 1)
    return md[start : end if end > 0 else None]


def test_all_passing_gives_exit_0_and_both_reports(run: Run, capsys: pytest.CaptureFixture) -> None:
    code, md, html = run.report(PASSING)
    assert code == 0, capsys.readouterr().err
    assert "**Result: PASS**" in md
    assert "**Status: CONTROLLED**" in section(md, "H01")
    assert "`tests/test_engine.py::test_engine`: 2 passed" in md
    assert "**Status: OPEN**" in section(md, "H02")
    assert "[planned]" in section(md, "H02")
    assert "OPEN" in html and "CONTROLLED" in html
    assert "DRAFT" in md and "not been approved" in md
    assert "SAFETY REPORT PASSED" in capsys.readouterr().out


def test_an_open_hazard_is_counted_at_its_initial_risk(run: Run) -> None:
    _, md, _ = run.report(PASSING)
    row = next(line for line in md.splitlines() if line.startswith("| [H02]"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[2:6] == ["3", "2", "**OPEN**", "3"]  # before, after, status, counted at (= before)


def test_the_html_is_self_contained_and_escaped(run: Run) -> None:
    _, md, html = run.report(PASSING + [("tests/e2e/test_chat.py::test_x", ["H01"], "skipped")])
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Missed &lt;b&gt;red&lt;/b&gt; flag" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), "no external assets"
    assert "<link" not in html.lower() and "@import" not in html
    assert "\\<script>" in md and not re.search(r"(?<!\\)<script", md)  # Markdown escapes it too


def test_a_failing_test_fails_the_report(run: Run, capsys: pytest.CaptureFixture) -> None:
    tests = PASSING + [("tests/e2e/test_chat.py::test_rash", ["H01"], "failed")]
    code, md, html = run.report(tests)
    assert code == 1
    assert "**Result: FAIL**" in md and "**Status: FAILING**" in section(md, "H01")
    assert "H01-C2 (H01): failing: 1 of 2 test(s) failed" in capsys.readouterr().err
    assert "why failed" in md and "why failed" in html


@pytest.mark.parametrize("outcome", ["skipped", "deselected", "xfailed", "not run"])
def test_a_control_whose_tests_did_not_pass_fails_the_report(run: Run, outcome: str) -> None:
    tests = [t for t in PASSING if "e2e" not in t[0]] + [("tests/e2e/test_chat.py::test_emergency", ["H01"], outcome)]
    code, md, _ = run.report(tests)
    assert code == 1
    assert f"none passed ({outcome})" in md


def test_a_control_that_matches_no_test_fails_the_report(run: Run) -> None:
    code, md, _ = run.report([t for t in PASSING if "test_engine" not in t[0]])
    assert code == 1
    assert "H01-C1 (H01): no passing test: no recorded test matches its references" in md


def test_a_test_naming_an_unknown_hazard_fails_the_report(run: Run, capsys: pytest.CaptureFixture) -> None:
    code, md, _ = run.report(PASSING + [("tests/test_x.py::test_new", ["H99"], "passed")])
    assert code == 1
    assert "'H99'" in capsys.readouterr().err and "H99" in md


def test_unknown_hazards_reported_by_the_plugin_fail_the_report(run: Run) -> None:
    code, _, _ = run.report(PASSING, unknown_hazards={"H42": ["tests/test_x.py::test_y"]})
    assert code == 1


def test_collection_errors_and_marker_errors_fail_the_report(run: Run) -> None:
    code, md, _ = run.report(PASSING, collection_errors=[{"nodeid": "tests/web", "message": "ImportError: x"}])
    assert code == 1 and "collection error in tests/web: ImportError: x" in md
    code, _, _ = run.report(PASSING, marker_errors=["tests/a.py::test_b: hazard ids are strings"])
    assert code == 1


def test_an_interrupted_run_is_the_first_problem(run: Run) -> None:
    code, md, _ = run.report([(t[0], t[1], "not run") for t in PASSING], exit_status=2)
    assert code == 1
    problems = md[md.index("## Problems") :].splitlines()
    assert "did not complete (pytest exit status 2: interrupted)" in problems[2]


def test_a_planned_control_never_fails_and_says_when_its_tests_pass(run: Run) -> None:
    code, md, _ = run.report(PASSING + [("tests/staff/test_page.py::test_escape", ["H02"], "failed")])
    assert code == 0
    code, md, _ = run.report(PASSING + [("tests/staff/test_page.py::test_escape", ["H02"], "passed")])
    assert code == 0
    assert "[planned, tests pass]" in md and "set \\`status: implemented\\`" in md


def test_a_transferred_control_is_listed_for_the_deploying_organisation(run: Run) -> None:
    data = small_log()
    data["hazards"][0]["controls"].append(control("H01-C3", status="transferred", owner="deploying organisation"))
    write_log(run.log, data)
    code, md, _ = run.report(PASSING)
    assert code == 0
    assert "## Actions for a deploying organisation" in md and "H01-C3" in md


def test_an_unacceptable_residual_risk_fails_the_report(run: Run) -> None:
    data = small_log()
    data["hazards"].append(hazard("H03", [control("H03-C1", ["tests/test_other.py"])],
                                  before=("Catastrophic", "High", 5), after=("Catastrophic", "Medium", 4),
                                  justification="none possible"))  # fmt: skip
    write_log(run.log, data)
    code, md, _ = run.report(PASSING)
    assert code == 1 and "H03: residual risk 4 is not acceptable" in md


def test_partial_runs_and_unlinked_marked_tests_are_warned_about(run: Run) -> None:
    tests = PASSING + [("tests/test_y.py::test_slow", [], "deselected"), ("tests/test_z.py::test_m", ["H01"], "passed")]
    code, md, _ = run.report(tests)
    assert code == 0
    assert "1 collected test(s) were deselected or did not run" in md
    assert "1 test(s) marked hazard(H01) are not named by any control" in md


def eval_file(tmp: Path, name: str, **figures: float) -> Path:
    values = {"n": 10, "emergency_recall": 1.0, "urgent_recall": 1.0, "undertriage": 0.0, "overtriage": 0.0,
              "escalation_coverage": 1.0, "emergency_first": 1.0}  # fmt: skip
    values.update(figures)
    path = tmp / f"eval-{name}.json"
    path.write_text(json.dumps(values), encoding="utf8")
    return path


def test_evaluation_figures_are_shown_and_misses_flagged(run: Run) -> None:
    a = eval_file(run.tmp, "devset")
    b = eval_file(run.tmp, "newphrasings", n=57, emergency_recall=0.95)
    code, md, html = run.report(PASSING, "--eval", str(a), str(b))
    assert code == 0  # the evaluation targets are asserted by tests/test_evaluation.py, not here
    rows = [line for line in md.splitlines() if line.startswith("| devset") or line.startswith("| newphrasings")]
    assert len(rows) == 2 and "0.95 !" in rows[1] and "| 57 |" in rows[1]
    assert "evaluation newphrasings: emergency_recall=0.95 (target >= 1.0)" in md
    assert "newphrasings" in html


def test_default_evaluation_files_are_used_and_missing_ones_warned(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    present = eval_file(run.tmp, "devset")
    monkeypatch.setattr(cli, "DEFAULT_EVAL_PATHS", (present, run.tmp / "eval-conversations.json"))
    code, md, _ = run.report(PASSING)
    assert code == 0
    assert "| devset |" in md and "no evaluation figures at" in md and "eval-conversations.json" in md


def test_guidance_due_for_review_is_listed_with_its_reviewer(run: Run) -> None:
    # texts.info.figures is due on 2027-02-28 in the real guidance file
    _, md, _ = run.report(PASSING, "--today", "2027-01-15")
    review = md[md.index("## Guidance due for review") :]
    assert "info.figures" in review and "44 days" in review and "pending named sign-off" in review
    _, md, _ = run.report(PASSING, "--today", "2027-03-05")
    review = md[md.index("## Guidance due for review") :]
    assert "Overdue" in review and "5 days overdue" in review


@pytest.mark.parametrize(
    "problem,message",
    [("no-results", "does not exist"), ("bad-results", "not a hazard results file"), ("bad-log", "is not valid"),
     ("missing-eval", "does not exist")],
)  # fmt: skip
def test_missing_or_invalid_inputs_exit_2_without_a_report(
    run: Run, capsys: pytest.CaptureFixture, problem: str, message: str
) -> None:
    results = write_results(run.tmp / "r.json", PASSING)
    args = ["--results", str(results)]
    if problem == "no-results":
        args = ["--results", str(run.tmp / "nothing.json")]
    elif problem == "bad-results":
        results.write_text('{"tests": []}', encoding="utf8")
    elif problem == "bad-log":
        run.log.write_text("hazards:\n  - id: H01\n", encoding="utf8")
    else:
        args += ["--eval", str(run.tmp / "eval-nothing.json")]
    code, md, _ = run.main(*args)
    assert code == 2 and md == ""
    assert message in capsys.readouterr().err


def test_the_module_runs_as_a_command(tmp_path: Path) -> None:
    log = write_log(tmp_path / "hazards.yml")
    failing = write_results(
        tmp_path / "fail.json", PASSING + [("tests/test_engine.py::test_engine[c]", ["H01"], "error")]
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def command(results: Path, out: Optional[Path] = None) -> subprocess.CompletedProcess:
        args = [sys.executable, "-m", "bot.safety_case", "report", "--hazards", str(log), "--results", str(results),
                "--out", str(out or tmp_path / "out")]  # fmt: skip
        return subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)

    done = command(failing)
    assert done.returncode == 1, done.stderr
    assert "SAFETY REPORT FAILED" in done.stderr and (tmp_path / "out" / "REPORT.html").is_file()
    help_text = subprocess.run([sys.executable, "-m", "bot.safety_case", "report", "--help"], cwd=tmp_path, env=env,
                               capture_output=True, text=True, timeout=60).stdout  # fmt: skip
    assert "--allow-pending" not in help_text and "--eval" in help_text
