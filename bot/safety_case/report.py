"""Build the safety report and write it as Markdown and as self-contained HTML."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence

from bot.safety_case import evidence as ev
from bot.safety_case.hazards import ROOT, HazardLog
from bot.safety_case.matrix import (
    JUSTIFY_FROM,
    LIKELIHOOD_MEANING,
    MATRIX,
    RATING_MEANING,
    SEVERITY_MEANING,
    UNACCEPTABLE_FROM,
    Likelihood,
    Severity,
)
from bot.safety_case.results import EVAL_TARGETS, EvalResult, TestResult, TestRun
from bot.safety_case.review import ReviewItem, ReviewListing

LIST_LIMIT = 15  # test results listed one by one per reference (the rest are counted)
INTERRUPTED_STATUSES = {2: "interrupted", 3: "internal error", 4: "usage error"}

RULES = [
    "An implemented control is **verified** when at least one of its tests passed in this run and none failed. "
    "It is **failing** when one of its tests failed, and has **no passing test** when its tests were skipped, "
    "deselected, not run or not found. Either of these fails the build.",
    "A control with `status: planned` belongs to an issue that is not built yet. It is reported as **planned** and "
    "never fails the build. When its tests already pass the report says so: change its status to implemented.",
    "A control with `status: transferred` is owned by the deploying organisation (its own DCB0160 safety case). "
    "It is listed under *Actions for a deploying organisation* and never counted here.",
    "A hazard is **OPEN** while none of its controls is implemented, **PARTLY CONTROLLED** while some are still "
    "planned, **CONTROLLED** when every implemented control is verified and none is planned, and **FAILING** when an "
    "implemented control is not verified. Only a controlled hazard is at its residual risk; every other hazard is "
    "counted at its initial risk.",
    "The build also fails when a test names a hazard id that is not in the hazard log or a hazard marker is "
    "malformed, when a test module could not be collected or the run was interrupted, or when a residual risk is "
    "4 or 5.",
]


@dataclass
class SafetyReport:
    generated_at: dt.datetime
    log: HazardLog
    run: TestRun
    hazards: List[ev.HazardEvidence]
    evals: List[EvalResult]
    missing_evals: List[Path]
    review: ReviewListing
    problems: List[str] = field(default_factory=list)
    warnings: List[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems

    def transferred(self) -> List[tuple]:
        return [(h.hazard, c.control) for h in self.hazards for c in h.controls if c.verdict == ev.TRANSFERRED_VERDICT]


def relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def unknown_hazard_tests(log: HazardLog, run: TestRun) -> Dict[str, List[str]]:
    """Hazard ids named by tests but not in the log (from the plugin, and checked again here)."""
    known = set(log.ids)
    unknown: Dict[str, List[str]] = {k: list(v) for k, v in run.unknown_hazards.items() if k not in known}
    for test in run.tests:
        for hazard_id in test.hazards:
            if hazard_id not in known and test.nodeid not in unknown.setdefault(hazard_id, []):
                unknown[hazard_id].append(test.nodeid)
    return {k: sorted(v) for k, v in sorted(unknown.items()) if v or k in run.unknown_hazards}


def build_report(
    log: HazardLog,
    run: TestRun,
    evals: Sequence[EvalResult],
    review: ReviewListing,
    missing_evals: Sequence[Path] = (),
    now: Optional[dt.datetime] = None,
) -> SafetyReport:
    hazards = ev.judge(log, run)
    report = SafetyReport(
        generated_at=now or dt.datetime.now(dt.timezone.utc),
        log=log,
        run=run,
        hazards=hazards,
        evals=list(evals),
        missing_evals=list(missing_evals),
        review=review,
    )
    problems, warnings = report.problems, report.warnings
    # What went wrong with the run itself comes first: the control results below follow from it.
    if run.exit_status in INTERRUPTED_STATUSES:
        problems.append(
            f"the test run did not complete (pytest exit status {run.exit_status}: "
            f"{INTERRUPTED_STATUSES[run.exit_status]}); fix that first, the control results below follow from it"
        )
    for error in run.collection_errors:
        problems.append(f"collection error in {error['nodeid'] or 'the test session'}: {error['message']}")
    if run.hazard_log_error:
        problems.append(f"the test run could not read the hazard log: {run.hazard_log_error}")
    for hazard_id, nodeids in unknown_hazard_tests(log, run).items():
        shown = ", ".join(nodeids[:5]) + (f" and {len(nodeids) - 5} more" if len(nodeids) > 5 else "")
        problems.append(f"hazard id {hazard_id!r} is named by tests but is not in {relative(log.path)}: {shown}")
    problems.extend(f"hazard marker: {message}" for message in run.marker_errors)
    for hazard in hazards:
        for control in hazard.by_verdict(*ev.BLOCKING):
            problems.append(f"{control.control.id} ({hazard.hazard.id}): {control.verdict}: {control.note}")
        if hazard.hazard.after.rating >= UNACCEPTABLE_FROM:
            problems.append(
                f"{hazard.hazard.id}: residual risk {hazard.hazard.after.rating} is not acceptable "
                f"({RATING_MEANING[hazard.hazard.after.rating]})"
            )

    if run.partial:
        counts = run.counts()
        skipped = counts.get("deselected", 0) + counts.get("not run", 0)
        warnings.append(
            f"{skipped} collected test(s) were deselected or did not run (pytest {' '.join(run.args) or '(no args)'}): "
            "a full run is what CI judges."
        )
    for hazard in hazards:
        for control in hazard.controls:
            if control.control.status == ev.IMPLEMENTED:
                for ref in control.dangling:
                    warnings.append(f"{control.control.id}: the reference {ref.describe()!r} matches no test")
            if control.verdict == ev.PLANNED_READY:
                warnings.append(f"{control.control.id}: planned, but {control.note}")
        if hazard.unlinked:
            warnings.append(
                f"{hazard.hazard.id}: {len(hazard.unlinked)} test(s) marked hazard({hazard.hazard.id}) are not named "
                "by any control (add them to a control's tests)"
            )
    for path in missing_evals:
        warnings.append(f"no evaluation figures at {relative(path)} (written by `python -m bot eval`)")
    for result in evals:
        for miss in result.misses():
            warnings.append(f"evaluation {result.label}: {miss}")
    if review.overdue:
        warnings.append(f"{len(review.overdue)} guidance item(s) are past their review-by date")
    if log.approved is None:
        warnings.append("the hazard log has not been approved by a named Clinical Safety Officer (draft)")
    return report


# --- shared pieces ---------------------------------------------------------------------------------


def outcome_summary(counts: Dict[str, int]) -> str:
    order = ["passed", "failed", "error", "skipped", "xfailed", "xpassed", "deselected", "not run"]
    parts = [f"{counts[k]} {k}" for k in order if counts.get(k)]
    return ", ".join(parts) if parts else "no test found"


def listed_results(results: List[TestResult]) -> List[TestResult]:
    """Which results to show one by one: all of a few (not a lone pass), else the ones that did not pass."""
    if len(results) == 1 and results[0].passed:
        return []  # the reference line already says "1 passed"
    if len(results) <= 5:
        return results
    return [r for r in results if not r.passed][:LIST_LIMIT]


def review_rows(items: Iterable[ReviewItem]) -> List[List[str]]:
    rows = []
    for item in items:
        days = "" if item.days_left is None else (f"{-item.days_left} days overdue" if item.days_left < 0 else
                                                  f"{item.days_left} days")  # fmt: skip
        rows.append([item.path, str(item.review_by or "none"), item.reviewer or "none", days])
    return rows


def status_word(report: SafetyReport) -> str:
    return "PASS" if report.passed else "FAIL"


def exit_text(run: TestRun) -> str:
    return "" if run.exit_status is None else f" (pytest exit status {run.exit_status})"


def fmt_time(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


# --- Markdown --------------------------------------------------------------------------------------


def md(text: object) -> str:
    """Plain text for Markdown: no table breaks, no HTML, no emphasis or code by accident."""
    out = " ".join(str(text).split())
    for char in "\\`*<|":
        out = out.replace(char, "\\" + char)
    return out


def code(text: object) -> str:
    value = " ".join(str(text).split())
    fence = "``" if "`" in value else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def md_table(header: List[str], rows: List[List[str]]) -> List[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def render_markdown(report: SafetyReport) -> str:
    log, run = report.log, report.run
    out: List[str] = [f"# Clinical safety report: {md(log.system or 'system')}", ""]
    out.append(
        f"**Result: {status_word(report)}** ({len(report.problems)} problem(s), {len(report.warnings)} warning(s))"
    )
    out.append("")
    if log.approved is None:
        out.append("> **DRAFT.** This hazard log has not been approved by a named Clinical Safety Officer")
        out.append(f"> (`clinical_safety_officer` and `approved` in {code(relative(log.path))}). It is evidence for a")
        out.append("> safety case, not a safety case on its own.")
    else:
        out.append(f"Approved by {md(log.approved['by'])} on {md(log.approved['date'])}.")
    out.append("")
    out += [
        f"- Generated: {fmt_time(report.generated_at)}",
        f"- Hazard log: {code(relative(log.path))} version {md(log.version)}; "
        f"Clinical Safety Officer: {md(log.clinical_safety_officer or 'not named')}",
        f"- Test results: {code(relative(run.path))}, run {md(run.generated_at)} with "
        f"{code('pytest ' + ' '.join(run.args)) if run.args else 'no arguments'}: {outcome_summary(run.counts())}"
        f"{exit_text(run)}",
        f"- Evaluation: {', '.join(code(relative(e.path)) for e in report.evals) or 'none'}",
        "",
    ]
    if report.problems:
        out += ["## Problems (these fail the build)", ""] + [f"- {md(p)}" for p in report.problems] + [""]
    out += ["## Hazards", ""]
    rows = []
    for h in report.hazards:
        counts: Dict[str, int] = {}
        for c in h.controls:
            counts[c.verdict] = counts.get(c.verdict, 0) + 1
        summary = ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
        rows.append([f"[{h.hazard.id}](#{h.hazard.id.lower()})", md(h.hazard.title), str(h.hazard.before.rating),
                     str(h.hazard.after.rating), f"**{h.status}**", str(h.current_risk.rating), summary])  # fmt: skip
    out += md_table(["id", "hazard", "before", "after", "status", "counted at", "controls"], rows) + [""]
    out += ["### How this report judges evidence", ""] + [f"- {rule}" for rule in RULES] + [""]
    out += render_matrix_md()
    for h in report.hazards:
        out += render_hazard_md(h)
    out += render_evals_md(report)
    out += render_review_md(report.review)
    out += render_transferred_md(report)
    if report.warnings:
        out += ["## Warnings", ""] + [f"- {md(w)}" for w in report.warnings] + [""]
    return "\n".join(out).rstrip() + "\n"


def render_matrix_md() -> List[str]:
    out = ["### Risk matrix (DCB0129)", ""]
    header = ["likelihood \\\\ severity"] + [s.label for s in Severity]
    rows = [[lik.label] + [str(v) for v in MATRIX[lik]] for lik in sorted(Likelihood, reverse=True)]
    out += md_table(header, rows) + [""]
    out += md_table(["rating", "meaning"], [[str(k), md(v)] for k, v in RATING_MEANING.items()]) + [""]
    out.append(f"A residual rating of {JUSTIFY_FROM} needs a written justification; {UNACCEPTABLE_FROM} or more is "
               "never accepted.")  # fmt: skip
    out.append("")
    return out


def render_hazard_md(h: ev.HazardEvidence) -> List[str]:
    hz = h.hazard
    out = [f'<a id="{hz.id.lower()}"></a>', "", f"## {hz.id}: {md(hz.title)}", "", f"**Status: {h.status}**", ""]
    out += [md(hz.description), ""]
    out += ["Causes:", ""] + [f"- {md(c)}" for c in hz.causes] + [""]
    out += ["Effects:", ""] + [f"- {md(e)}" for e in hz.effects] + [""]
    out += md_table(
        ["", "severity", "likelihood", "rating"],
        [
            ["before controls", hz.before.severity.label, hz.before.likelihood.label, str(hz.before.rating)],
            ["after controls", hz.after.severity.label, hz.after.likelihood.label, str(hz.after.rating)],
        ],
    )
    out.append("")
    if hz.justification:
        out += [f"Justification of the residual risk: {md(hz.justification)}", ""]
    if hz.notes:
        out += [f"Notes: {md(hz.notes)}", ""]
    out += ["### Controls", ""]
    for c in h.controls:
        ctl = c.control
        extra = f" ({md(c.note)})" if c.note else ""
        out.append(f"- **{ctl.id}** [{c.verdict}]{extra}: {md(ctl.description)}")
        for ref in c.refs:
            out.append(f"  - {code(ref.ref.describe())}: {outcome_summary(ref.counts())}")
            for result in listed_results(ref.results):
                reason = f": {md(result.reason)}" if result.reason else ""
                out.append(f"    - {code(result.nodeid)} {result.outcome}{reason}")
    out.append("")
    if h.unlinked:
        out += [f"Tests marked hazard({hz.id}) that no control names:", ""]
        out += [f"- {code(t.nodeid)} {t.outcome}" for t in h.unlinked[:LIST_LIMIT]]
        if len(h.unlinked) > LIST_LIMIT:
            out.append(f"- and {len(h.unlinked) - LIST_LIMIT} more")
        out.append("")
    return out


def render_evals_md(report: SafetyReport) -> List[str]:
    out = ["## Evaluation figures", ""]
    if not report.evals:
        out += ["No evaluation files were found. Run `python -m bot eval` (make eval).", ""]
        return out
    keys = eval_keys(report.evals)
    header = ["file", "measured"] + keys
    rows = []
    for result in report.evals:
        rows.append([md(result.label), fmt_time(result.measured_at)] + [eval_cell(result, k) for k in keys])
    out += md_table(header, rows) + [""]
    targets = ", ".join(f"{k} {op} {v}" for k, (op, v) in EVAL_TARGETS.items())
    out += [
        f"Reference targets (tests/test_evaluation.py): {md(targets)}. A figure outside its target is marked !.",
        "",
    ]
    out += [
        "The development set was used to build the engine, so its figures are optimistic; the separate phrasing "
        "cases in tests/safety/cases are the generalisation check (H01).",
        "",
    ]
    return out


def eval_keys(evals: Sequence[EvalResult]) -> List[str]:
    keys: List[str] = ["n"] + [k for k in EVAL_TARGETS]
    for result in evals:
        keys += [k for k in result.figures if k not in keys]
    return [k for k in keys if any(k in r.figures for r in evals)]


def eval_cell(result: EvalResult, key: str) -> str:
    value = result.figures.get(key)
    if value is None:
        return ""
    text = str(int(value)) if key == "n" else f"{value:g}"
    target = EVAL_TARGETS.get(key)
    if target and not (value >= target[1] if target[0] == ">=" else value <= target[1]):
        text += " !"
    return text


def render_review_md(review: ReviewListing) -> List[str]:
    out = [f"## Guidance due for review (by {review.horizon.isoformat()}, {review.window_days} days from "
           f"{review.today.isoformat()})", ""]  # fmt: skip
    header = ["item", "review by", "reviewer", "left"]
    if review.overdue:
        out += [f"Overdue ({len(review.overdue)}): `make test` fails until they are reviewed.", ""]
        out += md_table(header, [[md(c) for c in row] for row in review_rows(review.overdue)]) + [""]
    if review.due_soon:
        out += [f"Due within {review.window_days} days ({len(review.due_soon)}):", ""]
        out += md_table(header, [[md(c) for c in row] for row in review_rows(review.due_soon)]) + [""]
    if not review.overdue and not review.due_soon:
        out += [f"None of the {review.total} items is overdue or due within {review.window_days} days.", ""]
    if review.next_due:
        item = review.next_due
        out += [f"Next due after that: {md(item.path)} on {item.review_by} ({md(item.reviewer or 'no reviewer')}).", ""]
    if review.missing_date:
        out += [f"Items without a review-by date: {md(', '.join(i.path for i in review.missing_date))}", ""]
    if review.unnamed_reviewer:
        reviewers = sorted({i.reviewer or "none" for i in review.unnamed_reviewer})
        out += [f"{len(review.unnamed_reviewer)} of {review.total} items have no named reviewer yet "
                f"({md('; '.join(reviewers))}).", ""]  # fmt: skip
    return out


def render_transferred_md(report: SafetyReport) -> List[str]:
    items = report.transferred()
    if not items:
        return []
    out = ["## Actions for a deploying organisation (transferred controls)", ""]
    out += [f"- **{c.id}** ({h.id}, owner: {md(c.owner)}): {md(c.description)}" for h, c in items]
    return out + [""]


# --- HTML ------------------------------------------------------------------------------------------

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:2rem auto;max-width:72rem;
padding:0 1rem;color:#212b32;line-height:1.45}
h1{font-size:1.7rem}h2{margin-top:2.2rem;border-bottom:2px solid #d8dde0;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.6rem 0 1rem}th,td{border:1px solid #d8dde0;padding:.3rem .5rem;
text-align:left;vertical-align:top}th{background:#f0f4f5}code{font-size:.88em;background:#f0f4f5;
padding:0 .2rem;word-break:break-all}
.badge{display:inline-block;padding:.05rem .45rem;border-radius:.3rem;font-weight:600;font-size:.85em}
.pass,.verified,.CONTROLLED{background:#cce6d4;color:#00401e}
.fail,.failing,.no-passing-test,.FAILING{background:#f6d0d0;color:#6b0000}
.planned,.planned-tests-pass,.OPEN{background:#fff1b8;color:#4d3b00}
.PARTLY-CONTROLLED{background:#ffe0b3;color:#4d2a00}.transferred{background:#dde4f5;color:#1d2d5c}
.r1{background:#cce6d4}.r2{background:#e5f2c9}.r3{background:#fff1b8}.r4{background:#ffd2a8}.r5{background:#f6b0b0}
.draft{border-left:6px solid #ffb81c;background:#fff9e6;padding:.6rem 1rem}
.problems{border-left:6px solid #d5281b;background:#fdecea;padding:.4rem 1rem}
.control{margin:.6rem 0 .9rem;padding-left:.6rem;border-left:3px solid #d8dde0}
.muted{color:#4c6272;font-size:.92em}ul.tests{margin:.2rem 0}
"""


def e(value: object) -> str:
    return html.escape(str(value), quote=True)


def css_class(word: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in word).strip("-")


def badge(word: str) -> str:
    return f'<span class="badge {e(css_class(word))}">{e(word)}</span>'


def rating_cell(rating: int) -> str:
    return f'<td class="r{int(rating)}">{int(rating)}</td>'


def html_table(header: List[str], rows: List[List[str]], raw: bool = False) -> str:
    """Cells are escaped unless `raw` (then the caller built them from escaped parts)."""
    cell: Callable[[str], str] = (lambda c: c) if raw else (lambda c: f"<td>{e(c)}</td>")
    head = "".join(f"<th>{e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(cell(c) for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(report: SafetyReport) -> str:
    log, run = report.log, report.run
    parts: List[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Clinical safety report: {e(log.system)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>Clinical safety report: {e(log.system)}</h1>",
        f'<p>Result: <span class="badge {"pass" if report.passed else "fail"}">{status_word(report)}</span> '
        f"{len(report.problems)} problem(s), {len(report.warnings)} warning(s)</p>",
    ]
    if log.approved is None:
        parts.append(
            '<p class="draft"><strong>DRAFT.</strong> This hazard log has not been approved by a named Clinical '
            f"Safety Officer (<code>clinical_safety_officer</code> and <code>approved</code> in "
            f"<code>{e(relative(log.path))}</code>). It is evidence for a safety case, not a safety case on its own.</p>"
        )
    else:
        parts.append(f"<p>Approved by {e(log.approved['by'])} on {e(log.approved['date'])}.</p>")
    args = "pytest " + " ".join(run.args) if run.args else "pytest"
    parts.append(
        "<ul>"
        f"<li>Generated: {e(fmt_time(report.generated_at))}</li>"
        f"<li>Hazard log: <code>{e(relative(log.path))}</code> version {e(log.version)}; Clinical Safety Officer: "
        f"{e(log.clinical_safety_officer or 'not named')}</li>"
        f"<li>Test results: <code>{e(relative(run.path))}</code>, run {e(run.generated_at)} with <code>{e(args)}</code>: "
        f"{e(outcome_summary(run.counts()))}{e(exit_text(run))}</li>"
        f"<li>Evaluation: {', '.join('<code>' + e(relative(x.path)) + '</code>' for x in report.evals) or 'none'}</li>"
        "</ul>"
    )
    if report.problems:
        items = "".join(f"<li>{e(p)}</li>" for p in report.problems)
        parts.append(f'<div class="problems"><h2>Problems (these fail the build)</h2><ul>{items}</ul></div>')
    rows = []
    for h in report.hazards:
        counts: Dict[str, int] = {}
        for c in h.controls:
            counts[c.verdict] = counts.get(c.verdict, 0) + 1
        summary = ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
        rows.append([
            f'<td><a href="#{e(h.hazard.id.lower())}">{e(h.hazard.id)}</a></td>', f"<td>{e(h.hazard.title)}</td>",
            rating_cell(h.hazard.before.rating), rating_cell(h.hazard.after.rating), f"<td>{badge(h.status)}</td>",
            rating_cell(h.current_risk.rating), f"<td>{e(summary)}</td>",
        ])  # fmt: skip
    parts.append("<h2>Hazards</h2>")
    parts.append(html_table(["id", "hazard", "before", "after", "status", "counted at", "controls"], rows, raw=True))
    parts.append("<h3>How this report judges evidence</h3><ul>")
    parts += [f"<li>{markdown_bold_to_html(rule)}</li>" for rule in RULES]
    parts.append("</ul>")
    parts.append(render_matrix_html())
    parts += [render_hazard_html(h) for h in report.hazards]
    parts.append(render_evals_html(report))
    parts.append(render_review_html(report.review))
    transferred = report.transferred()
    if transferred:
        items = "".join(
            f"<li><strong>{e(c.id)}</strong> ({e(h.id)}, owner: {e(c.owner)}): {e(c.description)}</li>"
            for h, c in transferred
        )
        parts.append(f"<h2>Actions for a deploying organisation (transferred controls)</h2><ul>{items}</ul>")
    if report.warnings:
        parts.append("<h2>Warnings</h2><ul>" + "".join(f"<li>{e(w)}</li>" for w in report.warnings) + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def markdown_bold_to_html(text: str) -> str:
    """The fixed rule texts use **bold** and `code`; escape first, then mark up."""
    out = e(text)
    pieces = out.split("**")
    out = "".join(f"<strong>{p}</strong>" if i % 2 else p for i, p in enumerate(pieces))
    pieces = out.split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(pieces))


def render_matrix_html() -> str:
    header = ["likelihood \\ severity"] + [s.label for s in Severity]
    rows = [
        [f'<th title="{e(LIKELIHOOD_MEANING[lik])}">{e(lik.label)}</th>'] + [rating_cell(v) for v in MATRIX[lik]]
        for lik in sorted(Likelihood, reverse=True)
    ]
    severity = html_table(["severity", "meaning"], [[s.label, SEVERITY_MEANING[s]] for s in Severity])
    ratings = html_table(["rating", "meaning"], [[str(k), v] for k, v in RATING_MEANING.items()])
    return (
        "<h3>Risk matrix (DCB0129)</h3>" + html_table(header, rows, raw=True) + ratings + severity
        + f"<p>A residual rating of {JUSTIFY_FROM} needs a written justification; {UNACCEPTABLE_FROM} or more is "
        "never accepted.</p>"
    )  # fmt: skip


def render_hazard_html(h: ev.HazardEvidence) -> str:
    hz = h.hazard
    parts = [f'<h2 id="{e(hz.id.lower())}">{e(hz.id)}: {e(hz.title)}</h2>', f"<p>Status: {badge(h.status)}</p>",
             f"<p>{e(hz.description)}</p>"]  # fmt: skip
    parts.append("<p>Causes:</p><ul>" + "".join(f"<li>{e(c)}</li>" for c in hz.causes) + "</ul>")
    parts.append("<p>Effects:</p><ul>" + "".join(f"<li>{e(x)}</li>" for x in hz.effects) + "</ul>")
    rows = [
        ["<td>before controls</td>", f"<td>{e(hz.before.severity.label)}</td>",
         f"<td>{e(hz.before.likelihood.label)}</td>", rating_cell(hz.before.rating)],
        ["<td>after controls</td>", f"<td>{e(hz.after.severity.label)}</td>",
         f"<td>{e(hz.after.likelihood.label)}</td>", rating_cell(hz.after.rating)],
    ]  # fmt: skip
    parts.append(html_table(["", "severity", "likelihood", "rating"], rows, raw=True))
    if hz.justification:
        parts.append(f"<p>Justification of the residual risk: {e(hz.justification)}</p>")
    if hz.notes:
        parts.append(f'<p class="muted">Notes: {e(hz.notes)}</p>')
    parts.append("<h3>Controls</h3>")
    for c in h.controls:
        ctl = c.control
        note = f' <span class="muted">({e(c.note)})</span>' if c.note else ""
        refs = []
        for ref in c.refs:
            listed = "".join(
                f"<li><code>{e(r.nodeid)}</code> {badge(r.outcome) if not r.passed else e(r.outcome)}"
                + (f": {e(r.reason)}" if r.reason else "") + "</li>"
                for r in listed_results(ref.results)
            )  # fmt: skip
            inner = f'<ul class="tests">{listed}</ul>' if listed else ""
            refs.append(f"<li><code>{e(ref.ref.describe())}</code>: {e(outcome_summary(ref.counts()))}{inner}</li>")
        parts.append(
            f'<div class="control"><p><strong>{e(ctl.id)}</strong> {badge(c.verdict)}{note}</p><p>{e(ctl.description)}</p>'
            + (f'<ul class="tests">{"".join(refs)}</ul>' if refs else "") + "</div>"
        )  # fmt: skip
    if h.unlinked:
        items = "".join(f"<li><code>{e(t.nodeid)}</code> {e(t.outcome)}</li>" for t in h.unlinked[:LIST_LIMIT])
        more = f"<li>and {len(h.unlinked) - LIST_LIMIT} more</li>" if len(h.unlinked) > LIST_LIMIT else ""
        parts.append(f"<p>Tests marked hazard({e(hz.id)}) that no control names:</p><ul>{items}{more}</ul>")
    return "\n".join(parts)


def render_evals_html(report: SafetyReport) -> str:
    if not report.evals:
        return "<h2>Evaluation figures</h2><p>No evaluation files were found. Run <code>python -m bot eval</code>.</p>"
    keys = eval_keys(report.evals)
    rows = [[r.label, fmt_time(r.measured_at)] + [eval_cell(r, k) for k in keys] for r in report.evals]
    targets = ", ".join(f"{k} {op} {v}" for k, (op, v) in EVAL_TARGETS.items())
    return (
        "<h2>Evaluation figures</h2>" + html_table(["file", "measured"] + keys, rows)
        + f"<p>Reference targets (tests/test_evaluation.py): {e(targets)}. A figure outside its target is marked !.</p>"
        "<p>The development set was used to build the engine, so its figures are optimistic; the separate phrasing "
        "cases in tests/safety/cases are the generalisation check (H01).</p>"
    )  # fmt: skip


def render_review_html(review: ReviewListing) -> str:
    header = ["item", "review by", "reviewer", "left"]
    parts = [f"<h2>Guidance due for review (by {e(review.horizon)}, {review.window_days} days from "
             f"{e(review.today)})</h2>"]  # fmt: skip
    if review.overdue:
        parts.append(f"<p>Overdue ({len(review.overdue)}): <code>make test</code> fails until they are reviewed.</p>")
        parts.append(html_table(header, review_rows(review.overdue)))
    if review.due_soon:
        parts.append(f"<p>Due within {review.window_days} days ({len(review.due_soon)}):</p>")
        parts.append(html_table(header, review_rows(review.due_soon)))
    if not review.overdue and not review.due_soon:
        parts.append(f"<p>None of the {review.total} items is overdue or due within {review.window_days} days.</p>")
    if review.next_due:
        item = review.next_due
        parts.append(f"<p>Next due after that: {e(item.path)} on {e(item.review_by)} "
                     f"({e(item.reviewer or 'no reviewer')}).</p>")  # fmt: skip
    if review.missing_date:
        parts.append(f"<p>Items without a review-by date: {e(', '.join(i.path for i in review.missing_date))}</p>")
    if review.unnamed_reviewer:
        reviewers = sorted({i.reviewer or "none" for i in review.unnamed_reviewer})
        parts.append(f"<p>{len(review.unnamed_reviewer)} of {review.total} items have no named reviewer yet "
                     f"({e('; '.join(reviewers))}).</p>")  # fmt: skip
    return "\n".join(parts)


def write_report(report: SafetyReport, out_dir: Path) -> List[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (("REPORT.md", render_markdown(report)), ("REPORT.html", render_html(report))):
        path = out_dir / name
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(text, encoding="utf8")
        tmp.replace(path)
        written.append(path)
    return written
