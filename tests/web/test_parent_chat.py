"""The parent chat in a real browser against the real Rasa and action servers."""

from __future__ import annotations

import json
import urllib.request
from typing import Callable, List

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from bot.guidance import load_guidance
from bot.stack import Servers
from tests.web.chat_page import ChatPage, user_texts_in_tracker
from tests.web.conftest import PHONE

pytestmark = pytest.mark.slow

EMERGENCY_RED = "rgb(213, 40, 27)"  # NHS emergency red, #d5281b
XSS = "<img src=x onerror=alert(1)>"
WATCH_TYPING = """() => {
  const typing = document.querySelector('.sc-typing');
  window.typingWasShown = false;
  new MutationObserver(() => { window.typingWasShown ||= !typing.hidden; }).observe(typing, {attributes: true});
}"""
BUTTON_PAYLOADS = {
    button["title"]: button["payload"]
    for item in load_guidance().data["texts"].values()
    for button in item.get("buttons", [])
}


def test_health_and_page_headers(web_url: str, servers: Servers) -> None:
    with urllib.request.urlopen(web_url + "health", timeout=5) as reply:
        assert reply.status == 200
        assert json.loads(reply.read())["status"] == "ok"
    with urllib.request.urlopen(web_url, timeout=5) as reply:
        policy = reply.headers["Content-Security-Policy"]
        page = reply.read().decode()
    rasa_ws = servers.rasa_url.replace("http://", "ws://")
    assert "script-src 'self';" in policy
    assert f"connect-src 'self' {servers.rasa_url} {rasa_ws};" in policy
    assert f'data-rasa-url="{servers.rasa_url}"' in page


def test_page_says_what_the_service_is_with_the_widget_open(chat: ChatPage) -> None:
    chat.open()
    page = chat.page
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("not a diagnosis").first).to_be_visible()
    expect(chat.input).to_be_visible()
    expect(chat.input).to_be_editable()
    expect(chat.call_bar.locator('a[href="tel:999"]')).to_be_visible()
    expect(chat.call_bar.locator('a[href="tel:111"]')).to_be_visible()
    expect(chat.page.locator('.sc-log[role="log"][aria-live="polite"]')).to_have_count(1)


def test_red_flag_gets_the_999_guidance_first_styled_as_an_emergency(chat: ChatPage) -> None:
    chat.open()
    chat.page.evaluate(WATCH_TYPING)
    replies = chat.send("my baby is floppy and her lips are blue")
    assert chat.page.evaluate("() => window.typingWasShown"), "a typing indicator while the bot answers"
    expect(chat.page.locator(".sc-typing")).to_be_hidden()
    assert "Call 999" in replies[0], replies
    first = chat.bot_messages.nth(1)  # message 0 is the greeting
    expect(first).to_have_attribute("data-level", "emergency")  # the level the bot sent, not the wording
    expect(first).to_have_class("sc-msg sc-bot sc-emergency")
    assert first.evaluate("node => getComputedStyle(node).backgroundColor") == EMERGENCY_RED
    expect(first).to_be_in_viewport()  # later messages of the reply do not push it out of sight
    expect(first.locator('a[href="tel:999"]')).to_be_visible()
    assertive = chat.page.locator('.sc-widget [aria-live="assertive"]')
    expect(assertive).to_contain_text("Call 999 now")
    later = [chat.bot_messages.nth(i) for i in range(2, chat.bot_messages.count())]
    assert not any("sc-emergency" in (m.get_attribute("class") or "") for m in later)


def test_on_a_phone_the_message_box_is_on_the_first_screen_and_the_reply_starts_on_screen(
    new_chat: Callable[..., ChatPage],
) -> None:
    chat = new_chat(viewport=PHONE).open()
    assert chat.on_screen(chat.input), "no scrolling to find where to type"
    before = chat.bot_messages.count()
    chat.send("my baby is floppy and her lips are blue")
    first = chat.bot_messages.nth(before)
    assert chat.top_on_screen(first, 80), "the first lines of the 999 text, whatever follows it"
    expect(first).to_have_class("sc-msg sc-bot sc-emergency")


def test_quick_reply_sends_its_payload_and_shows_its_title(chat: ChatPage, servers: Servers) -> None:
    chat.open()
    chat.send("my 2 year old has a temperature")
    if not chat.quick_replies.count():  # it asks for the temperature first, then offers buttons
        chat.send("38.5")
    expect(chat.quick_replies.first).to_be_visible()
    button = chat.quick_replies.first
    title = button.inner_text().strip()
    before = chat.bot_messages.count()
    button.click()
    expect(chat.user_messages.last).to_have_text(f"You said: {title}", use_inner_text=True)
    assert chat.replies_after(before)
    assert title not in chat.quick_replies.all_inner_texts(), "used buttons go away"
    sent: List[str] = user_texts_in_tracker(servers.var_dir / "tracker.db", chat.session_id())
    assert sent[-1] == BUTTON_PAYLOADS[title], "the button's payload, not its title, goes to Rasa"


def test_film_request_shows_a_film_card(chat: ChatPage) -> None:
    chat.open()
    chat.send("can I watch the caring for children with fever at home film")
    card = chat.page.locator(".sc-film")
    try:
        card.first.wait_for(timeout=15_000)
    except PlaywrightTimeout:
        pytest.fail(
            "no film card arrived: the socket.io channel must send a custom payload as the data of "
            "bot_uttered (see docs/web.md, 'Film cards'); transcript: " + " | ".join(chat.transcript())
        )
    expect(card.first.locator(".sc-film-title")).to_have_text("Caring for Children with Fever at Home")
    expect(card.first.locator(".sc-film-audience")).not_to_be_empty()
    link = card.first.locator("a.sc-film-link")
    assert link.get_attribute("target") == "_blank"
    assert "noopener" in (link.get_attribute("rel") or "").split()
    assert (link.get_attribute("href") or "").startswith("https://")
    summaries = [t for t in chat.transcript() if "Watch: http" in t]
    assert not summaries, f"the card replaces the film's plain-text summary: {summaries}"


def test_history_is_kept_across_a_reload(chat: ChatPage, servers: Servers) -> None:
    chat.open()
    chat.send("what is sepsis")
    session = chat.session_id()
    before = chat.transcript()
    chat.page.reload()
    chat.wait_until_connected()
    assert chat.transcript() == before
    assert chat.session_id() == session
    expect(chat.bot_messages.last).to_be_in_viewport()  # the log opens at its end
    assert chat.send("how do I check for a rash")
    assert user_texts_in_tracker(servers.var_dir / "tracker.db", session) == [
        "what is sepsis",
        "how do I check for a rash",
    ]


def test_html_typed_by_a_parent_is_shown_as_text_and_never_run(chat: ChatPage) -> None:
    dialogs: List[str] = []
    chat.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    chat.open()
    assert chat.send(XSS)
    expect(chat.user_messages.last.locator(".sc-text")).to_have_text(XSS)
    assert chat.page.locator(".sc-widget img").count() == 0
    chat.page.reload()  # the stored transcript is rendered as text too
    chat.wait_until_connected()
    expect(chat.user_messages.last.locator(".sc-text")).to_have_text(XSS)
    assert chat.page.locator(".sc-widget img").count() == 0
    assert dialogs == []


def test_start_a_new_chat_clears_the_conversation(chat: ChatPage) -> None:
    chat.open()
    chat.send("hello")
    first_session = chat.session_id()
    chat.page.get_by_role("button", name="Start a new chat").click()
    expect(chat.user_messages).to_have_count(0)
    expect(chat.input).to_be_focused()
    assert chat.session_id() != first_session
    assert chat.send("hello")
