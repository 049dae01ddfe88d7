"""Engine-only figures for labelled message files (no Rasa): quick checks while fixing.

    .venv/bin/python scripts/engine_score.py FILE.tsv [...] [--show]

Prints emergency recall, urgent recall (urgent or higher) and the alarm rate (ADVICE,
INFO and OTHER items read as an emergency). --show lists the misses: never use it on a
held-out split.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.safety import Level, safe_assess  # noqa: E402

LOW = {"ADVICE", "INFO", "OTHER", "NONE"}


def main(argv: list) -> int:
    show = "--show" in argv
    for name in [a for a in argv if not a.startswith("--")]:
        counts = {"em": [0, 0], "ur": [0, 0], "alarm": [0, 0]}
        misses = []
        for line in Path(name).read_text(encoding="utf8").splitlines():
            parts = line.split("\t")
            if len(parts) < 2 or not parts[1].strip():
                continue
            label, text = parts[0].strip().upper(), parts[1]
            level = safe_assess(text).level
            if label == "EMERGENCY":
                counts["em"][1] += 1
                counts["em"][0] += level == Level.EMERGENCY
                if level != Level.EMERGENCY:
                    misses.append((label, level.label, text))
            elif label == "URGENT":
                counts["ur"][1] += 1
                counts["ur"][0] += level >= Level.URGENT
                if level < Level.URGENT:
                    misses.append((label, level.label, text))
            elif label in LOW:
                counts["alarm"][1] += 1
                counts["alarm"][0] += level == Level.EMERGENCY
                if level == Level.EMERGENCY:
                    misses.append((label, level.label, text))
        figures = " ".join(f"{k}={v[0]}/{v[1]}={v[0] / v[1]:.3f}" if v[1] else f"{k}=0/0" for k, v in counts.items())
        print(f"{name}: {figures}")
        if show:
            for label, level, text in misses:
                print(f"  {label:9} got {level:9} | {text[:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
