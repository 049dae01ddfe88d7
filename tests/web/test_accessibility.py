"""WCAG 2.2 AA checks in a real browser: axe-core, keyboard only, phone width, 200% text."""

from __future__ import annotations

from typing import Callable, Dict

import pytest
from playwright.sync_api import expect

from tests.web.chat_page import ChatPage
from tests.web.conftest import DESKTOP, PHONE, RESULTS

pytestmark = pytest.mark.slow

RED_FLAG = "my baby is floppy and her lips are blue"
FOCUSED = """() => {
  const node = document.activeElement;
  const style = getComputedStyle(node);
  return {className: String(node.className), tag: node.tagName,
          outline: style.outlineStyle + ' ' + style.outlineWidth, shadow: style.boxShadow};
}"""


def ask_about_fever(chat: ChatPage) -> None:
    """A calm conversation that ends with quick-reply buttons on screen."""
    chat.send("my 2 year old has a temperature")
    if not chat.quick_replies.count():
        chat.send("38.5")
    expect(chat.quick_replies.first).to_be_visible()


def test_axe_finds_no_violations_with_the_widget_open_and_with_a_conversation(chat: ChatPage) -> None:
    chat.open()
    assert chat.axe_violations() == []
    ask_about_fever(chat)
    chat.send("can I watch the caring for children with fever at home film")
    chat.send(RED_FLAG)
    assert chat.axe_violations() == []


def test_keyboard_only_parent_can_chat_and_sees_where_focus_is(chat: ChatPage) -> None:
    chat.open()
    page = chat.page
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["outline"] != "none 0px" and focused["shadow"] != "none", f"focus not visible: {focused}"
        if "sc-input" in focused["className"]:
            break
    else:
        pytest.fail("the message box cannot be reached with the Tab key")
    before = chat.bot_messages.count()
    page.keyboard.type("my 2 year old has a temperature")
    page.keyboard.press("Enter")
    chat.replies_after(before)
    if not chat.quick_replies.count():
        before = chat.bot_messages.count()
        page.keyboard.type("38.5")
        page.keyboard.press("Enter")
        chat.replies_after(before)
    page.keyboard.press("Shift+Tab")  # from the message box back to the last quick reply
    focused = page.evaluate(FOCUSED)
    assert "sc-reply" in focused["className"], focused
    title = page.evaluate("() => document.activeElement.textContent")
    before = chat.bot_messages.count()
    page.keyboard.press("Enter")
    expect(chat.user_messages.last.locator(".sc-text")).to_have_text(title)
    expect(chat.input).to_be_focused()
    chat.replies_after(before)


@pytest.mark.parametrize("text_size", ["100%", "200%"])
def test_phone_width_at_normal_and_double_text_size(new_chat: Callable[..., ChatPage], text_size: str) -> None:
    chat = new_chat(viewport=PHONE).open()
    page = chat.page
    page.evaluate("(size) => { document.documentElement.style.fontSize = size; }", text_size)
    chat.send(RED_FLAG)
    assert chat.no_horizontal_scroll(), "the page must reflow at 360 px wide"
    for where in ("0", "document.documentElement.scrollHeight"):
        page.evaluate(f"() => window.scrollTo(0, {where})")
        assert chat.in_viewport(chat.call_bar), "the 999 / 111 bar must never scroll away"
    chat.input.focus()
    input_box, bar_box = chat.input.bounding_box(), chat.call_bar.bounding_box()
    assert input_box and bar_box and input_box["y"] + input_box["height"] <= bar_box["y"], "focus hidden by the bar"
    send = page.get_by_role("button", name="Send")
    send.scroll_into_view_if_needed()
    assert chat.in_viewport(send)
    assert chat.axe_violations() == []


def screenshot(new_chat: Callable[..., ChatPage], viewport: Dict[str, int], name: str, red_flag: bool) -> None:
    chat = new_chat(viewport=viewport).open()
    if red_flag:
        chat.send(RED_FLAG)
    else:
        ask_about_fever(chat)
    chat.page.locator("#chat").scroll_into_view_if_needed()
    if viewport == DESKTOP:
        chat.page.evaluate("() => window.scrollTo(0, 0)")
    RESULTS.mkdir(exist_ok=True)
    chat.page.screenshot(path=str(RESULTS / name))


def test_screenshots_for_review(new_chat: Callable[..., ChatPage]) -> None:
    """results/web-phone.png and results/web-desktop.png: look at them after a change."""
    screenshot(new_chat, PHONE, "web-phone.png", red_flag=True)
    screenshot(new_chat, DESKTOP, "web-desktop.png", red_flag=False)
    assert (RESULTS / "web-phone.png").stat().st_size > 0
    assert (RESULTS / "web-desktop.png").stat().st_size > 0
