"""Load and check docs/safety/hazards.yml, the DCB0129 hazard log.

Each hazard has an id, what can go wrong and why, its risk before and after
controls (severity, likelihood and the rating from the matrix), and controls.
Each control has an id, what the system does, a status, and `tests`: the pytest
tests that show the control working.

Control status:
  implemented  (the default) the control is in the code; the report needs at
               least one of its tests to have passed, and none to have failed
  planned      the control belongs to an issue not built yet (`issue` names it);
               reported as planned, never counted as a failure
  transferred  the deploying organisation owns the control (`owner`), in its own
               DCB0160 safety case; listed as an action for it

A test reference is either a string, a node-id pattern (`*` and `?` are the only
wildcards; a pattern without `[...]` also matches every parametrised case; a
pattern without `::` is a file or folder path), or a mapping:
  {marker: H05}                          any test marked @pytest.mark.hazard("H05")
  {marker: H05, nodeid: tests/channels/*} ... whose node id also matches
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Set, Tuple

import yaml

from bot.safety_case.matrix import JUSTIFY_FROM, Likelihood, Severity, risk_rating

ROOT = Path(__file__).resolve().parent.parent.parent
HAZARDS_PATH = ROOT / "docs" / "safety" / "hazards.yml"

HAZARD_ID = re.compile(r"^H\d{2,3}$")
IMPLEMENTED, PLANNED, TRANSFERRED = "implemented", "planned", "transferred"
STATUSES = (IMPLEMENTED, PLANNED, TRANSFERRED)
REQUIRED_HAZARD_IDS = tuple(f"H{n:02d}" for n in range(1, 14))


class HazardLogError(ValueError):
    """The hazard log cannot be read or breaks a rule; `problems` says each one."""

    def __init__(self, path: Path, problems: Sequence[str]) -> None:
        self.path = path
        self.problems = list(problems)
        super().__init__(f"{path}: " + "; ".join(self.problems))


@lru_cache(maxsize=256)
def _pattern(glob: str) -> re.Pattern[str]:
    """`*` any characters (slashes too), `?` one character; everything else is literal ([ ] included)."""
    parts = []
    for char in glob:
        parts.append(".*" if char == "*" else "." if char == "?" else re.escape(char))
    return re.compile("".join(parts), re.DOTALL)


@dataclass(frozen=True)
class TestRef:
    """One entry of a control's `tests`."""

    __test__ = False  # not a pytest test class

    nodeid: str = "*"
    marker: Optional[str] = None

    def matches(self, nodeid: str, hazards: Iterable[str] = ()) -> bool:
        if self.marker is not None and self.marker not in set(hazards):
            return False
        if self.nodeid == "*":
            return True
        pattern = _pattern(self.nodeid)
        if "::" not in self.nodeid:
            return bool(pattern.fullmatch(nodeid.split("::", 1)[0]))
        if pattern.fullmatch(nodeid):
            return True
        return "[" not in self.nodeid and "[" in nodeid and bool(pattern.fullmatch(nodeid.split("[", 1)[0]))

    def describe(self) -> str:
        if self.marker is None:
            return self.nodeid
        where = "" if self.nodeid == "*" else f" in {self.nodeid}"
        return f"tests marked hazard({self.marker}){where}"


@dataclass(frozen=True)
class Risk:
    severity: Severity
    likelihood: Likelihood

    @property
    def rating(self) -> int:
        return risk_rating(self.severity, self.likelihood)

    def describe(self) -> str:
        return f"{self.rating} ({self.severity.label} x {self.likelihood.label})"


@dataclass(frozen=True)
class Control:
    id: str
    description: str
    status: str = IMPLEMENTED
    tests: Tuple[TestRef, ...] = ()
    issue: Optional[str] = None
    owner: Optional[str] = None


@dataclass(frozen=True)
class Hazard:
    id: str
    title: str
    description: str
    causes: Tuple[str, ...]
    effects: Tuple[str, ...]
    before: Risk
    after: Risk
    controls: Tuple[Control, ...]
    justification: Optional[str] = None
    notes: Optional[str] = None


@dataclass(frozen=True)
class HazardLog:
    path: Path
    version: str
    system: str
    clinical_safety_officer: Optional[str]
    approved: Optional[Dict[str, str]]
    hazards: Tuple[Hazard, ...] = field(default_factory=tuple)

    @property
    def ids(self) -> List[str]:
        return [hazard.id for hazard in self.hazards]

    def __iter__(self) -> Iterator[Hazard]:
        return iter(self.hazards)

    def get(self, hazard_id: str) -> Hazard:
        for hazard in self.hazards:
            if hazard.id == hazard_id:
                return hazard
        raise KeyError(hazard_id)


def _read(path: Path) -> Dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf8"))
    except FileNotFoundError as exc:
        raise HazardLogError(path, ["the hazard log does not exist"]) from exc
    except yaml.YAMLError as exc:
        raise HazardLogError(path, [f"not valid YAML: {exc}"]) from exc
    if not isinstance(data, dict) or not isinstance(data.get("hazards"), list) or not data["hazards"]:
        raise HazardLogError(path, ["the file must be a mapping with a non-empty `hazards:` list"])
    return data


def read_hazard_ids(path: Path = HAZARDS_PATH) -> Set[str]:
    """Only the hazard ids (what the pytest plugin needs); raises HazardLogError."""
    data = _read(path)
    ids = [h.get("id") for h in data["hazards"] if isinstance(h, dict)]
    bad = [repr(i) for i in ids if not isinstance(i, str) or not HAZARD_ID.match(i)]
    if bad or len(ids) != len(data["hazards"]):
        raise HazardLogError(path, [f"hazards without a valid id (H01, H02 ...): {', '.join(bad) or 'not a mapping'}"])
    return set(ids)


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, str) else ""


def _texts(value: Any) -> Tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return ()
    return tuple(t for t in (_text(v) for v in value) if t)


class _Checker:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: List[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def risk(self, where: str, raw: Any) -> Optional[Risk]:
        if not isinstance(raw, dict):
            self.problem(where, "needs `severity` and `likelihood`")
            return None
        try:
            risk = Risk(Severity.parse(raw.get("severity")), Likelihood.parse(raw.get("likelihood")))
        except ValueError as exc:
            self.problem(where, str(exc))
            return None
        stated = raw.get("rating")
        if stated is not None and stated != risk.rating:
            self.problem(
                where,
                f"rating {stated!r} does not match the matrix: {risk.severity.label} x "
                f"{risk.likelihood.label} is {risk.rating}",
            )
        return risk

    def test_ref(self, where: str, raw: Any, known: Set[str]) -> Optional[TestRef]:
        if isinstance(raw, str) and raw.strip():
            return TestRef(nodeid=raw.strip())
        if isinstance(raw, dict) and raw and set(raw) <= {"nodeid", "marker"}:
            marker = raw.get("marker")
            nodeid = raw.get("nodeid", "*")
            if marker is not None and marker not in known:
                self.problem(where, f"test reference names unknown hazard marker {marker!r}")
                return None
            if not isinstance(nodeid, str) or not nodeid.strip():
                self.problem(where, f"test reference has an empty node id: {raw!r}")
                return None
            return TestRef(nodeid=nodeid.strip(), marker=marker)
        self.problem(where, f"a test reference is a node-id pattern or {{marker: Hxx, nodeid: pattern}}, not {raw!r}")
        return None

    def control(self, hazard_id: str, raw: Any, known: Set[str], seen: Set[str]) -> Optional[Control]:
        if not isinstance(raw, dict):
            self.problem(hazard_id, f"a control must be a mapping, not {raw!r}")
            return None
        control_id = raw.get("id")
        where = f"{hazard_id}/{control_id}"
        if not isinstance(control_id, str) or not re.match(rf"^{re.escape(hazard_id)}-C\d+$", control_id):
            self.problem(where, f"control ids are {hazard_id}-C1, {hazard_id}-C2 ...")
            return None
        if control_id in seen:
            self.problem(where, "duplicate control id")
        seen.add(control_id)
        status = raw.get("status", IMPLEMENTED)
        if status not in STATUSES:
            self.problem(where, f"status {status!r} is not one of {', '.join(STATUSES)}")
            return None
        description = _text(raw.get("description"))
        if not description:
            self.problem(where, "needs a description of what the system does")
        tests_raw = raw.get("tests") or []
        if not isinstance(tests_raw, list):
            self.problem(where, "`tests` must be a list")
            tests_raw = []
        tests = tuple(t for t in (self.test_ref(where, r, known) for r in tests_raw) if t is not None)
        if status == IMPLEMENTED and not tests_raw:
            self.problem(where, "an implemented control needs `tests` that show it working (or `status: planned`)")
        issue, owner = _text(raw.get("issue")) or None, _text(raw.get("owner")) or None
        if status == PLANNED and not issue:
            self.problem(where, "a planned control must name the `issue` that builds it")
        if status == TRANSFERRED and not owner:
            self.problem(where, "a transferred control must name its `owner`")
        unknown = set(raw) - {"id", "description", "status", "tests", "issue", "owner"}
        if unknown:
            self.problem(where, f"unknown keys: {', '.join(sorted(unknown))}")
        return Control(control_id, description, status, tests, issue, owner)

    def hazard(self, raw: Any, known: Set[str], seen_controls: Set[str]) -> Optional[Hazard]:
        if not isinstance(raw, dict):
            self.problem("hazards", f"each hazard must be a mapping, not {raw!r}")
            return None
        hazard_id = str(raw.get("id"))
        for key in ("title", "description"):
            if not _text(raw.get(key)):
                self.problem(hazard_id, f"needs a `{key}`")
        causes, effects = _texts(raw.get("causes")), _texts(raw.get("effects"))
        if not causes:
            self.problem(hazard_id, "needs `causes` (a list)")
        if not effects:
            self.problem(hazard_id, "needs `effects` (a list)")
        before = self.risk(f"{hazard_id} before", raw.get("before"))
        after = self.risk(f"{hazard_id} after", raw.get("after"))
        justification = _text(raw.get("justification")) or None
        if before and after:
            if after.rating > before.rating:
                self.problem(hazard_id, f"risk after controls ({after.rating}) is higher than before ({before.rating})")
            if after.rating >= JUSTIFY_FROM and not justification:
                self.problem(hazard_id, f"a residual risk of {after.rating} needs a `justification`")
        controls_raw = raw.get("controls")
        if not isinstance(controls_raw, list) or not controls_raw:
            self.problem(hazard_id, "needs at least one control")
            controls_raw = []
        controls = tuple(
            c for c in (self.control(hazard_id, r, known, seen_controls) for r in controls_raw) if c is not None
        )
        unknown = set(raw) - {"id", "title", "description", "causes", "effects", "before", "after", "controls",
                              "justification", "notes"}  # fmt: skip
        if unknown:
            self.problem(hazard_id, f"unknown keys: {', '.join(sorted(unknown))}")
        if before is None or after is None:
            return None
        return Hazard(
            id=hazard_id,
            title=_text(raw.get("title")),
            description=_text(raw.get("description")),
            causes=causes,
            effects=effects,
            before=before,
            after=after,
            controls=controls,
            justification=justification,
            notes=_text(raw.get("notes")) or None,
        )


def parse_hazard_log(data: Mapping[str, Any], path: Path = HAZARDS_PATH) -> HazardLog:
    checker = _Checker(path)
    raw_hazards = data.get("hazards") if isinstance(data, Mapping) else None
    if not isinstance(raw_hazards, list) or not raw_hazards:
        raise HazardLogError(path, ["the file must be a mapping with a non-empty `hazards:` list"])
    ids = [h.get("id") if isinstance(h, dict) else None for h in raw_hazards]
    known = {i for i in ids if isinstance(i, str) and HAZARD_ID.match(i)}
    for index, hazard_id in enumerate(ids):
        if not isinstance(hazard_id, str) or not HAZARD_ID.match(hazard_id):
            checker.problem(f"hazards[{index}]", f"id {hazard_id!r} is not like H01")
        elif ids.count(hazard_id) > 1:
            checker.problem(hazard_id, "duplicate hazard id")
    seen_controls: Set[str] = set()
    hazards = tuple(h for h in (checker.hazard(raw, known, seen_controls) for raw in raw_hazards) if h is not None)
    approved = data.get("approved")
    if approved is not None and not (isinstance(approved, dict) and approved.get("by") and approved.get("date")):
        checker.problem("approved", "must be null or {by: <name>, date: <YYYY-MM-DD>}")
        approved = None
    if checker.problems:
        raise HazardLogError(path, checker.problems)
    return HazardLog(
        path=path,
        version=str(data.get("version", "")),
        system=_text(data.get("system")),
        clinical_safety_officer=_text(data.get("clinical_safety_officer")) or None,
        approved={k: str(v) for k, v in approved.items()} if approved else None,
        hazards=hazards,
    )


def load_hazard_log(path: Path = HAZARDS_PATH) -> HazardLog:
    """The whole log, checked; raises HazardLogError listing every problem."""
    return parse_hazard_log(_read(path), path)
