"""Fast checks of the web app's pure parts: the Rasa origin, the CSP, the page and the assets."""

from __future__ import annotations

import json
import re

import pytest

from bot.cli import ROOT
from bot.guidance import load_guidance
from bot.web.__main__ import parse_args
from bot.web.page import render_page
from bot.web.security import RasaOrigin, content_security_policy, rasa_origin

STATIC = ROOT / "bot" / "web" / "static"
WIDGET_JS = (STATIC / "widget.js").read_text(encoding="utf8")


@pytest.mark.parametrize(
    "url, expected",
    [
        ("http://127.0.0.1:5005", RasaOrigin("http://127.0.0.1:5005", "ws://127.0.0.1:5005")),
        ("https://Chat.Example.org/", RasaOrigin("https://chat.example.org", "wss://chat.example.org")),
    ],
)
def test_rasa_origin(url: str, expected: RasaOrigin) -> None:
    assert rasa_origin(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "127.0.0.1:5005",
        "ftp://127.0.0.1",
        "http://127.0.0.1:5005/socket.io",
        "http://user:secret@127.0.0.1:5005",
        "http://127.0.0.1:5005?x=1",
        'http://a"onmouseover=x',
        "http://a; script-src *",
    ],
)
def test_anything_but_a_plain_origin_is_refused(url: str) -> None:
    with pytest.raises(ValueError):
        rasa_origin(url)


def test_cli_refuses_a_bad_rasa_url() -> None:
    with pytest.raises(SystemExit):
        parse_args(["--rasa-url", "javascript:alert(1)"])
    assert parse_args(["--port", "8123", "--rasa-url", "http://127.0.0.1:5005"]).port == 8123


def test_policy_runs_only_own_scripts_and_talks_only_to_rasa() -> None:
    policy = content_security_policy(rasa_origin("http://127.0.0.1:5005"))
    directives = dict(part.split(" ", 1) for part in policy.split("; "))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self' http://127.0.0.1:5005 ws://127.0.0.1:5005"
    assert "unsafe" not in policy


def test_page_injects_the_rasa_url_and_the_guidance_lines() -> None:
    page = render_page(rasa_origin("http://127.0.0.1:5005"))
    assert '<div id="sepsis-chat" data-rasa-url="http://127.0.0.1:5005"></div>' in page
    assert '<script src="/static/widget.js" defer></script>' in page
    assert "$" not in page, "every template placeholder is filled"
    guidance = load_guidance()
    assert guidance.text("safety_line") in page
    assert guidance.text("safety_net").replace('"', "&quot;") in page
    assert "<script>" not in page, "no inline script"
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", page), "no inline event handler"


def test_widget_wording_matches_the_guidance_file() -> None:
    guidance = load_guidance()
    assert json.dumps(guidance.text("safety_line")) in WIDGET_JS
    assert json.dumps(guidance.text("chat.greet")) in WIDGET_JS


def test_widget_never_builds_markup_from_strings() -> None:
    for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert unsafe not in WIDGET_JS, unsafe


def test_vendored_socket_io_client_is_the_pinned_one() -> None:
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["socket.io-client"]
    banner = (STATIC / "vendor" / "socket.io.min.js").read_text(encoding="utf8")[:200]
    assert f"Socket.IO v{pinned}" in banner
