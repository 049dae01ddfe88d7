"""docs/safety/hazards.yml: the loader's rules, and the real hazard log against them."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any, Callable, Dict

import pytest

from bot.safety_case.hazards import (
    HAZARDS_PATH,
    IMPLEMENTED,
    PLANNED,
    REQUIRED_HAZARD_IDS,
    ROOT,
    HazardLogError,
    TestRef,
    load_hazard_log,
    parse_hazard_log,
    read_hazard_ids,
)
from tests.safety_case.fakes import control, hazard, small_log, write_log

LOG = load_hazard_log()
MARKER_CALL = re.compile(r"mark\.hazard\(([^)]*)\)")


# --- the real hazard log ------------------------------------------------------------------------------


def test_the_hazard_log_has_every_required_hazard_in_order() -> None:
    assert LOG.ids[: len(REQUIRED_HAZARD_IDS)] == list(REQUIRED_HAZARD_IDS)
    assert len(LOG.ids) == len(set(LOG.ids))


def test_every_hazard_has_controls_and_every_control_has_tests_or_is_planned_or_transferred() -> None:
    for h in LOG:
        assert h.controls, h.id
        assert h.causes and h.effects, h.id
        for c in h.controls:
            assert c.description, c.id
            if c.status == IMPLEMENTED:
                assert c.tests, f"{c.id} is implemented but names no tests"
            elif c.status == PLANNED:
                assert c.issue, f"{c.id} is planned but names no issue"
            else:
                assert c.owner, f"{c.id} is transferred but names no owner"


def test_residual_risks_are_acceptable_and_never_above_the_initial_risk() -> None:
    for h in LOG:
        assert h.after.rating <= h.before.rating, h.id
        assert h.after.rating <= 3, h.id
        if h.after.rating == 3:
            assert h.justification, h.id


def test_every_hazard_id_used_by_a_test_in_the_repository_is_in_the_log() -> None:
    """The plugin checks this at run time; this finds it without running the suite."""
    used: Dict[str, str] = {}
    for path in (ROOT / "tests").rglob("*.py"):
        if "safety_case" in path.parts or path.name == "hazard_plugin.py":
            continue
        for args in MARKER_CALL.findall(path.read_text(encoding="utf8")):
            for hazard_id in re.findall(r"[\"']([^\"']+)[\"']", args):
                used.setdefault(hazard_id, str(path.relative_to(ROOT)))
    assert used, "no test carries a hazard marker"
    unknown = {k: v for k, v in used.items() if k not in LOG.ids}
    assert not unknown, f"hazard ids used by tests but missing from {HAZARDS_PATH}: {unknown}"


def test_implemented_controls_name_test_files_and_functions_that_exist() -> None:
    """A renamed test breaks the trace: find it here before the full suite runs."""
    missing = []
    for h in LOG:
        for c in h.controls:
            if c.status != IMPLEMENTED:
                continue
            for ref in c.tests:
                if ref.nodeid == "*":
                    continue
                path_part, _, name_part = ref.nodeid.partition("::")
                files = [p for p in ROOT.glob(path_part) if p.is_file()] if "*" in path_part else [ROOT / path_part]
                if not any(p.is_file() for p in files):
                    missing.append(f"{c.id}: no file {path_part}")
                    continue
                function = name_part.split("[", 1)[0].split("::")[-1]
                if function and "*" not in function and "?" not in function:
                    sources = "".join(p.read_text(encoding="utf8") for p in files if p.is_file())
                    if not re.search(rf"def {re.escape(function)}\(", sources):
                        missing.append(f"{c.id}: no test {function} in {path_part}")
    assert not missing, "\n".join(missing)


def test_the_log_is_a_draft_until_a_clinical_safety_officer_approves_it() -> None:
    assert LOG.approved is None or LOG.clinical_safety_officer, "approved without a named Clinical Safety Officer"


# --- test references ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ref,nodeid,hazards,expected",
    [
        (TestRef("tests/a.py::test_x"), "tests/a.py::test_x", (), True),
        (TestRef("tests/a.py::test_x"), "tests/a.py::test_x[case-1]", (), True),
        (TestRef("tests/a.py::test_x"), "tests/a.py::test_xy", (), False),
        (TestRef("tests/a.py::test_x[neg-*]"), "tests/a.py::test_x[neg-3]", (), True),
        (TestRef("tests/a.py::test_x[neg-*]"), "tests/a.py::test_x[pos-3]", (), False),
        (TestRef("tests/a.py"), "tests/a.py::TestK::test_y[1]", (), True),
        (TestRef("tests/web/*"), "tests/web/test_page.py::test_y", (), True),
        (TestRef("tests/web/*"), "tests/webby.py::test_y", (), False),
        (TestRef(marker="H05"), "tests/any.py::test_y", ("H05",), True),
        (TestRef(marker="H05"), "tests/any.py::test_y", ("H01",), False),
        (TestRef("tests/channels/*", marker="H05"), "tests/channels/t.py::test_y", ("H05",), True),
        (TestRef("tests/channels/*", marker="H05"), "tests/other/t.py::test_y", ("H05",), False),
    ],
)
def test_test_references_match_node_ids(ref: TestRef, nodeid: str, hazards: tuple, expected: bool) -> None:
    assert ref.matches(nodeid, hazards) is expected


# --- the loader's rules -----------------------------------------------------------------------------------


def broken(change: Callable[[Dict[str, Any]], None]) -> Dict[str, Any]:
    data = copy.deepcopy(small_log())
    change(data)
    return data


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda d: d["hazards"].append(copy.deepcopy(d["hazards"][0])), "duplicate hazard id"),
        (lambda d: d["hazards"][0].update(id="X1"), "is not like H01"),
        (lambda d: d["hazards"][0]["before"].update(severity="Severe"), "is not a severity"),
        (lambda d: d["hazards"][0]["before"].update(rating=5), "does not match the matrix"),
        (lambda d: d["hazards"][0].update(after={"severity": "Catastrophic", "likelihood": "Very high"}),
         "higher than before"),
        (lambda d: d["hazards"][0].update(after={"severity": "Major", "likelihood": "Low"}), "needs a `justification`"),
        (lambda d: d["hazards"][0].update(controls=[]), "needs at least one control"),
        (lambda d: d["hazards"][0]["controls"][0].update(tests=[]), "needs `tests`"),
        (lambda d: d["hazards"][0]["controls"][0].update(id="H02-C1"), "control ids are H01-C1"),
        (lambda d: d["hazards"][0]["controls"].append(control("H01-C1", ["x"])), "duplicate control id"),
        (lambda d: d["hazards"][1]["controls"][0].pop("issue"), "must name the `issue`"),
        (lambda d: d["hazards"][1]["controls"][0].update(status="transferred"), "must name its `owner`"),
        (lambda d: d["hazards"][1]["controls"][0].update(status="done"), "is not one of"),
        (lambda d: d["hazards"][0]["controls"][1].update(tests=[{"marker": "H77"}]), "unknown hazard marker"),
        (lambda d: d["hazards"][0]["controls"][1].update(tests=[{"file": "x"}]), "a test reference is"),
        (lambda d: d["hazards"][0].update(causes=[]), "needs `causes`"),
        (lambda d: d["hazards"][0].update(colour="red"), "unknown keys: colour"),
        (lambda d: d.update(approved="yes"), "must be null or"),
    ],
)  # fmt: skip
def test_broken_logs_are_refused_with_a_clear_problem(change: Callable, message: str) -> None:
    with pytest.raises(HazardLogError) as error:
        parse_hazard_log(broken(change), Path("hazards.yml"))
    assert any(message in problem for problem in error.value.problems), error.value.problems


def test_every_problem_is_reported_at_once() -> None:
    def two_problems(d: Dict[str, Any]) -> None:
        d["hazards"][0]["controls"][0]["tests"] = []
        d["hazards"][1]["controls"][0].pop("issue")

    with pytest.raises(HazardLogError) as error:
        parse_hazard_log(broken(two_problems), Path("hazards.yml"))
    assert len(error.value.problems) == 2


def test_a_residual_3_with_a_justification_is_accepted() -> None:
    data = broken(lambda d: d["hazards"][0].update(after={"severity": "Major", "likelihood": "Low"},
                                                   justification="Further reduction is impractical."))  # fmt: skip
    assert parse_hazard_log(data).get("H01").after.rating == 3


def test_ids_only_reader_and_missing_or_malformed_files(tmp_path: Path) -> None:
    assert read_hazard_ids(write_log(tmp_path / "ok.yml")) == {"H01", "H02"}
    with pytest.raises(HazardLogError, match="does not exist"):
        read_hazard_ids(tmp_path / "missing.yml")
    (tmp_path / "bad.yml").write_text("hazards: [\n", encoding="utf8")
    with pytest.raises(HazardLogError, match="not valid YAML"):
        load_hazard_log(tmp_path / "bad.yml")
    (tmp_path / "empty.yml").write_text("hazards: []\n", encoding="utf8")
    with pytest.raises(HazardLogError, match="non-empty"):
        read_hazard_ids(tmp_path / "empty.yml")


def test_a_small_log_loads() -> None:
    log = parse_hazard_log(small_log())
    assert log.ids == ["H01", "H02"]
    assert log.get("H01").before.rating == 4 and log.get("H02").controls[0].status == PLANNED
    assert hazard("H03", [])["after"]["rating"] == 2
