"""The benchmark's statistics and report (bench/stats.py): no servers, no timing assertions."""

from __future__ import annotations

import re

import pytest

from bench import stats

BENCH_LINE = re.compile(
    r"^BENCH p50_ms=(\S+) p95_ms=(\S+) p95_ms_20=(\S+) throughput_20=(\S+) throughput_ratio=(\S+) "
    r"startup_s=(\S+) train_s=(\S+) rss_mb=(\S+)$"
)


def test_percentile_interpolates_like_numpy_default():
    values = [15, 20, 35, 40, 50]
    assert stats.percentile(values, 0) == 15
    assert stats.percentile(values, 100) == 50
    assert stats.percentile(values, 50) == 35
    assert stats.percentile(values, 40) == pytest.approx(29.0)  # numpy.percentile(values, 40)
    assert stats.percentile(values, 95) == pytest.approx(48.0)
    assert stats.percentile(list(range(1, 101)), 99) == pytest.approx(99.01)


def test_percentile_order_and_edges():
    assert stats.percentile([3, 1, 2], 50) == 2
    assert stats.percentile([7.5], 95) == 7.5
    assert stats.percentile([], 50) is None
    with pytest.raises(ValueError):
        stats.percentile([1, 2], 101)


def test_summarize():
    summary = stats.summarize([10.0, 20.0, 30.0, 40.0])
    assert summary["n"] == 4
    assert summary["mean_ms"] == 25.0
    assert summary["p50_ms"] == 25.0
    assert summary["max_ms"] == 40.0
    assert stats.summarize([])["p95_ms"] is None


def test_throughput_counts_successful_turns_over_the_span():
    samples = [
        {"start": 100.0, "ms": 500.0, "ok": True},
        {"start": 100.5, "ms": 500.0, "ok": True},
        {"start": 101.0, "ms": 1000.0, "ok": False},  # counts in the span, not in the turns
    ]
    assert stats.throughput(samples) == pytest.approx(2 / 2.0)
    assert stats.throughput([]) is None


def test_ratio():
    assert stats.ratio(30.0, 10.0) == 3.0
    assert stats.ratio(None, 10.0) is None
    assert stats.ratio(1.0, None) is None
    assert stats.ratio(1.0, 0.0) is None
    assert stats.ratio(float("nan"), 1.0) is None


def test_windows_around_turn_10_and_turn_200():
    assert stats.window_bounds(10, 200) == (6, 15)
    assert stats.window_bounds(200, 200) == (191, 200)
    assert stats.window_bounds(1, 200) == (1, 10)
    assert stats.window_bounds(10, 5) == (1, 5)
    turn_ms = {turn: float(turn) for turn in range(1, 201)}
    assert stats.window_mean(turn_ms, 10, 200) == pytest.approx(10.5)
    assert stats.window_mean(turn_ms, 200, 200) == pytest.approx(195.5)
    assert stats.window_mean({}, 10, 200) is None


def long_samples(cost):
    return [{"role": "conv", "turn": t, "ms": cost(t), "ok": True, "start": t * 1.0} for t in range(1, 201)]


def test_phase_summary_long_conversation_growth():
    summary = stats.phase_summary("long", long_samples(lambda t: 20.0 + t / 10.0), long_turns=200)
    assert summary["turn10_window"] == [6, 15]
    assert summary["turn200_window"] == [191, 200]
    assert summary["turn10_ms"] == pytest.approx(21.05)
    assert summary["turn200_ms"] == pytest.approx(39.55)
    assert summary["growth"] == pytest.approx(39.55 / 21.05)


def test_phase_summary_flood_separates_the_flooder_from_the_others():
    samples = [{"role": "flood", "turn": i, "ms": 1000.0, "ok": True, "start": float(i)} for i in range(1, 501)]
    samples += [{"role": "conv", "turn": i, "ms": float(i), "ok": True, "start": float(i)} for i in range(1, 101)]
    samples.append({"role": "conv", "turn": 1, "ms": 5.0, "ok": False, "start": 1.0, "error": "HTTP 500"})
    summary = stats.phase_summary("flood", samples)
    assert summary["flood_messages"] == 500
    assert summary["flood_p95_ms"] == 1000.0
    assert summary["others_n"] == 100
    assert summary["others_p95_ms"] == pytest.approx(95.05)
    assert summary["errors"] == 1
    assert summary["error_examples"] == ["HTTP 500"]


def test_phase_summary_cpu_per_turn():
    samples = [{"role": "conv", "turn": 1, "ms": 10.0, "ok": True, "start": float(i)} for i in range(100)]
    summary = stats.phase_summary("concurrent", samples, {"rasa": 2.0, "actions": None})
    assert summary["rasa_cpu_ms_per_turn"] == pytest.approx(20.0)
    assert summary["actions_cpu_ms_per_turn"] is None


OURS = {
    "single": {"p50_ms": 21.04, "p95_ms": 48.96, "p99_ms": 60.0},
    "concurrent": {"p95_ms": 250.0, "throughput": 90.0},
    "long": {"growth": 1.2},
    "flood": {"others_p95_ms": 120.0},
    "startup_s": 12.34,
    "train_s": 41.0,
    "rasa_peak_rss_mb": 812.6,
    "actions_peak_rss_mb": 400.0,
}
STOCK = {"single": {"p50_ms": 30.0}, "concurrent": {"p95_ms": 900.0, "throughput": 30.0}, "train_s": 300.0}


def test_bench_line_format():
    line = stats.bench_line(OURS, STOCK)
    assert BENCH_LINE.match(line), line
    assert line == (
        "BENCH p50_ms=21.0 p95_ms=49.0 p95_ms_20=250.0 throughput_20=90.0 throughput_ratio=3.00 "
        "startup_s=12.3 train_s=41.0 rss_mb=813"
    )


def test_bench_line_with_missing_figures_says_na():
    line = stats.bench_line({}, None)
    assert BENCH_LINE.match(line), line
    assert line.count("=na") == 8


def test_targets():
    verdicts = {row["target"]: row["verdict"] for row in stats.evaluate_targets(OURS, STOCK)}
    assert verdicts["1 conversation p50 <= 50 ms"] == "PASS"
    assert verdicts["20 concurrent throughput >= 3x stock"] == "PASS"  # 90 / 30 = 3.0
    assert verdicts["turn-200 cost <= 1.5x turn-10"] == "PASS"
    slow = {**OURS, "single": {"p50_ms": 51.0, "p95_ms": 120.0}, "startup_s": 44.0}
    verdicts = {row["target"]: row["verdict"] for row in stats.evaluate_targets(slow, None)}
    assert verdicts["1 conversation p50 <= 50 ms"] == "FAIL"
    assert verdicts["start-up <= 20 s"] == "FAIL"
    assert verdicts["20 concurrent throughput >= 3x stock"] == "N/A"


def test_fmt():
    assert stats.fmt(None) == "na"
    assert stats.fmt(float("nan")) == "na"
    assert stats.fmt(3) == "3"
    assert stats.fmt(2.345, 2) == "2.35"
    assert stats.fmt(True) == "na"


def test_reports_hold_the_table_targets_and_bench_line():
    result = {
        "servers": {"ours": OURS, "stock": STOCK},
        "targets": stats.evaluate_targets(OURS, STOCK),
        "conditions": {"cores": 2},
        "notes": ["a note"],
        "bench_line": stats.bench_line(OURS, STOCK),
    }
    markdown = stats.render_markdown(result)
    assert "| 1 conversation: latency p50 | ms | 21.0 | 30.0 | 0.70 |" in markdown
    assert "| 20 concurrent throughput >= 3x stock | 3.00 | PASS |" in markdown
    assert "- a note" in markdown
    assert result["bench_line"] in markdown
    text = stats.render_text(result)
    assert "throughput" in text and "PASS" in text


def test_phase_summary_counts_degraded_turns_apart_from_errors():
    samples = long_samples(lambda t: 30.0)
    for sample in samples[150:]:
        sample["degraded"] = True
    summary = stats.phase_summary("long", samples, long_turns=200)
    assert summary["errors"] == 0
    assert summary["degraded"] == 50
    assert summary["first_degraded_turn"] == 151
    assert summary["n"] == 200  # still answered: they count in the latencies
