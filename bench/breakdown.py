"""Where the time of one turn goes, measured inside Rasa: `python -m bench --profile` runs this.

    python -m bench.breakdown --model models/bench/assistant.tar.gz --endpoints ENDPOINTS --out OUT.json

Loads the model in this process with the same endpoints as the server (tracker store, NLG,
action server with its token), wraps the REST channel's guard around Agent.handle_message, and
times each stage of every turn by wrapping Rasa's own methods:

  channel guard      bot.channels.guard.prepare_text + missing_guidance
  tracker read       MessageProcessor.get_tracker (tracker store get_or_create_tracker)
  NLU                MessageProcessor.parse_message (the whole NLU pipeline)
  slot extraction    MessageProcessor.run_action_extract_slots
  policies           MessageProcessor.predict_next_with_tracker_if_should (every action of the turn)
  actions            MessageProcessor._run_action, of which
    action server      EndpointConfig.request (the HTTP call to the action server)
  tracker save       MessageProcessor.save_tracker
  total              the guarded handler (everything but HTTP parsing and JSON in Sanic)

One conversation at a time, no other load: this is the cost of a turn, not queueing. It runs
realistic conversations, then one long conversation, and reports the stages around turn 10
and around its last turn (where the growth with conversation length comes from).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

STAGES = [
    ("guard", "channel guard (input checks, reply check)"),
    ("tracker_read", "tracker store: read"),
    ("nlu", "NLU pipeline"),
    ("extract_slots", "slot extraction"),
    ("policies", "policies (all predictions of the turn)"),
    ("actions", "actions (all, incl. NLG and the calls below)"),
    ("action_server", "  of which: action server HTTP calls"),
    ("tracker_save", "tracker store: save"),
    ("total", "total inside Rasa (guarded handler)"),
]
CURRENT: Dict[str, float] = defaultdict(float)
NODES: Dict[str, float] = defaultdict(float)  # graph components (NLU and policies), by node name


def wrap(owner: Any, name: str, key: str) -> None:
    """Add the wall time of owner.name (async or not) to CURRENT[key]."""
    original = getattr(owner, name)
    if asyncio.iscoroutinefunction(original):

        async def timed_async(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                CURRENT[key] += time.perf_counter() - started

        setattr(owner, name, timed_async)
    else:

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                CURRENT[key] += time.perf_counter() - started

        setattr(owner, name, timed)


def instrument() -> None:
    from rasa.core.processor import MessageProcessor
    from rasa.utils.endpoints import EndpointConfig

    wrap(MessageProcessor, "get_tracker", "tracker_read")
    wrap(MessageProcessor, "parse_message", "nlu")
    wrap(MessageProcessor, "run_action_extract_slots", "extract_slots")
    wrap(MessageProcessor, "predict_next_with_tracker_if_should", "policies")
    wrap(MessageProcessor, "_run_action", "actions")
    wrap(MessageProcessor, "save_tracker", "tracker_save")
    wrap(EndpointConfig, "request", "action_server")

    from rasa.engine.graph import GraphNode

    original_call = GraphNode.__call__

    def timed_node(self: Any, *inputs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original_call(self, *inputs)
        finally:
            NODES[self._node_name] += time.perf_counter() - started

    GraphNode.__call__ = timed_node
    try:
        from bot.channels import guard
    except ImportError:  # pragma: no cover
        return
    for name in ("prepare_text", "missing_guidance"):
        if hasattr(guard, name):
            wrap(guard, name, "guard")


async def run_turns(handler: Callable, conversations: List[List[str]], prefix: str) -> List[Dict[str, float]]:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    turns = []
    for index, conversation in enumerate(conversations):
        for text in conversation:
            CURRENT.clear()
            NODES.clear()
            started = time.perf_counter()
            await handler(UserMessage(text, CollectingOutputChannel(), f"{prefix}-{index}", input_channel="rest"))
            CURRENT["total"] = time.perf_counter() - started
            turn = {key: CURRENT.get(key, 0.0) * 1000.0 for key, _ in STAGES}
            turn.update({f"node:{name}": seconds * 1000.0 for name, seconds in NODES.items()})
            turns.append(turn)
    return turns


def mean_stages(turns: List[Dict[str, float]]) -> Dict[str, float]:
    """Mean ms per turn of every stage and graph node (a node absent from a turn counts 0)."""
    if not turns:
        return {}
    keys = {key for turn in turns for key in turn}
    return {key: sum(t.get(key, 0.0) for t in turns) / len(turns) for key in sorted(keys)}


def top_nodes(means: Dict[str, float], count: int = 6) -> List[tuple]:
    nodes = [(key[5:], value) for key, value in means.items() if key.startswith("node:")]
    return sorted(nodes, key=lambda item: -item[1])[:count]


async def measure(model: Path, endpoints: Path, conversations: int, long_turns: int) -> Dict[str, Any]:
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints

    from bench.conversations import build_conversations, build_long, load_pools
    from bench.stats import window_bounds

    instrument()
    started = time.perf_counter()
    agent = await load_agent(model_path=str(model), endpoints=AvailableEndpoints.read_endpoints(str(endpoints)))
    load_s = time.perf_counter() - started
    try:
        from bot.channels.guard import guarded

        handler = guarded(agent.handle_message)
    except ImportError:  # pragma: no cover
        handler = agent.handle_message
    pools = load_pools()
    run = f"breakdown-{os.getpid()}"
    await run_turns(handler, build_conversations(2, seed=99, pools=pools), f"{run}-warmup")
    normal = await run_turns(handler, build_conversations(conversations, seed=7, pools=pools), f"{run}-conv")
    long = await run_turns(handler, [build_long(long_turns, seed=11, pools=pools)], f"{run}-long")
    low10, high10 = window_bounds(10, len(long))
    low_end, high_end = window_bounds(len(long), len(long))
    return {
        "model": str(model),
        "agent_load_s": load_s,
        "stages": [{"key": key, "label": label} for key, label in STAGES],
        "conversations": {"turns": len(normal), "mean_ms": mean_stages(normal)},
        "long": {
            "turns": len(long),
            "turn10_window": [low10, high10],
            "turn10_mean_ms": mean_stages(long[low10 - 1 : high10]),
            "last_window": [low_end, high_end],
            "last_mean_ms": mean_stages(long[low_end - 1 : high_end]),
        },
    }


def render(results: Dict[str, Dict[str, Any]]) -> str:
    """Markdown: one column per model (conversations), then turn 10 vs the last turn (long)."""
    names = list(results)
    out = ["# Where the time of a turn goes (inside Rasa, one conversation at a time)", ""]
    header = ["stage"] + [f"{name}: ~10-turn conversations" for name in names]
    header += [f"{name}: long, turn ~10" for name in names] + [f"{name}: long, last turns" for name in names]
    out.append("| " + " | ".join(header) + " |")
    out.append("|" + "|".join(" --- " for _ in header) + "|")
    for key, label in STAGES:
        row = [label]
        row += [f"{results[n]['conversations']['mean_ms'].get(key, 0):.1f}" for n in names]
        row += [f"{results[n]['long']['turn10_mean_ms'].get(key, 0):.1f}" for n in names]
        row += [f"{results[n]['long']['last_mean_ms'].get(key, 0):.1f}" for n in names]
        out.append("| " + " | ".join(row) + " |")
    out += ["", "Slowest graph components (NLU components and policies; mean ms per turn):", ""]
    for name in names:
        parts = []
        for title, means in (
            ("conversations", results[name]["conversations"]["mean_ms"]),
            ("long, turn ~10", results[name]["long"]["turn10_mean_ms"]),
            ("long, last turns", results[name]["long"]["last_mean_ms"]),
        ):
            parts.append(f"{title}: " + ", ".join(f"{node} {ms:.1f}" for node, ms in top_nodes(means)))
        out.append(f"- {name}: " + "; ".join(parts))
    out += ["", "Milliseconds of wall time per turn (means). " + "; ".join(
        f"{n}: {results[n]['conversations']['turns']} turns in conversations, long conversation of "
        f"{results[n]['long']['turns']} turns (windows {results[n]['long']['turn10_window']} and "
        f"{results[n]['long']['last_window']}), agent loaded in {results[n]['agent_load_s']:.1f} s"
        for n in names), ""]  # fmt: skip
    return "\n".join(out)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.breakdown", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--model", required=True)
    parser.add_argument("--endpoints", required=True)
    parser.add_argument("--conversations", type=int, default=10)
    parser.add_argument("--long-turns", type=int, default=200)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    result = asyncio.run(measure(Path(args.model), Path(args.endpoints), args.conversations, args.long_turns))
    Path(args.out).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
