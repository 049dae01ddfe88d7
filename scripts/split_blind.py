"""Split the blind practice sets written by helper sessions into practice (70%) and held-out (30%).

The split is by a hash of the text, so it is stable when files grow. Nobody reads the
held-out files while fixing the engine: `make eval` on them prints only the figures.

    python scripts/split_blind.py RAW_DIR OUT_DIR
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import yaml

HOLDOUT_SHARE = 30


def held_out(text: str) -> bool:
    digest = hashlib.sha256(text.strip().lower().encode("utf8")).digest()
    return digest[0] * 100 // 256 < HOLDOUT_SHARE


def split_tsv(path: Path, out: Path) -> None:
    practice, holdout = [], []
    for line in path.read_text(encoding="utf8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2 or not parts[1].strip():
            continue
        row = "\t".join(parts[:3])
        (holdout if held_out(parts[1]) else practice).append(row)
    (out / "practice" / path.name).write_text("\n".join(practice) + "\n", encoding="utf8")
    (out / "holdout" / path.name).write_text("\n".join(holdout) + "\n", encoding="utf8")


def split_yml(path: Path, out: Path) -> None:
    scenarios = yaml.safe_load(path.read_text(encoding="utf8")) or []
    practice = [s for s in scenarios if not held_out(s["name"] + s["turns"][0]["user"])]
    holdout = [s for s in scenarios if held_out(s["name"] + s["turns"][0]["user"])]
    for name, part in (("practice", practice), ("holdout", holdout)):
        (out / name / path.name).write_text(yaml.safe_dump(part, sort_keys=False, allow_unicode=True), encoding="utf8")


def main(raw: Path, out: Path) -> None:
    for name in ("practice", "holdout"):
        (out / name).mkdir(parents=True, exist_ok=True)
    for path in sorted(raw.glob("*.tsv")):
        split_tsv(path, out)
    for path in sorted(raw.glob("*.yml")):
        split_yml(path, out)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
