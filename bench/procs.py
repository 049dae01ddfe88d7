"""Start a server pair the way tests/conftest.start_servers does, and read /proc about it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from bot import cli
from bot.stack import free_port

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> Optional[float]:
    """User + system CPU time of a process (all its threads), from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14, 15)


def status_kb(pid: int, key: str) -> Optional[int]:
    """A "kB" line of /proc/<pid>/status, such as VmHWM (peak resident) or VmRSS."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def peak_rss_mb(pid: int) -> Optional[float]:
    kb = status_kb(pid, "VmHWM")
    return None if kb is None else kb / 1024.0


def children(pid: int) -> List[int]:
    """Every descendant of `pid` (Rasa's Sanic workers when RASA_WORKERS > 1)."""
    parents: Dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    found, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        kids = [child for child, parent in parents.items() if parent == current]
        found += kids
        frontier += kids
    return found


def tree_cpu_seconds(pid: int) -> Optional[float]:
    """CPU time of `pid` and of its live descendants (a Rasa server and its workers)."""
    own = cpu_seconds(pid)
    if own is None:
        return None
    return own + sum(cpu_seconds(child) or 0.0 for child in children(pid))


def tree_peak_rss_mb(pid: int) -> Dict[str, Optional[float]]:
    """Peak resident memory of the largest process of the tree, and of all of them together."""
    peaks = [peak for peak in (peak_rss_mb(p) for p in [pid, *children(pid)]) if peak is not None]
    return {"max": max(peaks) if peaks else None, "sum": sum(peaks) if peaks else None, "processes": len(peaks)}


ERROR_LINE = re.compile(r'"level":\s*"(error|critical)"|\b(ERROR|CRITICAL)\b')


def error_lines(log: Path) -> int:
    """Lines logged at error level or above (JSON logs from bot/logging.yml, or Rasa's plain ones)."""
    if not log.is_file():
        return 0
    with open(log, errors="replace") as handle:
        return sum(1 for line in handle if ERROR_LINE.search(line))


def lines_with(log: Path, text: str) -> int:
    if not log.is_file():
        return 0
    with open(log, errors="replace") as handle:
        return sum(1 for line in handle if text in line)


def post_turn(rest_url: str, sender: str, text: str, timeout: float = 120.0) -> list:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(rest_url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as reply:
        return json.loads(reply.read().decode() or "[]")


@dataclass
class ServerPair:
    """An action server and a Rasa server (REST channel, SQLite tracker store in var_dir)."""

    name: str
    model: Path
    var_dir: Path
    rasa_port: int = field(default_factory=free_port)
    action_port: int = field(default_factory=free_port)
    processes: List[subprocess.Popen] = field(default_factory=list)
    startup_s: Optional[float] = None
    first_reply_s: Optional[float] = None
    env: Dict[str, str] = field(default_factory=dict)  # what the servers get on top of os.environ
    # The stock reference runs Rasa's own code paths (BENCH_REFERENCE, bot/rasa_patches.py) in
    # one process (Rasa's default); ours runs as `make run` does (RASA_WORKERS, bot/config.py).
    reference: bool = False
    workers: int = 1
    all_workers_s: Optional[float] = None

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    @property
    def rest_url(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"

    @property
    def actions(self) -> subprocess.Popen:
        return self.processes[0]

    @property
    def rasa(self) -> subprocess.Popen:
        return self.processes[1]

    def errors_logged(self) -> Dict[str, int]:
        """Error lines so far per server, and two known causes counted apart."""
        logs = self.var_dir / "logs"
        counts = {which: error_lines(logs / f"{which}.log") for which in ("rasa", "actions")}
        counts["tracker store unavailable (failed closed)"] = lines_with(logs / "rasa.log", "tracker_store_unavailable")
        counts["action calls refused: body over SANIC_REQUEST_MAX_SIZE"] = lines_with(
            logs / "actions.log", "PayloadTooLarge"
        )
        return counts

    def log_tail(self, which: str = "rasa", chars: int = 3000) -> str:
        path = self.var_dir / "logs" / f"{which}.log"
        return path.read_text(errors="replace")[-chars:] if path.is_file() else ""

    def start(self) -> None:
        """As tests/conftest.start_servers does (shared action-server token, BOT_VAR_DIR, endpoints
        and credentials written by bot.cli), except that the action server is started and up
        first, so that it does not compete with the Rasa start-up being timed. Start-up is from
        the Rasa process start to answering GET /, and to the first reply on the REST webhook."""
        self.var_dir.mkdir(parents=True, exist_ok=True)
        merged_env = dict(os.environ)
        token = cli.action_token(merged_env)
        self.env = env = {"ACTION_SERVER_TOKEN": token, "BOT_VAR_DIR": str(self.var_dir)}
        merged_env.update(env)
        endpoints = self.write_endpoints("tracker.db")
        credentials, _ = cli.write_credentials(self.var_dir / "credentials.yml", merged_env)
        logs = self.var_dir / "logs"
        rasa_env = {"SANIC_WORKERS": "1", "BENCH_REFERENCE": "1"} if self.reference else cli.rasa_env(merged_env)
        self.workers = int(rasa_env["SANIC_WORKERS"])
        actions = cli.start(cli.action_server_command(self.action_port), logs / "actions.log", env)
        self.processes.append(actions)
        if not cli.wait_for(f"{self.action_url}/health", 120, actions, interval=0.1):
            self.stop()
            raise RuntimeError(f"{self.name}: the action server did not start:\n{self.log_tail('actions')}")
        started = time.monotonic()
        rasa = cli.start(
            cli.rasa_server_command(self.rasa_port, endpoints, self.model, credentials),
            logs / "rasa.log",
            {**env, **rasa_env},
        )
        self.processes.append(rasa)
        if not cli.wait_for(f"{self.rasa_url}/", 300, rasa, interval=0.1):
            self.stop()
            raise RuntimeError(f"{self.name}: the Rasa server did not start:\n{self.log_tail('rasa')}")
        self.startup_s = time.monotonic() - started
        post_turn(self.rest_url, f"bench-startup-{os.getpid()}-{self.name}", "hi")
        self.first_reply_s = time.monotonic() - started
        # Every worker loads the model; the load starts once all of them say they are up.
        deadline = started + 300
        while lines_with(logs / "rasa.log", "worker_ready:") < self.workers:
            if time.monotonic() > deadline or rasa.poll() is not None:
                self.stop()
                raise RuntimeError(f"{self.name}: not every Rasa worker started:\n{self.log_tail('rasa')}")
            time.sleep(0.1)
        self.all_workers_s = time.monotonic() - started

    def write_endpoints(self, db_name: str) -> Path:
        """endpoints-<db>.yml for this pair's action server, with a SQLite tracker store in var_dir."""
        path = self.var_dir / ("endpoints.yml" if db_name == "tracker.db" else f"endpoints-{Path(db_name).stem}.yml")
        token = self.env.get("ACTION_SERVER_TOKEN", "")
        return cli.write_endpoints(
            self.action_port,
            self.var_dir / db_name,
            path,
            token=token,
            env={**os.environ, **self.env},
        )

    def stop(self) -> None:
        cli.stop(self.processes)
