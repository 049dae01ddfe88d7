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
from typing import List, Tuple

from bot.detector import CORPUS_PATH, MODEL_PATH, Detector, read_corpus, train

DEFAULT_THRESHOLD = 0.6


def read_labelled(paths: List[str]) -> List[Tuple[str, str]]:
    rows = []
    for path in paths:
        for line in Path(path).read_text(encoding="utf8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 2 and parts[0].strip():
                rows.append((parts[0].strip().upper(), parts[1]))
    return rows


def measure(detector: Detector, rows: List[Tuple[str, str]], thresholds: List[float]) -> None:
    from bot.safety import Level, assess

    engine = [(label, text, assess(text).level) for label, text in rows]
    started = time.perf_counter()
    probs = [detector.probabilities(text) for _, text, _ in engine]
    per_message_ms = (time.perf_counter() - started) * 1000 / max(1, len(engine))
    missed = [i for i, (label, _, level) in enumerate(engine) if label == "EMERGENCY" and level < Level.EMERGENCY]
    lesser = [
        i for i, (label, _, level) in enumerate(engine) if label in ("ADVICE", "INFO", "OTHER") and level < Level.URGENT
    ]
    emergencies = sum(1 for label, _, _ in engine if label == "EMERGENCY")
    print(
        f"{len(rows)} lines, {emergencies} emergencies, engine misses {len(missed)}; {per_message_ms:.2f} ms a message"
    )
    for threshold in thresholds:

        def fires(i: int, threshold: float = threshold) -> bool:
            return max(p for c, p in probs[i].items() if c != "none") >= threshold

        alone = sum(fires(i) for i, (label, _, _) in enumerate(engine) if label == "EMERGENCY")
        alone_false = sum(fires(i) for i, (label, _, _) in enumerate(engine) if label in ("ADVICE", "INFO", "OTHER"))
        print(f"  detector alone: {alone}/{emergencies} emergencies, {alone_false} advice/info/other lines flagged")
        caught = sum(fires(i) for i in missed)
        false = sum(fires(i) for i in lesser)
        print(
            f"threshold {threshold:.2f}: catches {caught}/{len(missed)} engine misses; "
            f"flags {false}/{len(lesser)} advice/info/other lines the engine kept below urgent"
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
        texts, labels = read_corpus(Path(args.corpus))
        model = train(texts, labels, args.threshold)
        Path(args.out).write_text(json.dumps(model, separators=(",", ":")), encoding="utf8")
        size = Path(args.out).stat().st_size / 1e6
        print(f"trained on {len(texts)} lines in {time.monotonic() - started:.1f} s; {args.out} ({size:.1f} MB)")
        return 0
    detector = Detector(json.loads(Path(args.model).read_text(encoding="utf8")))
    measure(detector, read_labelled(args.data), [0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
    return 0


if __name__ == "__main__":
    sys.exit(main())
