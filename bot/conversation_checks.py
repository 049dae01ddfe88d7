"""Scripted conversations checked turn by turn, as a parent reads the replies.

The scenario files (tests/conversations/*.yml, written by helper sessions that never saw
the composer; format in tests/conversations/FORMAT.md) say, per turn, what the first
sentence must be (emergency / urgent / calm / not_emergency), which question must be
answered (a topic of the answers catalogue) and where reassurance may appear. Every
conversation is also checked for long repeats (a message over 120 characters sent twice)
and for the person (an adult is never told about "your child"; a child of 5 or over is
not told how 111 works for under 5s, and the reverse).

    .venv/bin/python -m bot.conversation_checks tests/conversations/*.yml --out results
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import yaml

from bot import replies
from bot.composer import LEVEL_FIELD, LONG_MESSAGE, TOPIC_KEYS

FIRST_VALUES = ("emergency", "urgent", "calm", "not_emergency")
# What else counts as answering a topic (the catalogue answers some by the conversation's level).
TOPIC_ALSO = {
    "while_waiting": ("answer.who_to_call", "answer.home_care", "handover.card", "handover.see_above"),
    "sent_home_worse": ("info.sent_home_from_ae",),
    "signs": ("info.when_to_get_help",),
    "who_to_call": ("info.when_to_get_help", "answer.dont_delay", "answer.cannot_reach", "answer.sent_home_worse"),
    "what_is_sepsis": ("answer.meningitis",),  # "the difference between meningitis and sepsis"
    "dont_delay": ("answer.who_to_call",),
}
CHILD_WORDING = re.compile(r"\byour (?:child|baby)\b", re.I)
ADULT = ("adult",)


@dataclass
class Check:
    scenario: str
    turn: int
    kind: str
    ok: bool
    detail: str = ""


@dataclass
class Result:
    checks: List[Check] = field(default_factory=list)
    transcripts: Dict[str, List[Dict[str, Any]]] = field(default_factory=dict)

    def figures(self) -> Dict[str, Any]:
        by_kind: Dict[str, List[int]] = {}
        for check in self.checks:
            by_kind.setdefault(check.kind, [0, 0])
            by_kind[check.kind][0] += int(check.ok)
            by_kind[check.kind][1] += 1
        passed = sum(c.ok for c in self.checks)
        return {
            "conversations": len(self.transcripts),
            "checks": len(self.checks),
            "passed": passed,
            "by_kind": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_kind.items())},
        }


def read_scenarios(path: Path) -> List[Dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf8")) or []
    for scenario in data:
        for turn in scenario["turns"]:
            if turn.get("first") not in FIRST_VALUES:
                raise ValueError(f"{path}: {scenario['name']}: first must be one of {FIRST_VALUES}")
            if turn.get("answers") and turn["answers"] not in TOPIC_KEYS:
                raise ValueError(f"{path}: {scenario['name']}: unknown topic {turn['answers']}")
    return data


def message_level(message: Dict[str, Any]) -> str:
    level = message.get(LEVEL_FIELD)
    custom = message.get("custom")
    if not level and isinstance(custom, dict):
        level = custom.get(LEVEL_FIELD)
    return str(level or "none")


def first_sentence(messages: Sequence[Dict[str, Any]]) -> str:
    text = replies.message_text(messages[0]) if messages else ""
    return re.split(r"(?<=[.!?:])\s", text.strip(), maxsplit=1)[0]


def check_first(expected: str, messages: Sequence[Dict[str, Any]]) -> tuple:
    level = message_level(messages[0]) if messages else "none"
    sentence = first_sentence(messages).lower()
    says_999 = "999" in sentence or "a&e" in sentence
    says_111 = "111" in sentence or " gp" in f" {sentence}"
    if expected == "emergency":
        ok = level == "emergency" and says_999
    elif expected == "urgent":
        ok = level == "urgent" and says_111
    elif expected == "calm":
        ok = level not in ("emergency", "urgent")
    else:
        ok = level != "emergency"
    return ok, f"first level {level}: {first_sentence(messages)[:90]!r}"


def answered(topic: str, keys: Sequence[str]) -> bool:
    wanted = (TOPIC_KEYS[topic],) + TOPIC_ALSO.get(topic, ())
    return any(k == w or k.startswith(w + ".") for k in keys for w in wanted)


def check_scenario(scenario: Dict[str, Any], replies_by_turn: List[List[Dict[str, Any]]]) -> List[Check]:
    name = scenario["name"]
    about = str(scenario.get("about") or "")
    checks: List[Check] = []
    seen: Counter = Counter()
    reassurance_allowed = False
    for index, (turn, messages) in enumerate(zip(scenario["turns"], replies_by_turn, strict=True), 1):
        keys = [k for m in messages for k in replies.message_keys(m)]
        texts = [replies.message_text(m) for m in messages]
        ok, detail = check_first(turn["first"], messages)
        checks.append(Check(name, index, f"first:{turn['first']}", ok, detail))
        if turn.get("answers"):
            topic = turn["answers"]
            checks.append(Check(name, index, "answered", answered(topic, keys), f"{topic}: keys {keys}"))
        reassurance_allowed = reassurance_allowed or bool(turn.get("may_reassure"))
        reassures = bool(set(keys) & replies.REASSURANCE_KEYS)
        if reassures or turn.get("may_reassure"):
            checks.append(
                Check(
                    name,
                    index,
                    "no_early_reassurance",
                    not reassures or reassurance_allowed,
                    "reassured before the facts" if reassures and not reassurance_allowed else "",
                )
            )
        repeated = [t[:60] for t in texts if len(t) > LONG_MESSAGE and seen[t]]
        for text in texts:
            seen[text] += 1
        checks.append(Check(name, index, "no_long_repeat", not repeated, "; ".join(repeated)))
        joined = " ".join(texts)
        if about in ADULT:
            checks.append(
                Check(name, index, "person", not CHILD_WORDING.search(joined), "adult told about 'your child'")
            )
        elif about == "child_5_plus":
            checks.append(
                Check(name, index, "person", "urgent.how_111.under_5" not in keys, "5+ told the under-5 111 rule")
            )
        elif about == "child_under_5":
            checks.append(
                Check(name, index, "person", "urgent.how_111.five_plus" not in keys, "under 5 told 111 online")
            )
    return checks


async def run_scenarios(bot: Any, scenarios: List[Dict[str, Any]], result: Result, source: str) -> None:
    for scenario in scenarios:
        sender = f"conv-{uuid.uuid4().hex}"
        by_turn = []
        transcript = []
        for turn in scenario["turns"]:
            messages, _slots = await bot.send(sender, str(turn["user"]))
            by_turn.append(messages)
            transcript.append(
                {
                    "user": turn["user"],
                    "expect": {k: v for k, v in turn.items() if k != "user"},
                    "bot": [
                        {"text": replies.message_text(m), "keys": replies.message_keys(m), "level": message_level(m)}
                        for m in messages
                    ],
                }
            )
        result.transcripts[f"{source}:{scenario['name']}"] = transcript
        result.checks += check_scenario(scenario, by_turn)


def run(paths: Sequence[Path], out: Path, model: Optional[Path] = None) -> Result:
    from bot import evaluation
    from bot.cli import MODEL_PATH, action_server_command, action_token, child_env, wait_for

    out.mkdir(parents=True, exist_ok=True)
    port = evaluation.free_port()
    token = action_token()
    import subprocess

    log = open(out / "conversation-actions.log", "ab")
    server = subprocess.Popen(action_server_command(port), cwd=Path(__file__).resolve().parent.parent,
                              env=child_env(ACTION_SERVER_TOKEN=token), stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    result = Result()
    try:
        if not wait_for(f"http://127.0.0.1:{port}/health", 60, server):
            raise RuntimeError("the action server did not start")
        bot = evaluation.Bot(model or MODEL_PATH, port, token)
        for path in paths:
            asyncio.run(run_scenarios(bot, read_scenarios(path), result, path.stem))
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()
    failures = [c.__dict__ for c in result.checks if not c.ok]
    (out / "conversation-checks.json").write_text(
        json.dumps({"figures": result.figures(), "failures": failures, "transcripts": result.transcripts}, indent=1)
    )
    return result


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("results"))
    args = parser.parse_args(argv)
    result = run(args.files, args.out)
    figures = result.figures()
    print(
        f"CONVERSATIONS n={figures['conversations']} checks={figures['checks']} passed={figures['passed']} "
        + " ".join(f"{k}={v}" for k, v in figures["by_kind"].items())
    )
    print(f"failures and transcripts: {args.out / 'conversation-checks.json'}")
    return 0 if figures["passed"] == figures["checks"] else 1


if __name__ == "__main__":
    sys.exit(main())
