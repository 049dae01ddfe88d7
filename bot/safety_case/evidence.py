"""Trace each control to the tests that show it working, and judge it.

The rules (also in docs/safety/README.md and at the top of every report):
- an implemented control is VERIFIED when at least one of its tests passed and
  none failed; FAILING when one of its tests failed or errored; NO PASSING TEST
  when its tests were skipped, deselected, not run or not found. The last two
  fail the build.
- a planned control (status: planned) is reported as PLANNED and never fails
  the build; when its tests already pass the report says so, so that its status
  can be changed to implemented.
- a transferred control (status: transferred) belongs to the deploying
  organisation's DCB0160 case; it is listed, never counted.
- a hazard is OPEN while none of its controls is implemented, PARTLY CONTROLLED
  while some are still planned, CONTROLLED when every implemented control is
  verified and none is planned, FAILING when an implemented control is not
  verified. Only a CONTROLLED hazard is at its residual (after) risk; every
  other hazard is reported at its initial (before) risk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List

from bot.safety_case.hazards import IMPLEMENTED, PLANNED, TRANSFERRED, Control, Hazard, HazardLog, Risk, TestRef
from bot.safety_case.results import TestResult, TestRun

VERIFIED = "verified"
FAILING = "failing"
NO_PASSING_TEST = "no passing test"
PLANNED_VERDICT = "planned"
PLANNED_READY = "planned, tests pass"
TRANSFERRED_VERDICT = "transferred"
BLOCKING = (FAILING, NO_PASSING_TEST)

OPEN = "OPEN"
PARTLY = "PARTLY CONTROLLED"
CONTROLLED = "CONTROLLED"
HAZARD_FAILING = "FAILING"


@dataclass
class RefEvidence:
    ref: TestRef
    results: List[TestResult]

    def counts(self) -> Dict[str, int]:
        counts: Dict[str, int] = {}
        for result in self.results:
            counts[result.outcome] = counts.get(result.outcome, 0) + 1
        return counts


@dataclass
class ControlEvidence:
    control: Control
    refs: List[RefEvidence]
    verdict: str = ""
    note: str = ""

    @property
    def results(self) -> List[TestResult]:
        seen: Dict[str, TestResult] = {}
        for ref in self.refs:
            for result in ref.results:
                seen.setdefault(result.nodeid, result)
        return list(seen.values())

    @property
    def dangling(self) -> List[TestRef]:
        """References that matched no test at all (renamed or deleted tests, or not built yet)."""
        return [ref.ref for ref in self.refs if not ref.results]


@dataclass
class HazardEvidence:
    hazard: Hazard
    controls: List[ControlEvidence]
    unlinked: List[TestResult] = field(default_factory=list)  # marked with this hazard, no control names them
    status: str = ""

    @property
    def current_risk(self) -> Risk:
        return self.hazard.after if self.status == CONTROLLED else self.hazard.before

    def by_verdict(self, *verdicts: str) -> List[ControlEvidence]:
        return [c for c in self.controls if c.verdict in verdicts]


def judge_control(control: Control, tests: List[TestResult]) -> ControlEvidence:
    refs = [RefEvidence(ref, [t for t in tests if ref.matches(t.nodeid, t.hazards)]) for ref in control.tests]
    evidence = ControlEvidence(control, refs)
    results = evidence.results
    passed = [r for r in results if r.passed]
    failed = [r for r in results if r.failed]
    if control.status == TRANSFERRED:
        evidence.verdict = TRANSFERRED_VERDICT
        evidence.note = f"owned by {control.owner}"
    elif control.status == PLANNED:
        if passed and not failed:
            evidence.verdict = PLANNED_READY
            evidence.note = f"{len(passed)} test(s) pass already: set `status: implemented` when {control.issue} lands"
        else:
            evidence.verdict = PLANNED_VERDICT
            evidence.note = f"comes with: {control.issue}"
    elif failed:
        evidence.verdict = FAILING
        evidence.note = f"{len(failed)} of {len(results)} test(s) failed"
    elif passed:
        evidence.verdict = VERIFIED
        evidence.note = f"{len(passed)} test(s) passed"
    else:
        evidence.verdict = NO_PASSING_TEST
        if not results:
            evidence.note = "no recorded test matches its references"
        else:
            outcomes = sorted({r.outcome for r in results})
            evidence.note = f"{len(results)} matching test(s), none passed ({', '.join(outcomes)})"
    return evidence


def hazard_status(controls: List[ControlEvidence]) -> str:
    implemented = [c for c in controls if c.control.status == IMPLEMENTED]
    if any(c.verdict in BLOCKING for c in implemented):
        return HAZARD_FAILING
    if not implemented:
        return OPEN
    if any(c.control.status == PLANNED for c in controls):
        return PARTLY
    return CONTROLLED


def judge(log: HazardLog, run: TestRun) -> List[HazardEvidence]:
    out = []
    for hazard in log:
        controls = [judge_control(control, run.tests) for control in hazard.controls]
        linked = {r.nodeid for c in controls for r in c.results}
        unlinked = [t for t in run.tests if hazard.id in t.hazards and t.nodeid not in linked]
        out.append(HazardEvidence(hazard, controls, unlinked, hazard_status(controls)))
    return out


__all__ = [
    "BLOCKING",
    "CONTROLLED",
    "ControlEvidence",
    "FAILING",
    "HAZARD_FAILING",
    "HazardEvidence",
    "IMPLEMENTED",
    "NO_PASSING_TEST",
    "OPEN",
    "PARTLY",
    "PLANNED",
    "PLANNED_READY",
    "PLANNED_VERDICT",
    "RefEvidence",
    "TRANSFERRED",
    "TRANSFERRED_VERDICT",
    "VERIFIED",
    "judge",
    "judge_control",
]
