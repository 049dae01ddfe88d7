"""`python -m bench`: ours vs Rasa's stock configuration, same data, same load, same machine.

1. Training from scratch, timed, of both models: ours (config.yml) into models/bench/ (so the
   shared models/assistant.tar.gz is never rewritten under a running test), the stock reference
   (bench/config-stock.yml) into models/stock.tar.gz. `--skip-train` reuses the figures of the
   last timed run (results/bench-train.json) and trains only a model whose inputs changed.
2. For ours, then for stock: an action server and a Rasa server started like
   tests/conftest.start_servers (SQLite tracker store in a temp dir, REST on 127.0.0.1), timed
   from process start to answering; then the load phases (bench/locustfile.py, locust as a
   library): 1 conversation at a time, 20 concurrent, one long conversation, and a flood.
3. The table (results/bench.md, results/bench.json), the targets, and one BENCH line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

from bench import profile as spy
from bench import stats
from bench.procs import ServerPair, children, cpu_seconds, peak_rss_mb, post_turn, tree_cpu_seconds, tree_peak_rss_mb

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS = ROOT / "results"
STOCK_CONFIG = "bench/config-stock.yml"
OURS_MODELS = ROOT / "models" / "bench"
TRAIN_CACHE = RESULTS / "bench-train.json"
# No telemetry calls from the servers or training (nothing outside this machine is reachable).
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


@dataclass(frozen=True)
class Load:
    single_conversations: int
    concurrent_users: int
    concurrent_conversations: int
    long_turns: int
    flood_messages: int
    flood_others: int
    max_phase_s: float


FULL = Load(
    single_conversations=30,
    concurrent_users=20,
    concurrent_conversations=60,
    long_turns=200,
    flood_messages=500,
    flood_others=5,
    max_phase_s=240.0,
)
QUICK = Load(
    single_conversations=3,
    concurrent_users=20,
    concurrent_conversations=20,
    long_turns=30,
    flood_messages=40,
    flood_others=5,
    max_phase_s=90.0,
)


def say(text: str) -> None:
    print(f">> {text}", flush=True)


# --- training --------------------------------------------------------------------------------


def validate_stock() -> Dict[str, Any]:
    """`rasa data validate --fail-on-warnings` of domain.yml and data/ with the stock config."""
    started = time.monotonic()
    done = subprocess.run(
        [
            PYTHON,
            "-m",
            "rasa",
            "data",
            "validate",
            "--config",
            STOCK_CONFIG,
            "--domain",
            "domain.yml",
            "--data",
            "data",
            "--fail-on-warnings",
        ],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
    )
    warnings = sorted(
        {
            line.split("UserWarning:", 1)[1].strip()
            for line in (done.stdout + done.stderr).splitlines()
            if "UserWarning:" in line
        }
    )
    return {"ok": done.returncode == 0, "seconds": time.monotonic() - started, "warnings": warnings}


def child_env() -> Dict[str, str]:
    from bot import cli

    return cli.child_env()


def train_one(config: str, name: str, out: Path, force: bool) -> Dict[str, Any]:
    """bench/training.py in its own process; its output goes to results/bench-raw/train-<name>.log."""
    log = RESULTS / "bench-raw" / f"train-{Path(config).stem}-{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as handle:
        done = subprocess.run(
            [PYTHON, "-m", "bench.training", "--config", config, "--name", name, "--out", str(out)]
            + (["--force"] if force else []),
            cwd=ROOT,
            env=child_env(),
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    lines = log.read_text(errors="replace").splitlines()
    if done.returncode != 0:
        raise RuntimeError(
            f"training {name} with {config} failed (exit {done.returncode}); see {log}:\n" + "\n".join(lines[-20:])
        )
    return json.loads([line for line in lines if line.startswith('{"model"')][-1])


MODELS_TO_TRAIN = {"ours": ("config.yml", "assistant", OURS_MODELS), "stock": (STOCK_CONFIG, "stock", ROOT / "models")}


def training(skip: bool, names: List[str]) -> Dict[str, Any]:
    """Models to serve and training figures: measured now, or cached with --skip-train."""
    cached = json.loads(TRAIN_CACHE.read_text()) if TRAIN_CACHE.is_file() else {}
    if skip:
        say("--skip-train: training figures " + (f"from {cached.get('measured_at')}" if cached else "unknown"))
        result: Dict[str, Any] = {
            "cached": True,
            "measured_at": cached.get("measured_at"),
            "validation": cached.get("validation"),
        }
        for name in names:
            config, model_name, out = MODELS_TO_TRAIN[name]
            model = train_one(config, model_name, out, force=False)  # only if its inputs changed
            result[name] = {**(cached.get(name) or {}), "model": model["model"]}
        return result
    result = {"cached": False, "measured_at": dt.datetime.now().isoformat(timespec="seconds")}
    if "stock" in names:
        say("validating domain.yml and data/ with the stock configuration")
        result["validation"] = validation = validate_stock()
        say(f"stock validation {'passed' if validation['ok'] else 'FAILED'} ({len(validation['warnings'])} warnings)")
    for name in names:
        config, model_name, out = MODELS_TO_TRAIN[name]
        say(
            f"training {name} from scratch ({config})"
            + (": DIET and TED, 100 epochs each, takes minutes" if name == "stock" else "")
        )
        result[name] = {**train_one(config, model_name, out, force=True), "measured_at": result["measured_at"]}
        say(f"{name} trained in {result[name]['seconds']:.0f} s")
    RESULTS.mkdir(exist_ok=True)
    TRAIN_CACHE.write_text(json.dumps({**cached, **result}, indent=2))
    return result


# --- load ------------------------------------------------------------------------------------


def failure_text() -> str:
    """The guard's text for a turn the bot could not answer (see bench/locustfile.py)."""
    try:
        from bot import replies

        return str(replies.failure().get("text") or "")
    except Exception:  # noqa: BLE001 - the benchmark still runs, without the check
        return ""


def system_cpu() -> tuple:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


def run_phase(
    pair: ServerPair, phase: str, load: Load, raw_dir: Path, run_id: str, profile_dir: Optional[Path]
) -> Dict[str, Any]:
    out = raw_dir / f"{pair.name}-{phase}.json"
    users = {"single": 1, "concurrent": load.concurrent_users, "long": 1, "flood": load.flood_others}[phase]
    conversations = {
        "single": load.single_conversations,
        "concurrent": load.concurrent_conversations,
        "long": 1,
        "flood": 30,
    }[phase]
    command = [
        PYTHON,
        "-m",
        "bench.locustfile",
        "--host",
        pair.rasa_url,
        "--phase",
        phase,
        "--users",
        str(users),
        "--conversations",
        str(conversations),
        "--turns",
        str(load.long_turns),
        "--flood-messages",
        str(load.flood_messages),
        "--max-seconds",
        str(load.max_phase_s),
        "--out",
        str(out),
    ]
    spies = []
    if profile_dir is not None and phase == "concurrent":
        spies = [
            # with several workers: the first worker (the parent only waits for them)
            spy.start_record((children(pair.rasa.pid) or [pair.rasa.pid])[0], profile_dir / f"{pair.name}-rasa.txt"),
            spy.start_record(pair.actions.pid, profile_dir / f"{pair.name}-actions.txt"),
        ]
        time.sleep(1.0)
    cpu_before = {"rasa": tree_cpu_seconds(pair.rasa.pid), "actions": cpu_seconds(pair.actions.pid)}
    machine_before, load_cpu_before = system_cpu(), resource.getrusage(resource.RUSAGE_CHILDREN)
    errors_before = pair.errors_logged()
    started = time.monotonic()
    log = raw_dir / f"{pair.name}-{phase}-locust.log"
    with open(log, "wb") as handle:
        done = subprocess.run(
            command,
            cwd=ROOT,
            env={**child_env(), "BENCH_RUN_ID": run_id, "BENCH_FAILURE_TEXT": failure_text()},
            stdout=handle,
            stderr=subprocess.STDOUT,
            timeout=load.max_phase_s + 120,
        )
    elapsed = time.monotonic() - started
    machine_after, load_cpu_after = system_cpu(), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_after = {"rasa": tree_cpu_seconds(pair.rasa.pid), "actions": cpu_seconds(pair.actions.pid)}
    cpu = {
        key: None if cpu_before[key] is None or cpu_after[key] is None else cpu_after[key] - cpu_before[key]
        for key in cpu_before
    }
    for process in spies:
        spy.stop_record(process)
    errors_after = pair.errors_logged()
    if done.returncode != 0 or not out.is_file():
        raise RuntimeError(f"{pair.name} {phase}: the load generator failed; see {log}")
    data = json.loads(out.read_text())
    summary = stats.phase_summary(phase, data["samples"], cpu, load.long_turns if phase == "long" else None)
    ncpu = os.cpu_count() or 1
    busy = (machine_after[0] - machine_before[0]) / max(machine_after[1] - machine_before[1], 1) * ncpu
    load_gen = load_cpu_after.ru_utime + load_cpu_after.ru_stime - load_cpu_before.ru_utime - load_cpu_before.ru_stime
    ours_cores = (sum(v for v in cpu.values() if v) + load_gen) / max(elapsed, 1e-9)
    summary.update(
        {
            "wall_s": elapsed,
            "aborted": data.get("aborted", False),
            "users": data.get("users"),
            "cpu_s": cpu,
            "load_generator_cpu_s": load_gen,
            "machine_busy_cores": busy,
            "other_processes_cores": max(busy - ours_cores, 0.0),
            "server_errors_logged": {k: errors_after[k] - errors_before[k] for k in errors_after},
        }
    )
    return summary


def bench_server(name: str, model: Path, load: Load, run_id: str, profile_dir: Optional[Path]) -> Dict[str, Any]:
    var_dir = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    raw_dir = RESULTS / "bench-raw"
    raw_dir.mkdir(parents=True, exist_ok=True)
    pair = ServerPair(name=name, model=model, var_dir=var_dir, reference=name == "stock")
    say(f"{name}: starting the action server and the Rasa server ({model.relative_to(ROOT)})")
    result: Dict[str, Any] = {"model": str(model.relative_to(ROOT))}
    try:
        pair.start()
        result.update(
            {
                "startup_s": pair.startup_s,
                "first_reply_s": pair.first_reply_s,
                "all_workers_s": pair.all_workers_s,
                "rasa_workers": pair.workers,
            }
        )
        say(
            f"{name}: answering after {pair.startup_s:.1f} s, first reply after {pair.first_reply_s:.1f} s, "
            f"all {pair.workers} Rasa worker(s) up after {pair.all_workers_s:.1f} s"
        )
        for number, text in enumerate(["hello", "my 2 year old has a temperature", "38.5", "yes", "thanks"]):
            post_turn(pair.rest_url, f"bench-{run_id}-warmup-{number // 5}", text)  # warm-up, not counted
        for phase in ("single", "concurrent", "long", "flood"):
            say(f"{name}: phase {phase}")
            result[phase] = summary = run_phase(pair, phase, load, raw_dir, run_id, profile_dir)
            say(
                f"{name}: {phase}: "
                + ", ".join(
                    f"{key}={stats.fmt(summary.get(key))}"
                    for key in (
                        "turns",
                        "errors",
                        "degraded",
                        "p50_ms",
                        "p95_ms",
                        "throughput",
                        "turn10_ms",
                        "turn200_ms",
                        "others_p95_ms",
                        "flood_p95_ms",
                    )
                    if key in summary
                )
            )
        if profile_dir is not None:
            say(f"{name}: timing the stages of a turn inside Rasa (bench/breakdown.py)")
            result["breakdown"] = breakdown(pair, model, profile_dir)
        memory = tree_peak_rss_mb(pair.rasa.pid)
        result["rasa_peak_rss_mb"] = memory["max"]
        result["rasa_total_peak_rss_mb"] = memory["sum"]
        result["rasa_processes"] = memory["processes"]
        result["actions_peak_rss_mb"] = peak_rss_mb(pair.actions.pid)
    finally:
        pair.stop()
        logs = RESULTS / "bench-raw" / f"{name}-logs"
        shutil.rmtree(logs, ignore_errors=True)
        if (var_dir / "logs").is_dir():
            shutil.copytree(var_dir / "logs", logs)
        shutil.rmtree(var_dir, ignore_errors=True)
    return result


def breakdown(pair: ServerPair, model: Path, profile_dir: Path) -> Optional[Dict[str, Any]]:
    """bench/breakdown.py against this pair's action server, with a tracker store of its own."""
    out = profile_dir / f"breakdown-{pair.name}.json"
    endpoints = pair.write_endpoints("breakdown.db")
    # Always 10 conversations and 200 turns: cheap (one conversation at a time), and the growth
    # with conversation length only shows on a long one.
    command = [
        PYTHON,
        "-m",
        "bench.breakdown",
        "--model",
        str(model),
        "--endpoints",
        str(endpoints),
        "--conversations",
        "10",
        "--long-turns",
        "200",
        "--out",
        str(out),
    ]
    with open(profile_dir / f"breakdown-{pair.name}.log", "wb") as handle:
        done = subprocess.run(
            command, cwd=ROOT, env={**child_env(), **pair.env}, stdout=handle, stderr=subprocess.STDOUT, timeout=900
        )
    if done.returncode != 0 or not out.is_file():
        say(f"{pair.name}: the breakdown failed; see {profile_dir / f'breakdown-{pair.name}.log'}")
        return None
    return json.loads(out.read_text())


# --- report ----------------------------------------------------------------------------------


def conditions(args: argparse.Namespace, started: float) -> Dict[str, Any]:
    try:
        from importlib.metadata import version

        versions = f"rasa {version('rasa')}, locust {version('locust')}"
    except Exception:  # pragma: no cover
        versions = "unknown"
    return {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "versions": versions,
        "load": "quick (smoke test)" if args.quick else "full",
        "load average at the end (1/5/15 min)": " ".join(f"{v:.2f}" for v in os.getloadavg()),
        "duration": f"{(time.monotonic() - started) / 60:.1f} min",
        "profiled": "yes (py-spy attached: slower)" if args.profile else "no",
    }


def notes_for(result: Dict[str, Any], load: Load) -> List[str]:
    notes = []
    train = result.get("training", {})
    if train.get("cached"):
        notes.append(
            f"training figures are cached from {train.get('measured_at') or 'an earlier run (none found)'}"
            " (--skip-train)"
        )
    validation = train.get("validation") or {}
    if validation:
        notes.append(
            "domain.yml and data/ "
            + ("validate" if validation.get("ok") else "DO NOT validate")
            + " with the stock configuration (rasa data validate --fail-on-warnings)"
            + (f"; warnings: {'; '.join(validation['warnings'])}" if validation.get("warnings") else "")
        )
    for name, server in result.get("servers", {}).items():
        for phase in ("single", "concurrent", "long", "flood"):
            data = server.get(phase) or {}
            if data.get("degraded"):
                notes.append(
                    f"{name} {phase}: {data['degraded']} of {data['turns']} turns were answered with the guard's "
                    f"failure text (an action or the tracker store failed), the first at turn {data.get('first_degraded_turn')} of its "
                    "conversation; they count in the latencies"
                )
            if data.get("errors"):
                notes.append(
                    f"{name} {phase}: {data['errors']} failed turns of {data['turns']} "
                    f"({'; '.join(data.get('error_examples', []))})"
                )
            logged = {k: v for k, v in (data.get("server_errors_logged") or {}).items() if v}
            if logged:
                notes.append(
                    f"{name} {phase}: logged by the servers during the load: "
                    + ", ".join(f"{k}: {v}" if " " in k else f"{k} errors {v}" for k, v in logged.items())
                    + f" (see results/bench-raw/{name}-logs/)"
                )
            if data.get("aborted"):
                notes.append(f"{name} {phase}: stopped at the {load.max_phase_s:.0f} s limit")
        others = [
            server[p]["other_processes_cores"]
            for p in ("single", "concurrent", "long", "flood")
            if server.get(p) and server[p].get("other_processes_cores") is not None
        ]
        if others:
            notes.append(
                f"{name}: other processes on the machine used {sum(others) / len(others):.2f} cores on "
                f"average during the load (max {max(others):.2f} of {os.cpu_count()})"
            )
    if load.long_turns != 200:
        notes.append(f"quick load: the long conversation has {load.long_turns} turns; 'turn 200' is its last turn")
    notes.append(
        "a turn is one POST /webhooks/rest/webhook round trip; both servers use the same domain, data, "
        "channel (bot.channels.rest.SafeRestInput), NLG, action server and SQLite tracker store; "
        "beyond config.yml, ours runs as make run does (RASA_WORKERS workers, lock-file lock store, "
        "bot/rasa_patches.py) and stock runs as Rasa ships (one process, BENCH_REFERENCE=1: Rasa's own code paths)"
    )
    notes.append(
        "flood: one sender posts its messages back to back (one in flight) while the other "
        "conversations run with a 0.5-1.5 s think time; concurrent requests from one sender are "
        "serialised by the lock store (stock: Rasa's in-memory one, which polls every 1 s; ours: "
        "an asyncio lock in a worker and a lock file across workers, polled every 2-50 ms)"
    )
    return notes


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a small load, for a smoke test")
    parser.add_argument("--skip-train", action="store_true", help="reuse the last timed training figures")
    parser.add_argument("--profile", action="store_true", help="py-spy the servers during the 20-concurrent phase")
    parser.add_argument("--servers", default="ours,stock", help="which to run (default: ours,stock)")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    started = time.monotonic()
    load = QUICK if args.quick else FULL
    names = [name.strip() for name in args.servers.split(",") if name.strip()]
    run_id = uuid.uuid4().hex[:8]
    RESULTS.mkdir(exist_ok=True)
    profile_dir = RESULTS / "profile" if args.profile else None
    if profile_dir is not None and spy.pyspy() is None:
        say("py-spy is not installed (pip install py-spy): running without the profile")
        profile_dir = None

    train = training(args.skip_train, names)
    result: Dict[str, Any] = {"training": train, "servers": {}, "load": vars(load)}
    for name in names:
        model = Path(train[name]["model"])
        server = bench_server(name, model, load, run_id, profile_dir)
        server["train_s"] = train[name].get("seconds")
        server["train_peak_rss_mb"] = train[name].get("peak_rss_mb")
        result["servers"][name] = server

    ours = result["servers"].get("ours", {})
    stock = result["servers"].get("stock")
    result["targets"] = stats.evaluate_targets(ours, stock)
    result["conditions"] = conditions(args, started)
    result["notes"] = notes_for(result, load)
    result["bench_line"] = stats.bench_line(ours, stock)
    if profile_dir is not None:
        summaries = {
            f"{name} {proc}": spy.summarize(profile_dir / f"{name}-{proc}.txt")
            for name in names
            for proc in ("rasa", "actions")
        }
        cpu = {
            f"{name} {proc}": result["servers"][name]["concurrent"].get(f"{proc}_cpu_ms_per_turn")
            for name in names
            for proc in ("rasa", "actions")
        }
        text = spy.render(summaries, cpu)
        breakdowns = {name: result["servers"][name].get("breakdown") for name in names}
        if all(breakdowns.values()):
            from bench import breakdown as stages

            text = stages.render(breakdowns) + "\n" + text
        (profile_dir / "summary.md").write_text(text)
        result["profile"] = summaries
        say(f"profile: {profile_dir / 'summary.md'}")
    suffix = "-profile" if args.profile else ("-quick" if args.quick else "")
    (RESULTS / f"bench{suffix}.json").write_text(json.dumps(result, indent=2, default=str))
    (RESULTS / f"bench{suffix}.md").write_text(stats.render_markdown(result))
    print("\n" + stats.render_text(result) + "\n", flush=True)
    say(f"written: results/bench{suffix}.md, results/bench{suffix}.json")
    print(result["bench_line"], flush=True)
    return 0
