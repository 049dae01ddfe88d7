"""One entry point: `python -m bot prepare | run | eval | train`.

prepare  build the spaCy pipeline from code and train the model if its inputs changed
run      prepare, then start the action server and the Rasa server; Ctrl-C stops both
eval     run a labelled .tsv or .yml file through the real trained bot
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Callable, Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
MODEL_NAME = "assistant"
MODEL_PATH = MODELS / f"{MODEL_NAME}.tar.gz"
FINGERPRINT = MODELS / f"{MODEL_NAME}.fingerprint"
SPACY_PATH = ROOT / "build" / "spacy" / "en_sepsis_blank"
VAR = Path(os.environ.get("BOT_VAR_DIR") or ROOT / "var")
PYTHON = sys.executable
QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}

# Everything the trained model depends on.
MODEL_INPUTS = ["config.yml", "domain.yml", "data", "bot/nlu", "bot/dialogue", "bot/safety", "bot/guidance"]


def child_env(**extra: str) -> Dict[str, str]:
    env = dict(os.environ)
    env.update(QUIET_ENV)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("SANIC_REQUEST_MAX_SIZE", str(1024 * 1024))
    env.update(extra)
    return env


def inputs_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in MODEL_INPUTS:
        path = ROOT / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if "__pycache__" in file.parts or file.suffix == ".pyc":
                continue
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def build_spacy(force: bool = False) -> Path:
    from bot.guidance import load_guidance
    from bot.safety.nlp import save_pipeline

    marker = SPACY_PATH / "BUILT_FROM.json"
    digest = load_guidance().digest
    if not force and marker.is_file() and json.loads(marker.read_text()).get("guidance") == digest:
        return SPACY_PATH
    print(f">> building the spaCy pipeline at {SPACY_PATH.relative_to(ROOT)}", flush=True)
    save_pipeline(SPACY_PATH)
    return SPACY_PATH


def train(force: bool = False, config: str = "config.yml", out: Path = MODELS, name: str = MODEL_NAME) -> Path:
    """Train when the model's inputs changed (or when forced). Returns the model path."""
    build_spacy()
    model = out / f"{name}.tar.gz"
    stamp = out / f"{name}.fingerprint"
    fingerprint = inputs_fingerprint() + hashlib.sha256((ROOT / config).read_bytes()).hexdigest()
    if not force and model.is_file() and stamp.is_file() and stamp.read_text().strip() == fingerprint:
        print(f">> model {model.relative_to(ROOT)} is up to date (no training needed)", flush=True)
        return model
    out.mkdir(parents=True, exist_ok=True)
    print(f">> training {model.relative_to(ROOT)} ({config})", flush=True)
    started = time.monotonic()
    subprocess.run(
        [PYTHON, "-m", "rasa", "train", "--config", config, "--domain", "domain.yml", "--data", "data",
         "--out", str(out), "--fixed-model-name", name, "--force"],
        cwd=ROOT, env=child_env(), check=True,
    )  # fmt: skip
    stamp.write_text(fingerprint)
    print(f">> trained in {time.monotonic() - started:.0f} s", flush=True)
    return model


def action_token(env: Optional[Dict[str, str]] = None) -> str:
    """The secret the Rasa server sends to the action server (generated per run if unset)."""
    env = os.environ if env is None else env
    return env.get("ACTION_SERVER_TOKEN") or secrets.token_urlsafe(32)


def sender_id_key(var: Optional[Path] = None, env: Optional[Dict[str, str]] = None) -> str:
    """SENDER_ID_KEY, or a key generated once and kept in var/ (so messaging senders keep
    their conversation across restarts without the key ever being in the repository)."""
    env = os.environ if env is None else env
    if env.get("SENDER_ID_KEY"):
        return env["SENDER_ID_KEY"]
    path = (var or VAR) / "sender_id.key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file():
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def write_endpoints(
    action_port: int = 5055,
    tracker_db: Optional[Path] = None,
    path: Optional[Path] = None,
    token: str = "",
    env: Optional[Dict[str, str]] = None,
) -> Path:
    """endpoints.yml for this run: action server (with its secret), tracker and lock stores."""
    import yaml

    from bot.config import load_settings

    settings = load_settings(env)
    VAR.mkdir(exist_ok=True)
    store = settings.tracker_store_endpoint()
    if tracker_db is not None and not settings.production:
        store["db"] = str(tracker_db)
    endpoints: Dict[str, object] = {
        "action_endpoint": {"url": f"http://127.0.0.1:{action_port}/webhook", "headers": {"X-Action-Token": token}},
        "tracker_store": store,
        "nlg": {"type": "bot.nlg.GuidanceNaturalLanguageGenerator"},
    }
    lock_store = settings.lock_store_endpoint()
    if lock_store:
        endpoints["lock_store"] = lock_store
    path = path or VAR / "endpoints.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "# written by `python -m bot run` (see endpoints.yml and bot/config.py)\n" + yaml.safe_dump(endpoints)
    )
    path.chmod(0o600)
    return path


def action_server_command(port: int) -> List[str]:
    return [PYTHON, "-m", "actions.server", "--port", str(port)]


def rasa_env(env: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """Environment for the Rasa server: its worker processes (Rasa reads SANIC_WORKERS)."""
    from bot.config import load_settings

    return {"SANIC_WORKERS": str(load_settings(env).workers)}


def rasa_server_command(port: int, endpoints: Path, model: Path = MODEL_PATH,
                        credentials: Optional[Path] = None) -> List[str]:  # fmt: skip
    return [
        PYTHON, "-m", "rasa", "run", "--model", str(model), "--endpoints", str(endpoints),
        "--credentials", str(credentials or ROOT / "credentials.yml"), "--port", str(port), "--cors", "*",
        "--logging-config-file", str(ROOT / "bot" / "logging.yml"),
        "--interface", os.environ.get("BIND_HOST", "127.0.0.1"),
    ]  # fmt: skip


def web_server_command(port: int, rasa_url: str) -> List[str]:
    return [PYTHON, "-m", "bot.web", "--port", str(port), "--rasa-url", rasa_url]


def has_web_app() -> bool:
    return (ROOT / "bot" / "web" / "__main__.py").is_file()


def wait_for(url: str, timeout: float, process: Optional[subprocess.Popen] = None, interval: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(interval)
    return False


def start(command: List[str], log: Path, env: Optional[Dict[str, str]] = None) -> subprocess.Popen:
    log.parent.mkdir(parents=True, exist_ok=True)
    handle = open(log, "ab")
    return subprocess.Popen(command, cwd=ROOT, env=child_env(**(env or {})), stdout=handle,
                            stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip


def write_credentials(path: Optional[Path] = None, env: Optional[Dict[str, str]] = None) -> tuple:
    """credentials.yml plus the messaging channels whose settings are present.

    Returns (path, notes): notes say which channels are enabled or why not.
    """
    import yaml

    env = dict(os.environ if env is None else env)
    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text()) or {}
    notes: List[str] = []
    try:
        from bot.channels.settings import messaging_credentials
    except ImportError:
        messaging, notes = {}, []
    else:
        messaging, notes = messaging_credentials(env)
    credentials.update(messaging)
    path = path or VAR / "credentials.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "# written by `python -m bot run` from credentials.yml and the environment\n" + yaml.safe_dump(credentials)
    )
    return path, notes


def stop(processes: List[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def run(args: argparse.Namespace) -> int:
    from bot.config import load_settings

    settings = load_settings()
    model = train()
    token = action_token()
    endpoints = write_endpoints(args.action_port, token=token)
    credentials, channel_notes = write_credentials()
    run_env = {"ACTION_SERVER_TOKEN": token, "SENDER_ID_KEY": sender_id_key()}
    logs = VAR / "logs"
    processes: List[subprocess.Popen] = []

    def shutdown(*_: object) -> None:
        print("\n>> stopping", flush=True)
        stop(processes)
        sys.exit(0)

    signal.signal(signal.SIGINT, shutdown)
    signal.signal(signal.SIGTERM, shutdown)
    started = time.monotonic()
    actions = start(action_server_command(args.action_port), logs / "actions.log", run_env)
    processes.append(actions)
    rasa = start(
        rasa_server_command(args.port, endpoints, model, credentials), logs / "rasa.log", {**run_env, **rasa_env()}
    )
    processes.append(rasa)
    if not wait_for(f"http://127.0.0.1:{args.action_port}/health", 60, actions):
        print(f"!! the action server did not start: see {logs / 'actions.log'}", flush=True)
        stop(processes)
        return 1
    if not wait_for(f"http://127.0.0.1:{args.port}/", 180, rasa):
        print(f"!! the Rasa server did not start: see {logs / 'rasa.log'}", flush=True)
        stop(processes)
        return 1
    web_line = ""
    if has_web_app():
        web = start(web_server_command(args.web_port, f"http://127.0.0.1:{args.port}"), logs / "web.log", run_env)
        processes.append(web)
        if not wait_for(f"http://127.0.0.1:{args.web_port}/health", 60, web):
            print(f"!! the web app did not start: see {logs / 'web.log'}", flush=True)
            stop(processes)
            return 1
        web_line = f"   parent page      http://127.0.0.1:{args.web_port}/   (staff: /staff/)\n"
    print(
        f"\n>> ready in {time.monotonic() - started:.0f} s\n"
        + web_line
        + f"   Rasa server      http://127.0.0.1:{args.port}/  (REST: POST /webhooks/rest/webhook, socket.io: /socket.io)\n"
        f"   action server    http://127.0.0.1:{args.action_port}/webhook\n"
        + (
            f"   tracker store    PostgreSQL {settings.db_host}:{settings.db_port}/{settings.db_name}; "
            f"lock store Redis {settings.redis_host}:{settings.redis_port}\n"
            if settings.production
            else f"   tracker store    SQLite {settings.sqlite_path}\n"
        )
        + f"   Rasa workers     {settings.workers} (RASA_WORKERS)\n"
        + f"   profile          {settings.profile}\n"
        f"   logs             {logs}/\n"
        + "".join(f"   {note}\n" for note in channel_notes)
        + "   Ctrl-C stops everything.\n",
        flush=True,
    )
    specs = {id(actions): ("action server", action_server_command(args.action_port), logs / "actions.log", run_env),
             id(rasa): ("Rasa server", rasa_server_command(args.port, endpoints, model, credentials), logs / "rasa.log",
                        {**run_env, **rasa_env()})}  # fmt: skip
    if web_line:
        specs[id(processes[-1])] = ("web app", web_server_command(args.web_port, f"http://127.0.0.1:{args.port}"),
                                    logs / "web.log", run_env)  # fmt: skip
    supervise(processes, specs)
    return 0


RESTART_BACKOFF_S = (1, 2, 4, 8, 16, 30)
HEALTHY_AFTER_S = 60  # a child that ran this long starts again from the shortest wait


def supervise(
    processes: List[subprocess.Popen], specs: Dict[int, tuple], stop_when: Optional[Callable[[], bool]] = None
) -> None:
    """Keep every child running: one that exits is started again (with backoff) while the
    others keep serving; only Ctrl-C (SIGINT/SIGTERM) stops everything. The Rasa server
    sends the fixed 999 text without the action server, so it must not go down with it."""
    failures: Dict[str, int] = {}
    started_at: Dict[str, float] = {spec[0]: time.monotonic() for spec in specs.values()}
    due: Dict[str, float] = {}
    while stop_when is None or not stop_when():
        for index, process in enumerate(list(processes)):
            spec = specs.get(id(process))
            if spec is None or process.poll() is None:
                continue
            name, command, log, env = spec
            now = time.monotonic()
            if name not in due:
                if now - started_at.get(name, now) > HEALTHY_AFTER_S:
                    failures[name] = 0
                wait = RESTART_BACKOFF_S[min(failures.get(name, 0), len(RESTART_BACKOFF_S) - 1)]
                due[name] = now + wait
                print(f"!! the {name} exited (code {process.returncode}); starting it again in {wait} s", flush=True)
            if now >= due[name]:
                replacement = start(command, log, env)
                processes[index] = replacement
                del specs[id(process)]
                specs[id(replacement)] = spec
                failures[name] = failures.get(name, 0) + 1
                started_at[name] = now
                del due[name]
                print(f">> the {name} started again (restart {failures[name]})", flush=True)
        time.sleep(0.5)


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] in (["staff"], ["purge"]):
        from bot.staff.cli import purge_main, staff_main

        os.chdir(ROOT)
        return (staff_main if argv[0] == "staff" else purge_main)(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m bot", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    prepare = sub.add_parser("prepare", help="build the spaCy pipeline and train if needed")
    prepare.add_argument("--force", action="store_true", help="retrain even if nothing changed")
    run_parser = sub.add_parser("run", help="start the assistant")
    run_parser.add_argument("--port", type=int, default=int(os.environ.get("RASA_PORT", 5005)))
    run_parser.add_argument("--action-port", type=int, default=int(os.environ.get("ACTION_PORT", 5055)))
    run_parser.add_argument("--web-port", type=int, default=int(os.environ.get("WEB_PORT", 8000)))
    sub.add_parser("staff", help="staff portal accounts: staff add NAME [--admin], list, unlock ...")
    sub.add_parser("purge", help="delete conversations older than --older-than (default RETENTION_DAYS, 90 days)")
    evaluate = sub.add_parser("eval", help="score a labelled .tsv or .yml file against the real bot")
    evaluate.add_argument("data", nargs="+")
    evaluate.add_argument("--out", default=str(ROOT / "results"))
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    if args.command == "prepare":
        train(force=args.force)
        return 0
    if args.command == "run":
        return run(args)
    if args.command == "eval":
        from bot.evaluation import main as eval_main

        return eval_main(args.data, Path(args.out))
    return 2


if __name__ == "__main__":
    sys.exit(main())
