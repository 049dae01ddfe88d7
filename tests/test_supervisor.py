"""`make run` heals: a child that exits is started again while the others keep serving."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from bot import cli
from bot.stack import free_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.hazard("H12")
def test_a_child_that_exits_is_started_again_and_the_others_keep_running(tmp_path: Path) -> None:
    crashing = [sys.executable, "-c", "import sys, time; time.sleep(0.2); sys.exit(3)"]
    steady = [sys.executable, "-c", "import time; time.sleep(60)"]
    first = cli.start(crashing, tmp_path / "a.log")
    other = cli.start(steady, tmp_path / "b.log")
    processes = [first, other]
    specs = {id(first): ("crashing child", crashing, tmp_path / "a.log", {}),
             id(other): ("steady child", steady, tmp_path / "b.log", {})}  # fmt: skip
    deadline = time.monotonic() + 8
    try:
        cli.supervise(processes, specs, stop_when=lambda: processes[0] is not first or time.monotonic() > deadline)
        assert processes[0] is not first, "the crashed child was not started again"
        assert processes[1] is other and other.poll() is None, "the other child was stopped"
    finally:
        cli.stop(processes)


@pytest.mark.slow
@pytest.mark.hazard("H12")
def test_killing_the_action_server_under_run_keeps_the_rasa_server_answering_and_it_comes_back(tmp_path: Path) -> None:
    port, action_port, web_port = free_port(), free_port(), free_port()
    env = dict(os.environ, BOT_VAR_DIR=str(tmp_path / "var"))
    run = subprocess.Popen([sys.executable, "-m", "bot", "run", "--port", str(port), "--action-port", str(action_port),
                            "--web-port", str(web_port)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, start_new_session=True)  # fmt: skip
    try:
        assert cli.wait_for(f"http://127.0.0.1:{web_port}/health", 240, run), "make run did not start"
        health = f"http://127.0.0.1:{action_port}/health"
        children = psutil.Process(run.pid).children(recursive=True)
        action_server = next(c for c in children if "actions.server" in " ".join(c.cmdline()))
        action_server.kill()  # as a crash would
        time.sleep(0.5)
        body = (
            b'{"sender": "supervisor-test", "message": "she is floppy and has a rash that does not fade under a glass"}'
        )
        request = urllib.request.Request(f"http://127.0.0.1:{port}/webhooks/rest/webhook", data=body,
                                         headers={"Content-Type": "application/json"})  # fmt: skip
        with urllib.request.urlopen(request, timeout=30) as reply:
            text = reply.read().decode()
        assert "Call 999 now or go to A&E" in text  # the Rasa server still answers, 999 first
        assert cli.wait_for(health, 10), "the action server was not back within 10 s"
        assert cli.wait_for(f"http://127.0.0.1:{web_port}/health", 5), "the web page went down"
    finally:
        os.killpg(run.pid, signal.SIGINT)
        try:
            run.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, signal.SIGKILL)
