"""Statistics and the report of `python -m bench`: pure Python, no Rasa, no locust.

Everything here is deterministic and unit-tested (tests/bench/test_stats.py): percentiles,
summaries, ratios, the long-conversation windows, the targets and the BENCH line.
"""

from __future__ import annotations

import math
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

Number = Optional[float]

# (key in a server's result, label, unit, how to compare ours with stock)
# "lower" means lower is better, so the ratio printed is ours/stock and < 1 is good.
TABLE_ROWS: List[Tuple[str, str, str]] = [
    ("single.p50_ms", "1 conversation: latency p50", "ms"),
    ("single.p95_ms", "1 conversation: latency p95", "ms"),
    ("single.p99_ms", "1 conversation: latency p99", "ms"),
    ("concurrent.p50_ms", "20 concurrent: latency p50", "ms"),
    ("concurrent.p95_ms", "20 concurrent: latency p95", "ms"),
    ("concurrent.p99_ms", "20 concurrent: latency p99", "ms"),
    ("concurrent.throughput", "20 concurrent: throughput", "turns/s"),
    ("concurrent.rasa_cpu_ms_per_turn", "20 concurrent: Rasa server CPU per turn", "ms"),
    ("concurrent.actions_cpu_ms_per_turn", "20 concurrent: action server CPU per turn", "ms"),
    ("long.turn10_ms", "long conversation: mean turn cost around turn 10", "ms"),
    ("long.turn200_ms", "long conversation: mean turn cost around turn 200", "ms"),
    ("long.growth", "long conversation: turn 200 / turn 10", "x"),
    ("long.degraded", "long conversation: turns answered with the failure text", "turns"),
    ("flood.others_p95_ms", "flood: p95 of the 5 other conversations", "ms"),
    ("flood.flood_p95_ms", "flood: p95 of the flooding sender", "ms"),
    ("flood.degraded", "flood: turns answered with the failure text", "turns"),
    ("rasa_workers", "Rasa server worker processes", ""),
    ("rasa_peak_rss_mb", "peak resident memory, largest Rasa server process", "MB"),
    ("rasa_total_peak_rss_mb", "peak resident memory, all Rasa server processes", "MB"),
    ("actions_peak_rss_mb", "peak resident memory, action server", "MB"),
    ("startup_s", "start-up, cached model (process start to answering)", "s"),
    ("first_reply_s", "start-up to the first reply", "s"),
    ("all_workers_s", "start-up until every Rasa worker has its model", "s"),
    ("train_s", "training from scratch", "s"),
    ("train_peak_rss_mb", "training peak resident memory", "MB"),
]


def percentile(values: Iterable[float], q: float) -> Number:
    """The q-th percentile (0-100) with linear interpolation between closest ranks
    (numpy's default, "type 7"). None for no values."""
    data = sorted(float(v) for v in values)
    if not data:
        return None
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0 and 100, not {q}")
    if len(data) == 1:
        return data[0]
    position = (len(data) - 1) * q / 100.0
    low = math.floor(position)
    high = math.ceil(position)
    if low == high:
        return data[low]
    return data[low] + (data[high] - data[low]) * (position - low)


def mean(values: Iterable[float]) -> Number:
    data = [float(v) for v in values]
    return sum(data) / len(data) if data else None


def summarize(latencies_ms: Sequence[float]) -> Dict[str, Number]:
    """n, mean, p50, p95, p99 and max of a list of latencies in milliseconds."""
    return {
        "n": len(latencies_ms),
        "mean_ms": mean(latencies_ms),
        "p50_ms": percentile(latencies_ms, 50),
        "p95_ms": percentile(latencies_ms, 95),
        "p99_ms": percentile(latencies_ms, 99),
        "max_ms": max(latencies_ms) if latencies_ms else None,
    }


def throughput(samples: Sequence[Mapping[str, Any]]) -> Number:
    """Successful turns per second between the first request's start and the last one's end.

    Each sample has `start` (seconds, any clock shared by the samples), `ms` and `ok`."""
    done = [s for s in samples if s.get("ok")]
    if not done:
        return None
    first = min(s["start"] for s in samples)
    last = max(s["start"] + s["ms"] / 1000.0 for s in samples)
    span = last - first
    return len(done) / span if span > 0 else None


def ratio(ours: Number, stock: Number) -> Number:
    """ours / stock, or None when either is missing or stock is zero."""
    if ours is None or stock is None:
        return None
    if isinstance(ours, float) and math.isnan(ours) or isinstance(stock, float) and math.isnan(stock):
        return None
    if stock == 0:
        return None
    return ours / stock


def window_bounds(center: int, count: int, width: int = 10) -> Tuple[int, int]:
    """1-based inclusive bounds of `width` turns around `center`, kept within 1..count.

    Turn 10 of 200 gives 6..15; turn 200 of 200 gives 191..200."""
    if count <= 0:
        return (1, 0)
    width = max(1, min(width, count))
    start = center - width // 2 + 1
    start = max(1, min(start, count - width + 1))
    return (start, start + width - 1)


def window_mean(turn_ms: Mapping[int, float], center: int, count: int, width: int = 10) -> Number:
    """Mean latency of the turns in the window around `center` (turn numbers are 1-based)."""
    low, high = window_bounds(center, count, width)
    return mean(turn_ms[t] for t in range(low, high + 1) if t in turn_ms)


def get_path(data: Mapping[str, Any], dotted: str) -> Any:
    """data["a"]["b"] for "a.b"; None when any part is missing."""
    value: Any = data
    for part in dotted.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


# Targets on the 2-core machine. (name, key, comparison, threshold, where the key is read)
# where: "ours" reads ours, "ratio" reads ours/stock.
TARGETS: List[Tuple[str, str, str, float, str]] = [
    ("1 conversation p50 <= 50 ms", "single.p50_ms", "<=", 50.0, "ours"),
    ("1 conversation p95 <= 100 ms", "single.p95_ms", "<=", 100.0, "ours"),
    ("20 concurrent throughput >= 3x stock", "concurrent.throughput", ">=", 3.0, "ratio"),
    ("20 concurrent p95 <= 300 ms", "concurrent.p95_ms", "<=", 300.0, "ours"),
    ("start-up <= 20 s", "startup_s", "<=", 20.0, "ours"),
    ("training from scratch <= 3 min", "train_s", "<=", 180.0, "ours"),
    ("Rasa server peak memory <= 1.2 GB", "rasa_peak_rss_mb", "<=", 1200.0, "ours"),
    ("action server peak memory <= 1.2 GB", "actions_peak_rss_mb", "<=", 1200.0, "ours"),
    ("turn-200 cost <= 1.5x turn-10", "long.growth", "<=", 1.5, "ours"),
    ("flood: p95 of the others <= 300 ms", "flood.others_p95_ms", "<=", 300.0, "ours"),
]


def check(value: Number, comparison: str, threshold: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "N/A"
    if comparison == "<=":
        return "PASS" if value <= threshold else "FAIL"
    if comparison == ">=":
        return "PASS" if value >= threshold else "FAIL"
    raise ValueError(f"unknown comparison {comparison!r}")


def evaluate_targets(ours: Mapping[str, Any], stock: Optional[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    rows = []
    for name, key, comparison, threshold, where in TARGETS:
        value = get_path(ours, key)
        if where == "ratio":
            value = ratio(value, get_path(stock or {}, key))
        rows.append(
            {
                "target": name,
                "key": key,
                "where": where,
                "value": value,
                "comparison": comparison,
                "threshold": threshold,
                "verdict": check(value, comparison, threshold),
            }
        )
    return rows


def fmt(value: Any, digits: int = 1) -> str:
    """A number for a table or the BENCH line: fixed decimals, "na" when missing."""
    if value is None or isinstance(value, bool):
        return "na"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return "na"
        return f"{value:.{digits}f}"
    return str(value)


def bench_line(ours: Mapping[str, Any], stock: Optional[Mapping[str, Any]]) -> str:
    """The one line `make bench` ends with (figures are ours; throughput_ratio is ours/stock)."""
    fields = [
        ("p50_ms", fmt(get_path(ours, "single.p50_ms"))),
        ("p95_ms", fmt(get_path(ours, "single.p95_ms"))),
        ("p95_ms_20", fmt(get_path(ours, "concurrent.p95_ms"))),
        ("throughput_20", fmt(get_path(ours, "concurrent.throughput"))),
        (
            "throughput_ratio",
            fmt(ratio(get_path(ours, "concurrent.throughput"), get_path(stock or {}, "concurrent.throughput")), 2),
        ),
        ("startup_s", fmt(get_path(ours, "startup_s"))),
        ("train_s", fmt(get_path(ours, "train_s"))),
        ("rss_mb", fmt(get_path(ours, "rasa_peak_rss_mb"), 0)),
    ]
    return "BENCH " + " ".join(f"{key}={value}" for key, value in fields)


def digits_for(unit: str) -> int:
    return 2 if unit in ("x",) else 1


def table_rows(ours: Mapping[str, Any], stock: Optional[Mapping[str, Any]]) -> List[List[str]]:
    rows = []
    for key, label, unit in TABLE_ROWS:
        mine = get_path(ours, key)
        theirs = get_path(stock or {}, key)
        rows.append(
            [label, unit, fmt(mine, digits_for(unit)), fmt(theirs, digits_for(unit)), fmt(ratio(mine, theirs), 2)]
        )
    return rows


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def render_markdown(result: Mapping[str, Any]) -> str:
    """results/bench.md: conditions, the comparison table, the targets."""
    ours = result.get("servers", {}).get("ours", {})
    stock = result.get("servers", {}).get("stock")
    out = ["# Benchmark: ours vs Rasa's stock configuration", ""]
    conditions = result.get("conditions", {})
    if conditions:
        out.append("Conditions: " + "; ".join(f"{k}: {v}" for k, v in conditions.items()))
        out.append("")
    out.append(markdown_table(["measure", "unit", "ours", "stock", "ours/stock"], table_rows(ours, stock)))
    out += ["", "## Targets (2 cores; reported, not asserted)", ""]
    target_rows = [
        [t["target"], fmt(t["value"], 2 if t["where"] == "ratio" or t["key"] == "long.growth" else 1), t["verdict"]]
        for t in result.get("targets", [])
    ]
    out.append(markdown_table(["target", "ours", "verdict"], target_rows))
    notes = result.get("notes") or []
    if notes:
        out += ["", "## Notes", ""] + [f"- {note}" for note in notes]
    out += ["", "```", result.get("bench_line", bench_line(ours, stock)), "```", ""]
    return "\n".join(out)


def render_text(result: Mapping[str, Any]) -> str:
    """The same table for the terminal (fixed-width columns)."""
    ours = result.get("servers", {}).get("ours", {})
    stock = result.get("servers", {}).get("stock")
    header = ["measure", "unit", "ours", "stock", "ours/stock"]
    rows = table_rows(ours, stock)
    targets = [
        [
            t["target"],
            "",
            fmt(t["value"], 2 if t["where"] == "ratio" or t["key"] == "long.growth" else 1),
            t["verdict"],
            "",
        ]
        for t in result.get("targets", [])
    ]
    widths = [max(len(str(r[i])) for r in [header] + rows + targets) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        return "  ".join(
            str(cell).ljust(widths[i]) if i == 0 else str(cell).rjust(widths[i]) for i, cell in enumerate(row)
        ).rstrip()

    text = [line(header), line(["-" * w for w in widths])] + [line(r) for r in rows]
    text += ["", "targets:"] + [line(r) for r in targets]
    return "\n".join(text)


def phase_summary(
    phase: str,
    samples: Sequence[Mapping[str, Any]],
    cpu: Optional[Mapping[str, Number]] = None,
    long_turns: Optional[int] = None,
) -> Dict[str, Any]:
    """The figures of one load phase from its raw samples.

    samples: {"role": "conv"|"flood", "turn": n, "ms": latency, "ok": bool, "start": s}.
    cpu: CPU seconds used by each server process during the phase ({"rasa": s, "actions": s})."""
    ok = [s for s in samples if s.get("ok")]
    errors = [s for s in samples if not s.get("ok")]
    degraded = [s for s in ok if s.get("degraded")]
    summary: Dict[str, Any] = {"turns": len(samples), "errors": len(errors), "degraded": len(degraded)}
    if degraded:
        summary["first_degraded_turn"] = min(int(s.get("turn") or 0) for s in degraded)
    if errors:
        summary["error_examples"] = sorted({str(s.get("error")) for s in errors})[:3]
    if phase == "flood":
        others = [s["ms"] for s in ok if s.get("role") != "flood"]
        flood = [s for s in samples if s.get("role") == "flood"]
        flood_ok = [s["ms"] for s in flood if s.get("ok")]
        summary.update({f"others_{k}": v for k, v in summarize(others).items()})
        summary.update({f"flood_{k}": v for k, v in summarize(flood_ok).items()})
        summary["flood_messages"] = len(flood)
        summary["flood_errors"] = sum(1 for s in flood if not s.get("ok"))
        summary["flood_degraded"] = sum(1 for s in flood if s.get("ok") and s.get("degraded"))
        summary["others_degraded"] = sum(1 for s in ok if s.get("role") != "flood" and s.get("degraded"))
        summary["flood_s"] = (
            max(s["start"] + s["ms"] / 1000.0 for s in flood) - min(s["start"] for s in flood) if flood else None
        )
        return summary
    summary.update(summarize([s["ms"] for s in ok]))
    summary["throughput"] = throughput(samples)
    if cpu:
        for process, seconds in cpu.items():
            summary[f"{process}_cpu_ms_per_turn"] = (
                seconds * 1000.0 / len(samples) if seconds is not None and samples else None
            )
    if phase == "long":
        count = long_turns or max((int(s.get("turn") or 0) for s in samples), default=0)
        turn_ms = {int(s["turn"]): s["ms"] for s in ok if s.get("turn")}
        summary["long_turns"] = count
        summary["turn10_window"] = list(window_bounds(10, count))
        summary["turn200_window"] = list(window_bounds(count, count))
        summary["turn10_ms"] = window_mean(turn_ms, 10, count)
        summary["turn200_ms"] = window_mean(turn_ms, count, count)
        summary["growth"] = ratio(summary["turn200_ms"], summary["turn10_ms"])
    return summary
