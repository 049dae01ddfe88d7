"""The production set-up, for real: PostgreSQL and Redis, several Rasa processes, and
no silence when parts fail."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from bot import cli
from bot.guidance import load_guidance
from bot.replies import emergency_first, failure
from bot.stack import free_port
from tests.conftest import start_servers
from tests.production.conftest import PG_PORT, TcpProxy, production_env, require_services

pytestmark = pytest.mark.slow
EMERGENCY = emergency_first()["text"]
FAILURE = failure()["text"]


def say(rasa_url: str, sender: str, text: str, timeout: float = 60) -> Tuple[int, List[Dict[str, Any]]]:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(f"{rasa_url}/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"})  # fmt: skip
    with urllib.request.urlopen(request, timeout=timeout) as reply:
        return reply.status, json.loads(reply.read())


def texts(replies: List[Dict[str, Any]]) -> List[str]:
    return [r.get("text") or (r.get("custom") or {}).get("text") or "" for r in replies]


def get_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


def pg_user_texts(db_name: str, sender: str) -> List[str]:
    import psycopg2

    with psycopg2.connect(host="127.0.0.1", port=PG_PORT, user="postgres", dbname=db_name) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT data FROM events WHERE sender_id = %s AND type_name = 'user' ORDER BY id", (sender,))
        return [json.loads(row[0])["text"] for row in cursor.fetchall()]


def start_second_rasa(servers: Any, env: Dict[str, str], name: str) -> Tuple[str, Any]:
    port = free_port()
    process = cli.start(
        cli.rasa_server_command(port, servers.endpoints, credentials=servers.credentials),
        servers.var_dir / "logs" / f"{name}.log", {**env, "BOT_VAR_DIR": str(servers.var_dir)},
    )  # fmt: skip
    assert cli.wait_for(f"http://127.0.0.1:{port}/", 240, process), "second Rasa server did not start"
    return f"http://127.0.0.1:{port}", process


CONVERSATION = [
    "hi", "my son has a fever", "hes 2", "38.9", "yes drinking fine", "yes", "none of these",
    "what is sepsis", "is there a film about fever at home", "thanks bye",
]  # fmt: skip


@pytest.mark.hazard("H04")
@pytest.mark.hazard("H03")
def test_two_rasa_processes_share_postgres_and_redis_in_order(tmp_path: Path, postgres_db: str) -> None:
    env = production_env(postgres_db)
    servers = start_servers(tmp_path / "a", env)
    second_url, second = start_second_rasa(servers, env, "rasa-b")
    urls = [servers.rasa_url, second_url]
    try:
        senders = [f"pg-{uuid.uuid4().hex[:10]}" for _ in range(20)]

        def converse(sender: str) -> List[int]:
            statuses = []
            for index, text in enumerate(CONVERSATION):
                status, replies = say(urls[index % 2], sender, text)
                statuses.append(status)
                assert any("999" in t or "111" in t for t in texts(replies)), (sender, text, replies)
            return statuses

        with ThreadPoolExecutor(max_workers=20) as pool:
            results = list(pool.map(converse, senders))
        assert all(status == 200 for statuses in results for status in statuses)
        for sender in senders:
            assert pg_user_texts(postgres_db, sender) == CONVERSATION, f"{sender}: events lost, duplicated or reordered"
    finally:
        cli.stop([second, *servers.processes])


@pytest.mark.hazard("H12")
@pytest.mark.hazard("H02")
def test_action_server_down_mid_conversation(tmp_path: Path) -> None:
    servers = start_servers(tmp_path)
    try:
        sender = f"down-{uuid.uuid4().hex[:8]}"
        say(servers.rasa_url, sender, "my 2 year old has a temperature")
        cli.stop([servers.processes[0]])  # the action server
        status, replies = say(servers.rasa_url, sender, "38.5")
        assert status == 200 and ("999" in " ".join(texts(replies)) or "111" in " ".join(texts(replies)))
        status, replies = say(servers.rasa_url, sender, "now she is floppy and her lips look blue")
        assert status == 200 and texts(replies)[0] == EMERGENCY
        log = (servers.var_dir / "logs" / "rasa.log").read_text(errors="replace")
        assert "the bot sent nothing" in log or "Failed to run custom action" in log or "action" in log.lower()
    finally:
        cli.stop(servers.processes)


@pytest.mark.hazard("H03")
def test_database_unreachable_fails_closed_and_recovers(tmp_path: Path, postgres_db: str) -> None:
    require_services()
    proxy = TcpProxy(PG_PORT)
    proxy.start()
    servers = start_servers(tmp_path, production_env(postgres_db, proxy.port))
    try:
        sender = f"dbdown-{uuid.uuid4().hex[:8]}"
        status, _ = say(servers.rasa_url, sender, "my baby has a temp of 38.2")
        assert status == 200
        proxy.stop()
        for text in ("she is 10 weeks old", "what should I do"):
            started = time.monotonic()
            status, replies = say(servers.rasa_url, sender, text)
            assert status == 200
            said = texts(replies)
            assert said[-1] == FAILURE and "999" in said[-1] and "111" in said[-1]
            assert time.monotonic() - started < 15
        assert get_status(f"{servers.rasa_url}/webhooks/rest/ready") == 503
        assert get_status(f"{servers.rasa_url}/webhooks/rest/live") == 200
        spooled = list((servers.var_dir / "spool").glob("unsaved-*.jsonl"))
        assert spooled and "10 weeks" in spooled[0].read_text()
        proxy.start()
        deadline = time.monotonic() + 30
        while get_status(f"{servers.rasa_url}/webhooks/rest/ready") != 200 and time.monotonic() < deadline:
            time.sleep(1)
        status, replies = say(servers.rasa_url, sender, "she is 10 weeks old")
        assert texts(replies)[0] == EMERGENCY, "after recovery the context (38.2C) must be back"
    finally:
        proxy.stop()
        cli.stop(servers.processes)


def test_database_down_at_start_up_shows_not_ready(tmp_path: Path, postgres_db: str) -> None:
    servers = start_servers(tmp_path, production_env(postgres_db, free_port()))
    try:
        assert get_status(f"{servers.rasa_url}/webhooks/rest/ready") == 503
        status, replies = say(servers.rasa_url, f"s-{uuid.uuid4().hex[:6]}", "hello")
        assert status == 200 and texts(replies)[-1] == FAILURE
    finally:
        cli.stop(servers.processes)


@pytest.mark.hazard("H09")
def test_a_locked_sqlite_store_does_not_stall_other_requests(tmp_path: Path) -> None:
    servers = start_servers(tmp_path, {"DB_TIMEOUT_SECONDS": "2"})
    try:
        say(servers.rasa_url, "warm-up", "hello")
        lock = sqlite3.connect(servers.var_dir / "tracker.db", timeout=1, check_same_thread=False)
        lock.execute("BEGIN EXCLUSIVE")
        results: Dict[str, Any] = {}

        def slow_turn() -> None:
            results["reply"] = say(servers.rasa_url, "locked-1", "my 3 year old has a temp of 38.5")

        worker = threading.Thread(target=slow_turn)
        worker.start()
        time.sleep(0.3)
        started = time.monotonic()
        assert get_status(f"{servers.rasa_url}/webhooks/rest/live") == 200
        assert time.monotonic() - started < 1.0, "the event loop was stalled by the database"
        worker.join(30)
        lock.rollback()
        lock.close()
        status, replies = results["reply"]
        assert status == 200 and texts(replies)[-1] == FAILURE
        status, replies = say(servers.rasa_url, "locked-2", "my 3 year old has a temp of 38.5")
        assert texts(replies)[0] == load_guidance().text("advice.screen_first"), "recovers once the lock is gone"
    finally:
        cli.stop(servers.processes)


@pytest.mark.hazard("H03")
@pytest.mark.parametrize("profile", ["sqlite", "postgresql"])
def test_restarting_every_process_loses_no_history(
    tmp_path: Path, profile: str, request: pytest.FixtureRequest
) -> None:
    env = production_env(request.getfixturevalue("postgres_db")) if profile == "postgresql" else {}
    sender = f"restart-{uuid.uuid4().hex[:8]}"
    servers = start_servers(tmp_path, env)
    try:
        say(servers.rasa_url, sender, "my baby has a temp of 38.2")
    finally:
        cli.stop(servers.processes)
    servers = start_servers(tmp_path, env)
    try:
        status, replies = say(servers.rasa_url, sender, "she is 10 weeks old")
        assert texts(replies)[0] == EMERGENCY, "the temperature given before the restart was remembered"
    finally:
        cli.stop(servers.processes)


@pytest.mark.hazard("H05")
def test_the_action_server_refuses_calls_without_the_shared_secret(servers: Any) -> None:
    def call(headers: Dict[str, str]) -> int:
        body = json.dumps({"next_action": "action_safety_net", "tracker": {"sender_id": "x", "slots": {}, "events": [],
                           "latest_message": {}}, "domain": {}}).encode()  # fmt: skip
        request = urllib.request.Request(f"{servers.action_url}/webhook", data=body,
                                         headers={"Content-Type": "application/json", **headers})  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return reply.status
        except urllib.error.HTTPError as error:
            return error.code

    assert call({}) == 401
    assert call({"X-Action-Token": "wrong"}) == 401
    assert call({"X-Action-Token": servers.action_token}) == 200
