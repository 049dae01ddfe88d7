"""Start the whole stack (action server + Rasa server) on free ports, for tests,
the evaluation, `make soak` and the benchmark."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

from bot import cli


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Servers:
    rasa_url: str
    action_url: str
    var_dir: Path
    processes: List[subprocess.Popen]
    rasa_port: int
    action_port: int
    action_token: str = ""
    endpoints: Optional[Path] = None
    credentials: Optional[Path] = None

    @property
    def rest_url(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"

    def stop(self) -> None:
        cli.stop(self.processes)


class StackError(RuntimeError):
    pass


def start_servers(
    var_dir: Path,
    env: Optional[Dict[str, str]] = None,
    rasa_port: Optional[int] = None,
    action_port: Optional[int] = None,
) -> Servers:
    """Start the action server and the Rasa server; `env` adds environment variables
    (PROFILE, DB_*, messaging-channel settings, which also decide the channels enabled)."""
    if not cli.MODEL_PATH.is_file():
        raise StackError("no trained model: run `python -m bot prepare` (make test does this first)")
    rasa_port, action_port = rasa_port or free_port(), action_port or free_port()
    var_dir.mkdir(parents=True, exist_ok=True)
    merged_env = {**os.environ, **(env or {})}
    token = cli.action_token(merged_env)
    env = {
        **(env or {}),
        "ACTION_SERVER_TOKEN": token,
        "BOT_VAR_DIR": str(var_dir),
        "SENDER_ID_KEY": cli.sender_id_key(var_dir, merged_env),
    }
    merged_env.update(env)
    endpoints = cli.write_endpoints(
        action_port, var_dir / "tracker.db", var_dir / "endpoints.yml", token=token, env=merged_env
    )
    credentials, _ = cli.write_credentials(var_dir / "credentials.yml", merged_env)
    logs = var_dir / "logs"
    actions = cli.start(cli.action_server_command(action_port), logs / "actions.log", env)
    rasa = cli.start(
        cli.rasa_server_command(rasa_port, endpoints, credentials=credentials),
        logs / "rasa.log",
        {**env, **cli.rasa_env(merged_env)},
    )
    servers = Servers(
        f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{action_port}", var_dir, [actions, rasa], rasa_port,
        action_port, token, endpoints, credentials,
    )  # fmt: skip
    workers = int(cli.rasa_env(merged_env)["SANIC_WORKERS"])
    if (
        not cli.wait_for(f"{servers.action_url}/health", 90, actions)
        or not cli.wait_for(f"{servers.rasa_url}/", 240, rasa)
        or not _all_workers_ready(logs / "rasa.log", workers, 240, rasa)
    ):
        cli.stop(servers.processes)
        log = (logs / "rasa.log").read_text(errors="replace")[-3000:] if (logs / "rasa.log").exists() else ""
        raise StackError(f"servers did not start; rasa.log tail:\n{log}")
    return servers


def _all_workers_ready(log: Path, workers: int, timeout: float, process: Any) -> bool:
    """Every Rasa worker has loaded its model (a request to one still loading would wait)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        text = log.read_text(errors="replace") if log.exists() else ""
        if text.count("worker_ready") >= workers:
            return True
        time.sleep(0.5)
    return False
