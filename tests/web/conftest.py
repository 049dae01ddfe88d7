"""Browser fixtures: Debian's Chromium driven by Playwright, and the web app on a free port."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest
from playwright.sync_api import Browser, sync_playwright

from bot import cli
from bot.cli import ROOT
from bot.stack import Servers, free_port
from tests.web.chat_page import AXE_PATH, ChatPage

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
RESULTS = ROOT / "results"


def start_web_app(rasa_url: str, log_dir: Path) -> Tuple[str, subprocess.Popen]:
    """`python -m bot.web` exactly as `python -m bot run` starts it; returns (page URL, process)."""
    port = free_port()
    log = log_dir / f"web-{port}.log"
    process = cli.start(cli.web_server_command(port, rasa_url), log)
    base = f"http://127.0.0.1:{port}"
    if not cli.wait_for(f"{base}/health", 60, process):
        cli.stop([process])
        pytest.fail(f"the web app did not start; {log.name}:\n{log.read_text(errors='replace')[-3000:]}")
    return f"{base}/", process


def start_scripted_rasa(scripts: Dict[str, List[Dict[str, Any]]], var_dir: Path) -> Tuple[str, subprocess.Popen]:
    """tests/web/scripted_rasa.py: the real socket.io channel in front of a scripted bot."""
    var_dir.mkdir(parents=True, exist_ok=True)
    script_file = var_dir / "scripts.json"
    script_file.write_text(json.dumps(scripts), encoding="utf8")
    port = free_port()
    log = var_dir / f"scripted-rasa-{port}.log"
    command = [cli.PYTHON, "-m", "tests.web.scripted_rasa", "--port", str(port), "--scripts", str(script_file)]
    process = cli.start(command, log, {"BOT_VAR_DIR": str(var_dir)})
    url = f"http://127.0.0.1:{port}"
    if not cli.wait_for(f"{url}/", 120, process):
        cli.stop([process])
        pytest.fail(f"the scripted Rasa server did not start; {log.name}:\n{log.read_text(errors='replace')[-3000:]}")
    return url, process


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail("Chromium is missing: run scripts/install-browser.sh (apt-get install chromium)")
    if not AXE_PATH.is_file():
        pytest.fail("axe-core is missing: run scripts/install-browser.sh (npm ci)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def web_url(servers: Servers) -> Iterator[str]:
    """The parent page, its widget pointing at the session's Rasa server."""
    url, process = start_web_app(servers.rasa_url, servers.var_dir / "logs")
    yield url
    cli.stop([process])


@pytest.fixture
def new_chat(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[..., ChatPage]]:
    """Make a chat in a fresh browser context (own localStorage, so its own Rasa conversation),
    on the real stack's page unless `url` names another; `options` go to the browser context.

    Fails the test if the page hit a script error or a Content-Security-Policy violation.
    """
    contexts = []
    problems: List[str] = []

    def make(viewport: Optional[Dict[str, int]] = None, url: Optional[str] = None, **options: Any) -> ChatPage:
        url = url or request.getfixturevalue("web_url")
        context = browser.new_context(viewport=viewport or DESKTOP, **options)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on(
            "console",
            lambda message: (
                problems.append(f"CSP: {message.text}") if "Content Security Policy" in message.text else None
            ),
        )
        return ChatPage(page, url)

    yield make
    for context in contexts:
        context.close()
    assert not problems, problems


@pytest.fixture
def chat(new_chat: Callable[..., ChatPage]) -> ChatPage:
    return new_chat()
