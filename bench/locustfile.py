"""The load: parents' conversations on the REST webhook, driven by locust.

One turn is one full round trip: POST /webhooks/rest/webhook {"sender", "message"} with a
unique sender per conversation, answered with the bot's messages. Loopback only.

Library use (what `python -m bench` does, one process per phase, so that gevent's monkey
patching stays out of the orchestrator):

    python -m bench.locustfile --host http://127.0.0.1:5005 --phase concurrent \
        --users 20 --conversations 60 --out /tmp/samples.json

phases: single (1 user, conversations one after another), concurrent (N users sharing a queue
of conversations), long (1 conversation of --turns turns), flood (1 sender posting
--flood-messages messages back to back while --users other conversations run with a think
time). Every request is recorded (latency, turn number, outcome) and written to --out.

Plain locust use, for a look by hand (endless conversations, locust's own statistics):

    locust -f bench/locustfile.py --headless -u 20 -r 20 -t 60s -H http://127.0.0.1:5005 --csv results/locust
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import gevent
from gevent.event import Event
from locust import FastHttpUser, constant, task
from locust.env import Environment
from locust.exception import StopUser

if __package__ in (None, ""):  # run as a file by the locust CLI
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.conversations import build_conversations, build_long, load_pools  # noqa: E402

WEBHOOK = "/webhooks/rest/webhook"
RUN_ID = os.environ.get("BENCH_RUN_ID") or uuid.uuid4().hex[:8]
# The channel guard's text for a turn the bot could not answer (an action failed): such a turn is
# HTTP 200 with a reply, counted apart as "degraded". Set by `python -m bench` (bot.replies.failure).
FAILURE_TEXT = os.environ.get("BENCH_FAILURE_TEXT", "")
THINK = random.Random(7)  # think times, the same sequence in every run


class Plan:
    """What the users of one phase do: the conversations to hold, and when to stop."""

    def __init__(self, conversations: Iterator[Tuple[str, List[str]]], think: Tuple[float, float] = (0.0, 0.0)) -> None:
        self._conversations = conversations
        self.think = think
        self.stop = Event()

    def next_conversation(self) -> Optional[Tuple[str, List[str]]]:
        if self.stop.is_set():
            return None
        return next(self._conversations, None)


def endless_conversations(prefix: str, seed: int = 7) -> Iterator[Tuple[str, List[str]]]:
    pools = load_pools()
    for batch in itertools.count():
        for index, turns in enumerate(build_conversations(50, seed=seed + batch, pools=pools)):
            yield f"{prefix}-{batch * 50 + index}", turns


PLAN = Plan(endless_conversations(f"locust-{RUN_ID}"))


def post_turn(user: FastHttpUser, sender: str, text: str, context: Dict[str, Any]) -> bool:
    with user.client.post(
        WEBHOOK, json={"sender": sender, "message": text}, name=context["role"], context=context, catch_response=True
    ) as response:
        if response.status_code != 200:
            response.failure(f"HTTP {response.status_code}")
            return False
        try:
            messages = response.json()
        except ValueError:
            response.failure("reply is not JSON")
            return False
        if not isinstance(messages, list) or not messages:
            response.failure("empty reply")
            return False
        if FAILURE_TEXT and any(
            str(m.get("text", "")).startswith(FAILURE_TEXT) for m in messages if isinstance(m, dict)
        ):
            # Answered, but with the guard's "something went wrong" text. locust copies the context
            # dict it was given: mark the copy that the request event will carry.
            response.request_meta["context"]["degraded"] = True
        response.success()
        return True


class ConversationUser(FastHttpUser):
    """A parent: one conversation after another, each with a new sender id."""

    wait_time = constant(0)
    network_timeout = 90.0
    connection_timeout = 10.0

    @task
    def converse(self) -> None:
        item = PLAN.next_conversation()
        if item is None:
            raise StopUser()
        sender, turns = item
        low, high = PLAN.think
        for number, text in enumerate(turns, start=1):
            if PLAN.stop.is_set():
                raise StopUser()
            post_turn(self, sender, text, {"role": "conv", "conv": sender, "turn": number})
            if high > 0:
                gevent.sleep(low + (high - low) * THINK.random())


def flood_user(sender: str, texts: List[str]) -> type:
    """One sender posting `texts` back to back (one in flight); the phase ends when it is done.

    Made by a function so that the locust CLI, which runs every User class of this file,
    does not pick it up."""

    class FloodUser(FastHttpUser):
        fixed_count = 1
        wait_time = constant(0)
        network_timeout = 90.0
        connection_timeout = 10.0

        @task
        def flood(self) -> None:
            for number, text in enumerate(texts, start=1):
                if PLAN.stop.is_set():
                    break
                post_turn(self, sender, text, {"role": "flood", "conv": sender, "turn": number})
            PLAN.stop.set()
            raise StopUser()

    return FloodUser


def run_phase(
    host: str,
    phase: str,
    users: int,
    conversations: int,
    turns: int,
    flood_messages: int,
    seed: int,
    max_seconds: float,
) -> Dict[str, Any]:
    global PLAN
    pools = load_pools()
    prefix = f"bench-{RUN_ID}-{phase}"
    classes: List[type] = [ConversationUser]
    if phase in ("single", "concurrent"):
        convs = build_conversations(conversations, seed=seed, pools=pools)
        PLAN = Plan(iter([(f"{prefix}-{i}", c) for i, c in enumerate(convs)]))
        users = 1 if phase == "single" else users
    elif phase == "long":
        PLAN = Plan(iter([(f"{prefix}-0", build_long(turns, seed=seed, pools=pools))]))
        users = 1
    elif phase == "flood":
        others = build_conversations(max(conversations, 1), seed=seed, pools=pools)
        PLAN = Plan((f"{prefix}-{i}", others[i % len(others)]) for i in itertools.count())
        PLAN.think = (0.5, 1.5)  # parents read and type between turns
        classes = [
            flood_user(f"{prefix}-flooder", build_long(flood_messages, seed=seed + 1, pools=pools)),
            ConversationUser,
        ]
        users = users + 1
    else:
        raise ValueError(f"unknown phase {phase!r}")

    samples: List[Dict[str, Any]] = []

    def on_request(
        request_type: str,
        name: str,
        response_time: float,
        response_length: int,
        exception: Optional[BaseException] = None,
        context: Optional[dict] = None,
        **_: Any,
    ) -> None:
        context = context or {}
        samples.append(
            {
                "role": context.get("role", name),
                "conv": context.get("conv"),
                "turn": context.get("turn"),
                "ms": float(response_time),
                "ok": exception is None,
                "degraded": bool(context.get("degraded")),
                "start": time.time() - float(response_time) / 1000.0,
                "error": None if exception is None else str(exception)[:200],
            }
        )

    environment = Environment(user_classes=classes, host=host)
    environment.events.request.add_listener(on_request)
    runner = environment.create_local_runner()
    started = time.monotonic()
    runner.start(users, spawn_rate=max(users, 1))
    aborted = False
    gevent.sleep(0.5)
    while True:
        gevent.sleep(0.2)
        if runner.user_count == 0:
            break
        if time.monotonic() - started > max_seconds:
            aborted = True
            PLAN.stop.set()
            break
    PLAN.stop.set()
    runner.quit()
    return {
        "phase": phase,
        "users": users,
        "wall_s": time.monotonic() - started,
        "aborted": aborted,
        "samples": samples,
    }


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.locustfile", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", required=True)
    parser.add_argument("--phase", required=True, choices=["single", "concurrent", "long", "flood"])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--conversations", type=int, default=30)
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--flood-messages", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--max-seconds", type=float, default=300.0)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    if not args.host.startswith(("http://127.", "http://localhost", "http://[::1]")):
        parser.error("the benchmark only sends traffic to this machine (loopback)")
    result = run_phase(
        args.host,
        args.phase,
        args.users,
        args.conversations,
        args.turns,
        args.flood_messages,
        args.seed,
        args.max_seconds,
    )
    Path(args.out).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
