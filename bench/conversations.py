"""Realistic conversations for the load, drawn from the shared evaluation files.

A conversation is about 10 turns: a greeting, a description of the child, short answers
(ages, temperatures, "yes feeding fine"), sometimes a red flag, then thanks. Turns come from
../shared/eval/conversations.yml (multi-turn scenarios: greetings, short answers, closings)
and ../shared/eval/devset.tsv (one-message descriptions labelled by level). The same seed
gives the same conversations, so ours and stock get exactly the same load.
"""

from __future__ import annotations

import csv
import os
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = Path(os.environ.get("BENCH_EVAL_DIR") or ROOT.parent / "shared" / "eval")
CLOSING_WORDS = ("thank", "thanks", "cheers", "bye")
SHORT_WORDS = 6
RED_FLAG_SHARE = 0.25  # share of conversations with an emergency sign somewhere in the middle
EXTRA_GREETINGS = ("hey", "hi there", "good evening")  # the scenarios have only a few greetings


@dataclass
class Pools:
    greetings: List[str] = field(default_factory=list)
    descriptions: List[str] = field(default_factory=list)  # devset, not emergency
    red_flags: List[str] = field(default_factory=list)  # devset, EMERGENCY
    short_answers: List[str] = field(default_factory=list)
    closings: List[str] = field(default_factory=list)

    def check(self) -> None:
        empty = [name for name, pool in vars(self).items() if not pool]
        if empty:
            raise ValueError(f"no turns found for: {', '.join(empty)}")


def is_closing(text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in CLOSING_WORDS) and len(text.split()) <= SHORT_WORDS


def load_pools(eval_dir: Optional[Path] = None) -> Pools:
    eval_dir = Path(eval_dir or EVAL_DIR)
    pools = Pools()
    with open(eval_dir / "devset.tsv", newline="", encoding="utf8") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if len(row) < 2 or not row[1].strip():
                continue
            label, text = row[0].strip().upper(), row[1].strip()
            if label == "EMERGENCY":
                pools.red_flags.append(text)
            elif label in ("URGENT", "ADVICE", "INFO"):
                pools.descriptions.append(text)
    scenarios = yaml.safe_load((eval_dir / "conversations.yml").read_text(encoding="utf8")) or []
    for scenario in scenarios:
        turns = scenario.get("turns") or []
        for index, turn in enumerate(turns):
            text = str(turn.get("user") or "").strip()
            if not text:
                continue
            words = len(text.split())
            if is_closing(text):
                pools.closings.append(text)
            elif index == 0 and str(turn.get("expect", "")).upper() == "OTHER" and words <= SHORT_WORDS:
                pools.greetings.append(text)
            elif index > 0 and words <= SHORT_WORDS and str(turn.get("expect", "")).upper() != "EMERGENCY":
                pools.short_answers.append(text)
    pools.greetings.extend(EXTRA_GREETINGS)
    for pool in vars(pools).values():
        pool[:] = list(dict.fromkeys(pool))  # unique, keep order
    pools.check()
    return pools


def build_conversation(rng: random.Random, pools: Pools, turns: int = 10) -> List[str]:
    """greeting, description, short answers (one replaced by a red flag sometimes), closing."""
    turns = max(3, turns)
    middle = [rng.choice(pools.short_answers) for _ in range(turns - 3)]
    if middle and rng.random() < RED_FLAG_SHARE:
        middle[rng.randrange(len(middle))] = rng.choice(pools.red_flags)
    return [rng.choice(pools.greetings), rng.choice(pools.descriptions), *middle, rng.choice(pools.closings)]


def build_conversations(
    count: int, seed: int = 7, pools: Optional[Pools] = None, eval_dir: Optional[Path] = None
) -> List[List[str]]:
    """`count` conversations of 9 to 11 turns (10 on average)."""
    pools = pools or load_pools(eval_dir)
    rng = random.Random(seed)
    return [build_conversation(rng, pools, turns=rng.choice((9, 10, 11))) for _ in range(count)]


def build_long(turns: int, seed: int = 11, pools: Optional[Pools] = None, eval_dir: Optional[Path] = None) -> List[str]:
    """One conversation of exactly `turns` turns: realistic conversations one after another."""
    pools = pools or load_pools(eval_dir)
    rng = random.Random(seed)
    out: List[str] = []
    while len(out) < turns:
        out.extend(build_conversation(rng, pools, turns=10))
    return out[:turns]
