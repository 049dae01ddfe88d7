"""Developer aid: run assess() directly over .tsv files or YAML phrasing cases and list the misses.

PYTHONPATH=. .venv/bin/python scripts/engine_check.py ../shared/eval/devset.tsv 'tests/safety/cases/*.yml'
"""

from __future__ import annotations

import glob
import sys
import time
from typing import Dict, Iterator, Tuple

import yaml

from bot.safety import Level, assess


def rows(args: list[str]) -> Iterator[Tuple[str, str, Dict]]:
    for arg in args:
        if arg.endswith(".tsv"):
            for line in open(arg, encoding="utf8"):
                if "\t" in line:
                    label, text = line.rstrip("\n").split("\t", 1)
                    yield label, text, {}
            continue
        for path in sorted(glob.glob(arg)):
            for case in yaml.safe_load(open(path, encoding="utf8")):
                yield case["level"].upper(), case["text"], case.get("context") or {}


def main(args: list[str]) -> int:
    misses = under = total = 0
    started = time.time()
    for label, text, context in rows(args):
        total += 1
        result = assess(text, context)
        expected = Level.parse(label)
        if result.level == expected:
            continue
        misses += 1
        under += result.level < expected and expected >= Level.URGENT
        print(f"{label:9} got {result.level.name:9} {text[:110]!r} signs={result.signs} negated={result.negated}")
    print(f"n={total} miss={misses} under={under} {1000 * (time.time() - started) / max(total, 1):.1f} ms/msg")
    return 1 if under else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
