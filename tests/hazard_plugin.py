"""pytest plugin: trace tests to the hazard log (docs/safety/hazards.yml).

- registers the marker `@pytest.mark.hazard("H01")` (several ids, or several
  markers, are allowed);
- records every collected test: node id, hazard ids, outcome (passed, failed,
  error, skipped, xfailed, xpassed, deselected, not run) and, when it did not
  pass, the reason; writes them to results/hazard-results.json at the end of
  the session (`python -m bot.safety_case report` reads it);
- fails the session (exit status 1, with a message at the end of the output)
  when a test names a hazard id that is not in the hazard log, or a marker is
  malformed, or the hazard log cannot be read.

Load it with `pytest_plugins = ["tests.hazard_plugin"]` in tests/conftest.py or
`pytest -p tests.hazard_plugin`. Options: --hazard-results PATH, --hazard-log PATH
(defaults relative to the rootdir).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Set

import pytest

SCHEMA = 1
DEFAULT_RESULTS = Path("results") / "hazard-results.json"
DEFAULT_LOG = Path("docs") / "safety" / "hazards.yml"
MARKER = "hazard"
MARKER_HELP = "hazard(id, ...): the hazard (docs/safety/hazards.yml) whose control this test shows working"
REASON_CHARS = 300


@dataclass
class Record:
    nodeid: str
    hazards: List[str]
    outcome: str = "not run"
    reason: Optional[str] = None
    duration: float = 0.0


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("hazard", "clinical safety case (docs/safety)")
    group.addoption("--hazard-results", default=None, metavar="PATH",
                    help=f"where to write the hazard results (default: <rootdir>/{DEFAULT_RESULTS})")  # fmt: skip
    group.addoption("--hazard-log", default=None, metavar="PATH",
                    help=f"the hazard log to check marker ids against (default: <rootdir>/{DEFAULT_LOG})")  # fmt: skip


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_HELP)
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: the controller writes the file
        return
    if not config.pluginmanager.has_plugin("hazard-recorder"):
        config.pluginmanager.register(HazardRecorder(config), "hazard-recorder")


ANSI = re.compile(r"(?:\x1b|\\x1b)\[[0-9;]*[A-Za-z]")  # colour codes, raw or as repr() shows them


def _short(text: str) -> str:
    text = " ".join(ANSI.sub("", text).split())
    return text if len(text) <= REASON_CHARS else text[: REASON_CHARS - 3] + "..."


def _skip_reason(report: pytest.TestReport) -> Optional[str]:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return _short(str(longrepr[2]).removeprefix("Skipped: "))
    return _short(str(longrepr)) if longrepr else None


def _failure_reason(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    message = getattr(crash, "message", None) or report.longreprtext or "failed"
    return _short(f"{report.when}: {message}")


class HazardRecorder:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        root = Path(config.rootpath)
        results = config.getoption("hazard_results", default=None)
        log = config.getoption("hazard_log", default=None)
        self.results_path = Path(results) if results else root / DEFAULT_RESULTS
        self.log_path = Path(log) if log else root / DEFAULT_LOG
        self.records: Dict[str, Record] = {}
        self.unknown: Dict[str, List[str]] = {}
        self.marker_errors: List[str] = []
        self.collection_errors: List[Dict[str, str]] = []
        self.log_error: Optional[str] = None
        self.known: Set[str] = set()
        try:
            from bot.safety_case.hazards import read_hazard_ids

            self.known = read_hazard_ids(self.log_path)
        except Exception as error:  # reported at the end, with the results still written
            self.log_error = str(error)

    # --- collection ---------------------------------------------------------------------------
    def hazard_ids(self, item: pytest.Item) -> List[str]:
        ids: List[str] = []
        for marker in item.iter_markers(name=MARKER):
            if not marker.args or marker.kwargs:
                self.marker_errors.append(f'{item.nodeid}: write @pytest.mark.hazard("H01"), not {marker!r}')
            for arg in marker.args:
                if not isinstance(arg, str):
                    self.marker_errors.append(f'{item.nodeid}: hazard ids are strings like "H01", not {arg!r}')
                elif arg not in ids:
                    ids.append(arg)
        return sorted(ids)

    def pytest_itemcollected(self, item: pytest.Item) -> None:
        ids = self.hazard_ids(item)
        self.records[item.nodeid] = Record(item.nodeid, ids)
        if self.log_error is None:
            for hazard_id in ids:
                if hazard_id not in self.known:
                    self.unknown.setdefault(hazard_id, []).append(item.nodeid)

    def pytest_deselected(self, items: List[pytest.Item]) -> None:
        for item in items:
            record = self.records.get(item.nodeid)
            if record is not None:
                record.outcome = "deselected"

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            message = getattr(getattr(report.longrepr, "reprcrash", None), "message", None)
            if not message:
                lines = str(report.longrepr).strip().splitlines()
                message = lines[-1] if lines else "collection failed"
            self.collection_errors.append({"nodeid": report.nodeid, "message": _short(message)})

    # --- running ------------------------------------------------------------------------------
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        record = self.records.get(report.nodeid)
        if record is None:
            record = self.records[report.nodeid] = Record(report.nodeid, [])
        if report.when == "setup":  # a new run of this test (reruns start again here)
            record.outcome, record.reason, record.duration = "running", None, 0.0
        record.duration += float(getattr(report, "duration", 0.0) or 0.0)
        wasxfail = getattr(report, "wasxfail", None)
        if report.failed:
            record.outcome = "failed" if report.when == "call" else "error"
            record.reason = _failure_reason(report)
        elif report.skipped and record.outcome not in ("failed", "error"):
            if wasxfail is not None:
                record.outcome, record.reason = "xfailed", _short(f"expected to fail: {wasxfail}")
            else:
                record.outcome, record.reason = "skipped", _skip_reason(report)
        elif report.when == "call" and report.passed:
            if wasxfail is not None:
                record.outcome, record.reason = "xpassed", _short(f"expected to fail but passed: {wasxfail}")
            else:
                record.outcome = "passed"

    # --- the end ------------------------------------------------------------------------------
    def problems(self) -> List[str]:
        out = []
        if self.log_error:
            out.append(f"the hazard log cannot be read, so hazard markers cannot be checked: {self.log_error}")
        for hazard_id, nodeids in sorted(self.unknown.items()):
            shown = ", ".join(nodeids[:5]) + (f" and {len(nodeids) - 5} more" if len(nodeids) > 5 else "")
            out.append(f"hazard id {hazard_id!r} is not in {self.log_path}: named by {shown}")
        out.extend(self.marker_errors)
        return out

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        failed = bool(self.problems())
        if failed and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        for record in self.records.values():
            if record.outcome == "running":
                record.outcome = "not run"
        data: Dict[str, Any] = {
            "schema": SCHEMA,
            "generated_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "args": [str(a) for a in self.config.invocation_params.args],
            "rootdir": str(self.config.rootpath),
            "hazard_log": str(self.log_path),
            "hazard_log_error": self.log_error,
            "known_hazards": sorted(self.known),
            "unknown_hazards": {k: sorted(v) for k, v in sorted(self.unknown.items())},
            "marker_errors": self.marker_errors,
            "collection_errors": self.collection_errors,
            "exit_status": int(session.exitstatus),
            "tests": [asdict(r) for r in sorted(self.records.values(), key=lambda r: r.nodeid)],
        }
        self.results_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.results_path.with_name(f".{self.results_path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf8")
        tmp.replace(self.results_path)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        marked = sum(1 for r in self.records.values() if r.hazards)
        terminalreporter.write_line(
            f"hazard results: {len(self.records)} tests ({marked} marked with a hazard) written to {self.results_path}"
        )
        problems = self.problems()
        if problems:
            terminalreporter.section("HAZARD MARKERS: the session fails", sep="=", red=True, bold=True)
            for problem in problems:
                terminalreporter.write_line(f"ERROR {problem}", red=True)
            terminalreporter.write_line(
                f"Every @pytest.mark.hazard id must be a hazard in {self.log_path}: fix the marker or add the hazard.",
                red=True,
            )
