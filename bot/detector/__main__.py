"""`python -m bot.detector train` (writes bot/detector/model.json) and
`python -m bot.detector measure FILE.tsv ...` (what the detector adds to the engine).

measure reads labelled lines (LABEL<TAB>message[<TAB>concept]) and prints, for each
threshold, how many emergencies the engine missed that the detector catches, and how
many lines below urgent it would wrongly flag, with its speed per message.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Tuple

from bot.detector import CORPUS_PATH, MODEL_PATH, Detector, read_corpus, train

# Chosen on the practice split (docs/detector.md): 0.8 keeps the extra 999 lines for
# messages below urgent to about 2% while catching what the engine misses most surely.
DEFAULT_THRESHOLD = 0.8


def read_labelled(paths: List[str]) -> List[Tuple[str, str]]:
    rows = []
    for path in paths:
        for line in Path(path).read_text(encoding="utf8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 2 and parts[0].strip():
                rows.append((parts[0].strip().upper(), parts[1]))
    return rows


def measure(detector: Detector, rows: List[Tuple[str, str]], thresholds: List[float]) -> None:
    """The detector alone, and the engine with the detector as the bot runs them
    (bot.nlu.red_flags.assess_message: a suspicion only where the engine did not read
    that sign), at each threshold."""
    from bot.nlu import red_flags
    from bot.safety import Level

    started = time.perf_counter()
    probs = [detector.probabilities(text) for _, text in rows]
    per_message_ms = (time.perf_counter() - started) * 1000 / max(1, len(rows))
    emergencies = [i for i, (label, _) in enumerate(rows) if label == "EMERGENCY"]
    lesser = [i for i, (label, _) in enumerate(rows) if label in ("ADVICE", "INFO", "OTHER")]
    print(f"{len(rows)} lines, {len(emergencies)} emergencies, {len(lesser)} advice/info/other; "
          f"{per_message_ms:.2f} ms a message")  # fmt: skip
    for threshold in thresholds:
        detector.threshold = threshold
        red_flags.load_detector = lambda: detector  # type: ignore[attr-defined]
        results = [red_flags.assess_message(text) for _, text in rows]

        def fires(i: int, threshold: float = threshold) -> bool:
            return max(p for c, p in probs[i].items() if c != "none") >= threshold

        def leads_999(i: int, results: List[Dict[str, Any]] = results) -> bool:
            return Level.parse(results[i]["level"]) == Level.EMERGENCY or "suspected" in results[i]

        print(
            f"threshold {threshold:.2f}: detector alone {sum(map(fires, emergencies))}/{len(emergencies)} "
            f"emergencies, {sum(map(fires, lesser))} lesser flagged; engine + detector: 999 first for "
            f"{sum(map(leads_999, emergencies))}/{len(emergencies)}, lesser led by a 999 line "
            f"{sum(map(leads_999, lesser))}/{len(lesser)}"
        )


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.detector")
    sub = parser.add_subparsers(dest="command", required=True)
    train_cmd = sub.add_parser("train", help="train on the corpus and write model.json")
    train_cmd.add_argument("--corpus", default=str(CORPUS_PATH))
    train_cmd.add_argument("--out", default=str(MODEL_PATH))
    train_cmd.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    measure_cmd = sub.add_parser("measure", help="what the detector adds to the engine on labelled lines")
    measure_cmd.add_argument("data", nargs="+")
    measure_cmd.add_argument("--model", default=str(MODEL_PATH))
    args = parser.parse_args(argv)
    if args.command == "train":
        started = time.monotonic()
        texts, _ = read_corpus(Path(args.corpus))
        model = train(Path(args.corpus), args.threshold)
        Path(args.out).write_text(json.dumps(model, separators=(",", ":")), encoding="utf8")
        size = Path(args.out).stat().st_size / 1e6
        print(f"trained on {len(texts)} lines in {time.monotonic() - started:.1f} s; {args.out} ({size:.1f} MB)")
        return 0
    detector = Detector(json.loads(Path(args.model).read_text(encoding="utf8")))
    measure(detector, read_labelled(args.data), [0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
    return 0


if __name__ == "__main__":
    sys.exit(main())
