"""`make eval DATA=path`: score labelled messages against the real trained bot.

The trained model (NLU pipeline, red-flag override, policies), the real action
server and the same channel guard as `make run` handle every message; the
level is read from the `triage_level` slot after each turn.

.tsv: `LABEL<TAB>message[<TAB>concept]`, one fresh conversation per line.
.yml: scenarios with turns [{user, expect}], one conversation per scenario;
      every turn is an item.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import yaml

LABELS = ["OTHER", "INFO", "ADVICE", "URGENT", "EMERGENCY"]
RANK = {label: index for index, label in enumerate(LABELS)}
LEVEL_TO_LABEL = {"none": "OTHER", "info": "INFO", "advice": "ADVICE", "urgent": "URGENT", "emergency": "EMERGENCY"}
ESCALATION = re.compile(r"999|111")
EMERGENCY_FIRST = re.compile(r"999|A&E", re.IGNORECASE)
# A first sentence that tells the parent to call 999 now (not the "if any sign appears" safety line).
EMERGENCY_NOW = re.compile(r"^(?:call 999|go to a&e)", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass
class Item:
    label: str
    text: str
    conversation: str
    turn: int


@dataclass
class Outcome:
    item: Item
    predicted: str
    replies: List[str]
    signs: List[str] = field(default_factory=list)
    # ERROR records Rasa logged during the turn (an action that failed: 401, 500, timeout).
    action_errors: List[str] = field(default_factory=list)
    keys: List[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """The parent read the failure text, or some part of the turn failed."""
        from bot.replies import failure

        failure_text = failure()["text"]
        return bool(self.action_errors) or any(failure_text in r for r in self.replies)

    @property
    def reassures(self) -> bool:
        """A reply told the parent the child seems well or can be looked after at home."""
        from bot.replies import REASSURANCE_KEYS, reassurance_texts

        if set(self.keys) & REASSURANCE_KEYS:
            return True
        return any(t in r for t in reassurance_texts() for r in self.replies)

    @property
    def first_sentence(self) -> str:
        first = next((r for r in self.replies if r.strip()), "")
        return SENTENCE_END.split(first.strip(), maxsplit=1)[0] if first else ""

    @property
    def escalates(self) -> bool:
        return bool(ESCALATION.search(" ".join(self.replies)))


def read_items(path: Path) -> List[List[Item]]:
    """Conversations, each a list of items (one item per turn)."""
    if path.suffix == ".tsv":
        conversations = []
        for number, line in enumerate(path.read_text(encoding="utf8").splitlines(), 1):
            if not line.strip() or line.startswith("#") or "\t" not in line:
                continue
            # LABEL<TAB>message, with an optional third column (the concept the line tests)
            label, text = line.split("\t")[:2]
            label = label.strip().upper()
            if label not in RANK:
                raise ValueError(f"{path}:{number}: unknown label {label!r}")
            conversations.append([Item(label, text, f"line{number}", 0)])
        return conversations
    scenarios = yaml.safe_load(path.read_text(encoding="utf8")) or []
    conversations = []
    for index, scenario in enumerate(scenarios):
        name = scenario.get("name") or f"scenario{index}"
        turns = [
            Item(str(turn["expect"]).upper(), str(turn["user"]), name, number)
            for number, turn in enumerate(scenario.get("turns", []))
        ]
        conversations.append(turns)
    return conversations


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reply_texts(messages: Sequence[Dict[str, Any]]) -> List[str]:
    from bot.replies import message_text

    return [message_text(m) for m in messages]


def reply_keys(messages: Sequence[Dict[str, Any]]) -> List[str]:
    from bot.replies import message_keys

    return [key for m in messages for key in message_keys(m)]


class TurnErrors(logging.Handler):
    """Collects the ERROR records Rasa and the bot log while one turn is handled."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: List[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{record.name}: {record.getMessage()[:200]}")

    def take(self) -> List[str]:
        taken, self.records = self.records, []
        return taken


class Bot:
    """The trained model and the action server, driven in-process like the REST channel."""

    def __init__(self, model: Path, action_port: int, token: str) -> None:
        import logging

        from rasa.core.agent import Agent
        from rasa.utils.common import configure_logging_and_warnings
        from rasa.utils.log_utils import configure_structlog

        previous = os.environ.get("LOG_LEVEL")
        configure_logging_and_warnings(logging.WARNING)  # it also writes LOG_LEVEL into os.environ
        configure_structlog(logging.WARNING)
        if previous is None:
            os.environ.pop("LOG_LEVEL", None)
        else:
            os.environ["LOG_LEVEL"] = previous
        from rasa.core.utils import read_endpoints_from_path

        from bot.channels.guard import guarded
        from bot.cli import VAR

        endpoints_file = VAR / f"endpoints.eval-{action_port}.yml"
        endpoints_file.parent.mkdir(exist_ok=True)
        endpoints_file.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
            f'  headers:\n    X-Action-Token: "{token}"\n'
            "nlg:\n  type: bot.nlg.GuidanceNaturalLanguageGenerator\n"
        )
        endpoints = read_endpoints_from_path(endpoints_file)
        endpoints_file.unlink()
        self.agent = Agent.load(str(model), generator=endpoints.nlg, action_endpoint=endpoints.action)
        self.handle = guarded(self.agent.handle_message)
        self.errors = TurnErrors()
        logging.getLogger().addHandler(self.errors)

    async def send(self, sender: str, text: str) -> Tuple[List[Dict[str, Any]], Dict[str, Any]]:
        from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

        class KeepingOutputChannel(CollectingOutputChannel):
            """Keeps each message whole (with its guidance keys), as the guard handed it over."""

            async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
                self.messages.append(dict(message))

        collector = KeepingOutputChannel()
        self.errors.take()
        await self.handle(UserMessage(text, collector, sender, input_channel="rest"))
        tracker = await self.agent.tracker_store.retrieve(sender)
        slots = tracker.current_slot_values() if tracker else {}
        return collector.messages, slots


async def run_items(bot: Bot, conversations: List[List[Item]]) -> List[Outcome]:
    outcomes = []
    for turns in conversations:
        sender = f"eval-{uuid.uuid4().hex}"
        for item in turns:
            messages, slots = await bot.send(sender, item.text)
            level = LEVEL_TO_LABEL.get(str(slots.get("triage_level") or "none"), "OTHER")
            outcome = Outcome(item, level, reply_texts(messages), list(slots.get("signs_found") or []))
            outcome.action_errors = bot.errors.take()
            outcome.keys = reply_keys(messages)
            outcomes.append(outcome)
    return outcomes


def ratio(numerator: int, denominator: int) -> float:
    return round(numerator / denominator, 3) if denominator else 1.0


def figures(outcomes: List[Outcome]) -> Dict[str, float]:
    emergencies = [o for o in outcomes if o.item.label == "EMERGENCY"]
    urgents = [o for o in outcomes if o.item.label == "URGENT"]
    serious = emergencies + urgents
    lesser = [o for o in outcomes if RANK[o.item.label] <= RANK["ADVICE"]]
    return {
        "n": len(outcomes),
        "emergency_recall": ratio(sum(o.predicted == "EMERGENCY" for o in emergencies), len(emergencies)),
        "urgent_recall": ratio(sum(RANK[o.predicted] >= RANK["URGENT"] for o in urgents), len(urgents)),
        "undertriage": ratio(sum(RANK[o.predicted] < RANK[o.item.label] for o in serious), len(serious)),
        "overtriage": ratio(sum(RANK[o.predicted] >= RANK["URGENT"] for o in lesser), len(lesser)),
        "escalation_coverage": ratio(sum(o.escalates for o in outcomes), len(outcomes)),
        "emergency_first": ratio(
            sum(bool(EMERGENCY_FIRST.search(o.first_sentence)) for o in emergencies), len(emergencies)
        ),
        "urgent_first": ratio(sum(bool(ESCALATION.search(o.first_sentence)) for o in urgents), len(urgents)),
        "alarm_rate": ratio(sum(bool(EMERGENCY_NOW.search(o.first_sentence)) for o in lesser), len(lesser)),
        "failure_replies": sum(o.failed for o in outcomes),
        "false_reassurance": sum(o.reassures for o in serious),
    }


def confusion(outcomes: List[Outcome]) -> str:
    width = max(len(label) for label in LABELS) + 2
    lines = ["expected \\ got".ljust(width + 4) + "".join(label.rjust(width) for label in LABELS)]
    for expected in LABELS:
        row = [sum(1 for o in outcomes if o.item.label == expected and o.predicted == got) for got in LABELS]
        lines.append(expected.ljust(width + 4) + "".join(str(count).rjust(width) for count in row))
    return "\n".join(lines)


def eval_line(values: Dict[str, float]) -> str:
    keys = ["emergency_recall", "urgent_recall", "undertriage", "overtriage", "escalation_coverage", "emergency_first",
            "urgent_first", "alarm_rate", "failure_replies", "false_reassurance"]  # fmt: skip
    return f"EVAL n={values['n']} " + " ".join(f"{k}={values[k]}" for k in keys)


def write_report(path: Path, data: Path, outcomes: List[Outcome], values: Dict[str, float]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    report = path / f"eval-{data.stem}.md"
    misses = [
        o for o in outcomes
        if o.predicted != o.item.label or not o.escalates
        or (o.item.label == "EMERGENCY" and not EMERGENCY_FIRST.search(o.first_sentence))
    ]  # fmt: skip
    alarming = [o for o in outcomes if o.item.label != "EMERGENCY" and EMERGENCY_NOW.search(o.first_sentence)]
    lines = [f"# Evaluation of {data.name}", "", f"    {eval_line(values)}", "", "```", confusion(outcomes), "```", ""]
    lines.append(f"Replies whose first sentence says call 999 now, for an item below emergency: {len(alarming)}")
    lines += [
        f"- {o.item.conversation}#{o.item.turn} ({o.item.label}): {o.item.text!r} -> {o.first_sentence[:90]!r}"
        for o in alarming
    ]
    lines.append("")
    failed = [o for o in outcomes if o.failed]
    lines.append(f"Turns with a failure reply or an action error: {len(failed)}")
    lines += [f"- {o.item.conversation}#{o.item.turn}: {o.item.text!r}: {o.action_errors[:2]}" for o in failed]
    reassured = [o for o in outcomes if o.reassures and RANK[o.item.label] >= RANK["URGENT"]]
    lines.append(f"Emergency or urgent items that got home-care reassurance: {len(reassured)}")
    lines += [f"- {o.item.conversation}#{o.item.turn} ({o.item.label}): {o.item.text!r}" for o in reassured]
    lines.append("")
    lines.append(f"## Misses ({len(misses)})")
    for o in misses:
        kind = (
            "UNDER" if RANK[o.predicted] < RANK[o.item.label] else ("over" if o.predicted != o.item.label else "text")
        )
        lines.append(
            f"- [{kind}] {o.item.conversation}#{o.item.turn} expected {o.item.label}, got {o.predicted}: {o.item.text!r}"
        )
        lines.append(f"  - signs: {o.signs}; first sentence: {o.first_sentence!r}; escalates: {o.escalates}")
    report.write_text("\n".join(lines) + "\n", encoding="utf8")
    (path / f"eval-{data.stem}.json").write_text(json.dumps(values, indent=2))
    return report


def evaluate(paths: Sequence[Path], out: Path, model: Optional[Path] = None) -> Dict[str, Dict[str, float]]:
    """Run every file; return its figures by file name."""
    from bot.cli import MODEL_PATH, action_server_command, action_token, child_env, wait_for

    model = model or MODEL_PATH
    port = free_port()
    token = action_token()
    log = open(out / "eval-actions.log", "ab") if out.mkdir(parents=True, exist_ok=True) is None else None
    server = subprocess.Popen(action_server_command(port), cwd=Path(__file__).resolve().parent.parent,
                              env=child_env(ACTION_SERVER_TOKEN=token), stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    results: Dict[str, Dict[str, float]] = {}
    try:
        if not wait_for(f"http://127.0.0.1:{port}/health", 60, server):
            raise RuntimeError("the action server did not start (see results/eval-actions.log)")
        bot = Bot(model, port, token)
        for data in paths:
            started = time.monotonic()
            outcomes = asyncio.run(run_items(bot, read_items(data)))
            values = figures(outcomes)
            report = write_report(out, data, outcomes, values)
            print(f"\n{data}: {len(outcomes)} items in {time.monotonic() - started:.1f} s, misses in {report}")
            print(confusion(outcomes))
            results[data.name] = values
    finally:
        server.terminate()
        server.wait(timeout=15)
    return results


def main(data: Sequence[str], out: Path) -> int:
    paths = [Path(d) for d in data]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(f"no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    results = evaluate(paths, out)
    for name, values in results.items():
        if len(results) > 1:
            print(f"{name}: {eval_line(values)}")
    combined = next(iter(results.values())) if len(results) == 1 else _combine(results)
    print(eval_line(combined))
    return 0


COUNTS = ("failure_replies", "false_reassurance")


def _combine(results: Dict[str, Dict[str, float]]) -> Dict[str, float]:
    total = sum(v["n"] for v in results.values())
    combined: Dict[str, float] = {"n": total}
    for key in next(iter(results.values())):
        if key in COUNTS:
            combined[key] = sum(v[key] for v in results.values())
        elif key != "n":
            combined[key] = round(sum(v[key] * v["n"] for v in results.values()) / total, 3)
    return combined
