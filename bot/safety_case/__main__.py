"""`python -m bot.safety_case report`: write docs/safety/REPORT.md and REPORT.html.

Exit status: 0 when every implemented control has a passing test and nothing
else is wrong; 1 when the report was written but the safety case fails (a
control without a passing test, a failing test, a test naming an unknown
hazard, a collection error, an unacceptable residual risk); 2 when the report
cannot be built (no results file, an invalid hazard log or evaluation file).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import List, Optional

from bot.safety_case.hazards import HAZARDS_PATH, ROOT, HazardLogError, load_hazard_log
from bot.safety_case.report import build_report, relative, write_report
from bot.safety_case.results import DEFAULT_EVAL_PATHS, RESULTS_PATH, EvalResult, ResultsError, load_eval, load_test_run
from bot.safety_case.review import REVIEW_WINDOW_DAYS, review_listing

OUT_DIR = ROOT / "docs" / "safety"


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m bot.safety_case", description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    sub = main.add_subparsers(dest="command", required=True)
    report = sub.add_parser("report", help="write the safety report from the test results and the evaluation")
    report.add_argument("--results", type=Path, default=RESULTS_PATH,
                        help="written by pytest -p tests.hazard_plugin (default: %(default)s)")  # fmt: skip
    report.add_argument("--eval", dest="evals", type=Path, nargs="+", action="extend", default=[], metavar="FILE",
                        help="evaluation figures (results/eval-NAME.json) besides the default "
                        "results/eval-devset.json and results/eval-conversations.json")  # fmt: skip
    report.add_argument("--hazards", type=Path, default=HAZARDS_PATH, help="the hazard log (default: %(default)s)")
    report.add_argument("--guidance", type=Path, default=None, help="the guidance file (default: the bot's own)")
    report.add_argument("--out", type=Path, default=OUT_DIR, help="where REPORT.md/.html go (default: %(default)s)")
    report.add_argument("--today", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)")
    report.add_argument("--review-days", type=int, default=REVIEW_WINDOW_DAYS,
                        help="list guidance due for review within this many days (default: %(default)s)")  # fmt: skip
    return main


def read_evals(given: List[Path]) -> tuple[List[EvalResult], List[Path]]:
    """The default files that exist plus every file given (which must exist); and the missing defaults."""
    paths: List[Path] = []
    missing: List[Path] = []
    for path in DEFAULT_EVAL_PATHS:
        (paths if path.is_file() else missing).append(path)
    for path in given:
        if path.resolve() not in {p.resolve() for p in paths}:
            paths.append(path)
    return [load_eval(p) for p in paths], missing


def run_report(args: argparse.Namespace) -> int:
    from bot.guidance.loader import load_guidance

    try:
        log = load_hazard_log(args.hazards)
        run = load_test_run(args.results)
        evals, missing = read_evals(args.evals)
    except HazardLogError as error:
        print(f"safety report: the hazard log {relative(error.path)} is not valid:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    except ResultsError as error:
        print(f"safety report: {error}", file=sys.stderr)
        return 2
    guidance = load_guidance(str(args.guidance) if args.guidance else None)
    review = review_listing(guidance, args.today or dt.date.today(), args.review_days)
    report = build_report(log, run, evals, review, missing)
    written = write_report(report, args.out)
    print(f"safety report: {' and '.join(relative(p) for p in written)}")
    statuses: dict = {}
    for hazard in report.hazards:
        statuses.setdefault(hazard.status, []).append(hazard.hazard.id)
    print("  " + "; ".join(f"{status}: {' '.join(ids)}" for status, ids in sorted(statuses.items())))
    for warning in report.warnings:
        print(f"  warning: {warning}")
    if report.problems:
        print(f"SAFETY REPORT FAILED: {len(report.problems)} problem(s)", file=sys.stderr)
        for problem in report.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print("SAFETY REPORT PASSED: every implemented control has a passing test")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "report":
        return run_report(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
