"""The Rasa server goes away and comes back: the parent is told what to do meanwhile, and the
conversation carries on by itself. Uses its own set of servers, since it stops one."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
from playwright.sync_api import expect

from bot import cli
from bot.stack import Servers
from tests.conftest import start_servers
from tests.web.chat_page import ChatPage, user_texts_in_tracker
from tests.web.conftest import start_web_app

pytestmark = pytest.mark.slow


def restart_rasa(servers: Servers) -> None:
    """Start the Rasa server again on the same port, with the same tracker store."""
    assert servers.endpoints is not None and servers.credentials is not None
    process = cli.start(
        cli.rasa_server_command(servers.rasa_port, servers.endpoints, credentials=servers.credentials),
        servers.var_dir / "logs" / "rasa-restarted.log",
        {"ACTION_SERVER_TOKEN": servers.action_token, "BOT_VAR_DIR": str(servers.var_dir)},
    )
    servers.processes[1] = process
    if not cli.wait_for(f"{servers.rasa_url}/", 240, process):
        pytest.fail("the Rasa server did not start again")


def test_connection_notice_then_reconnects_and_carries_on(tmp_path: Path, new_chat: Callable[..., ChatPage]) -> None:
    servers = start_servers(tmp_path / "var")
    web_url, web = start_web_app(servers.rasa_url, servers.var_dir / "logs")
    try:
        chat = new_chat(url=web_url).open()
        assert chat.send("hello")
        expect(chat.notice).to_be_hidden()

        cli.stop([servers.processes[1]])
        expect(chat.notice).to_be_visible(timeout=30_000)
        expect(chat.notice).to_have_attribute("role", "alert")
        expect(chat.notice).to_contain_text("999")
        expect(chat.notice).to_contain_text("111")
        assert chat.in_viewport(chat.call_bar)
        assert chat.axe_violations() == []

        # A message typed while offline is kept and goes out once the connection is back.
        before = chat.bot_messages.count()
        chat.input.fill("my 2 year old has a temperature")
        chat.input.press("Enter")
        expect(chat.user_messages.last).to_contain_text("my 2 year old has a temperature")

        restart_rasa(servers)
        chat.wait_until_connected(timeout_ms=60_000)
        expect(chat.notice).to_be_hidden()
        assert chat.replies_after(before)
        assert chat.send("what is sepsis")
        assert user_texts_in_tracker(servers.var_dir / "tracker.db", chat.session_id()) == [
            "hello",
            "my 2 year old has a temperature",
            "what is sepsis",
        ]
    finally:
        cli.stop([web])
        servers.stop()
