"""py-spy against the servers while the load runs, and where the samples fall.

`python -m bench --profile` records the Rasa server and the action server of both pairs during
the 20-concurrent phase (`py-spy record --format raw`: collapsed stacks), writes them to
results/profile/ and a summary table: share of on-CPU samples per stage of a turn.
The figures of a profiled run are slower than a plain run (py-spy pauses the process to sample).
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

# Stages of one turn, matched on frames from the innermost out: the first frame that matches
# decides the stage (so policies inside the prediction loop count as policies). The last entry
# is the fallback for what matched nothing else. (function regex, file regex, stage)
STORE_FILES = r"rasa/core/(processor|tracker_store)\.py|bot/storage/"
STAGES: List[Tuple[str, str, str]] = [
    (r"^(missing_guidance|prepare_text)$", r"bot/channels/", "channel guard (input checks, reply guard)"),
    (r"^(_retrieve_sync|_count_sync|_keys_sync)$", r"bot/storage/", "tracker store: read"),
    (r"^(_save_sync|_new_events|_spool)$", r"bot/storage/", "tracker store: save"),
    (
        r"^(fetch_tracker_and_update_session|fetch_tracker_with_initial_session|get_tracker|get_or_create_tracker|"
        r"fetch_full_tracker_with_initial_session|retrieve|retrieve_full_tracker)$",
        STORE_FILES,
        "tracker store: read",
    ),
    (r"^(save_tracker|save|stream_events)$", STORE_FILES, "tracker store: save"),
    (r"^(parse_message|_parse_message_with_graph)$", r"rasa/core/processor\.py", "NLU (pipeline)"),
    (
        r"^(predict_next_with_tracker_if_should|_predict_next_with_tracker|predict_next_for_sender_id)$",
        r"rasa/core/processor\.py",
        "policies (prediction)",
    ),
    (r"^run_action_extract_slots$", r"rasa/core/processor\.py", "slot extraction"),
    (r"^(_run_action|execute_side_effects)$", r"rasa/core/processor\.py", "actions (run, action server call, NLG)"),
    (r"^(lock|_acquire_lock)$", r"rasa/core/lock_store\.py", "lock store"),
    (r"", r"sanic/|asyncio/|uvloop|httptools", "HTTP server and event loop"),
]
# Libraries, matched on frames from the innermost out: the first that matches names it.
LIBRARIES: List[Tuple[str, str]] = [
    (r"bot/safety/", "safety engine (bot.safety)"),
    (r"spacy/|thinc/|srsly/", "spaCy"),
    (r"tensorflow/|keras/", "TensorFlow"),
    (r"sklearn/|scipy/", "scikit-learn / SciPy"),
    (r"numpy/", "NumPy"),
    (r"sqlalchemy/|sqlite3/", "SQLAlchemy / sqlite3"),
    (r"aiohttp/", "aiohttp (HTTP client)"),
    (r"json/|ujson|jsonpickle", "JSON"),
    (r"yaml|ruamel", "YAML"),
    (r"rasa/shared/core/(trackers|events|domain)\.py", "Rasa tracker/events/domain"),
    (r"jsonschema/", "jsonschema (Rasa validating action responses)"),
    (r"rasa_sdk/", "rasa-sdk"),
    (r"sanic/|sanic_routing/|asyncio/|uvloop|httptools|concurrent/", "Sanic / asyncio"),
    (r"^(bot|actions)/", "project code (bot/, actions/)"),
    (r"rasa/", "Rasa (other)"),
]
FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def pyspy() -> Optional[str]:
    """The py-spy binary of this environment, if installed."""
    candidate = Path(sys.executable).parent / "py-spy"
    return str(candidate) if candidate.is_file() else shutil.which("py-spy")


def start_record(pid: int, out: Path, rate: int = 100) -> Optional[subprocess.Popen]:
    binary = pyspy()
    if binary is None:
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [
            binary,
            "record",
            "--pid",
            str(pid),
            "--rate",
            str(rate),
            "--format",
            "raw",
            "--output",
            str(out),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop_record(process: Optional[subprocess.Popen]) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)  # py-spy writes its output on Ctrl-C
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def parse_collapsed(lines: Iterable[str]) -> List[Tuple[List[Tuple[str, str]], int]]:
    """py-spy raw output: "frame;frame;... count", a frame being "function (file:line)"."""
    stacks = []
    for line in lines:
        line = line.rstrip("\n")
        if not line or " " not in line:
            continue
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = []
        for part in stack.split(";"):
            match = FRAME.match(part.strip())
            frames.append((match["function"], match["file"]) if match else (part.strip(), ""))
        stacks.append((frames, int(count)))
    return stacks


# A thread whose innermost frame is one of these is waiting, not working (py-spy --nonblocking
# does not always tell): left out of the shares.
IDLE_LEAVES = [
    (r"^_worker$", r"concurrent/futures/thread\.py"),
    (r"^(wait|_wait_for_tstate_lock)$", r"threading\.py"),
    (r"^(select|poll)$", r"selectors\.py"),
]


def is_idle(frames: List[Tuple[str, str]]) -> bool:
    if not frames:
        return True
    function, file = frames[-1]
    return any(re.search(f_re, function) and re.search(file_re, file) for f_re, file_re in IDLE_LEAVES)


def stage_of(frames: List[Tuple[str, str]]) -> str:
    for function, file in reversed(frames):  # innermost first
        for function_re, file_re, stage in STAGES[:-1]:
            if re.search(function_re, function) and re.search(file_re, file):
                return stage
    if any(re.search(STAGES[-1][1], file) for _, file in frames):
        return STAGES[-1][2]
    return "other"


def library_of(frames: List[Tuple[str, str]]) -> str:
    for _, file in reversed(frames):  # innermost first
        for file_re, library in LIBRARIES:
            if re.search(file_re, file):
                return library
    return "other (Python, C)"


def thread_of(frames: List[Tuple[str, str]]) -> str:
    """ "event loop" for the main thread (Sanic, Rasa, every await), "worker threads" for thread pools
    (the tracker store runs its queries there; py-spy counts a thread waiting inside SQLite as busy)."""
    if frames and frames[0][1].startswith("threading.py"):
        return "worker threads"
    return "event loop"


def summarize(path: Path) -> Dict[str, object]:
    """Per thread kind: its share of the busy samples, and the share of each stage and library."""
    stacks = parse_collapsed(path.read_text(errors="replace").splitlines()) if path.is_file() else []
    idle = sum(count for frames, count in stacks if is_idle(frames))
    stacks = [(frames, count) for frames, count in stacks if not is_idle(frames)]
    total = sum(count for _, count in stacks)
    threads: Dict[str, Dict[str, object]] = {}
    for kind in ("event loop", "worker threads"):
        mine = [(frames, count) for frames, count in stacks if thread_of(frames) == kind]
        samples = sum(count for _, count in mine)
        if not samples:
            continue
        stages: Counter = Counter()
        libraries: Dict[str, Counter] = defaultdict(Counter)
        for frames, count in mine:
            stage = stage_of(frames)
            stages[stage] += count
            libraries[stage][library_of(frames)] += count
        threads[kind] = {
            "samples": samples,
            "share": samples / total,
            "stages": {stage: count / samples for stage, count in stages.most_common()},
            "libraries": {
                stage: {lib: count / samples for lib, count in libs.most_common(4)} for stage, libs in libraries.items()
            },
        }
    return {"samples": total, "idle_samples_left_out": idle, "threads": threads}


def render(summaries: Dict[str, Dict[str, object]], cpu_ms_per_turn: Dict[str, Optional[float]]) -> str:
    """Markdown: per process and thread kind, the share of busy samples of each stage."""
    out = [
        "# Where the busy samples fall (py-spy, 20-concurrent phase)",
        "",
        "Shares of the samples in which a thread was busy. The event loop thread runs one thing at a time:",
        "its shares are CPU. Worker threads are the tracker store's thread pool: py-spy also counts a",
        "thread waiting on a SQLite lock there as busy, so read those shares as time, not CPU.",
        "",
    ]
    for name, summary in summaries.items():
        cpu = cpu_ms_per_turn.get(name)
        cpu_text = f", {cpu:.1f} ms CPU per turn (/proc)" if cpu else ""
        out += [f"## {name}: {summary['samples']} busy samples{cpu_text}", ""]
        for kind, data in summary.get("threads", {}).items():  # type: ignore[union-attr]
            out += [
                f"{kind}: {data['share']:.0%} of the busy samples",
                "",
                "| stage | share | main libraries (share of this thread kind's samples) |",
                "| --- | --- | --- |",
            ]
            for stage, share in data["stages"].items():
                libs = data["libraries"].get(stage, {})
                lib_text = ", ".join(f"{lib} {value:.0%}" for lib, value in libs.items())
                out.append(f"| {stage} | {share:.0%} | {lib_text} |")
            out.append("")
    return "\n".join(out)
