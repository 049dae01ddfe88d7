"""How the widget draws the bot's messages on a phone, with exact messages from a scripted bot.

The browser talks to the real socket.io channel (tests/web/scripted_rasa.py: SafeSocketIOInput and
its guard) in front of a scripted bot, so each test knows the exact text, keys and level of every
message. A message is styled by its `level`, never by its wording; the newest reply starts on
screen; the message box is on the first screen; a handover card can be copied and shared.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterator, List

import pytest
from playwright.sync_api import expect

from bot import cli
from tests.web.chat_page import ChatPage
from tests.web.conftest import PHONE, start_scripted_rasa, start_web_app

pytestmark = pytest.mark.slow

EMERGENCY_RED = "rgb(213, 40, 27)"  # NHS emergency red, #d5281b
EMERGENCY_TEXT = (
    'Call 999 now or go to A&E. What you describe is an emergency sign: say "I think this could be sepsis" '
    "when you speak to them, and do not wait to see if it gets better."
)
# Starts with the same two words as the emergency text, but it is the everyday safety net.
SAFETY_NET_TEXT = (
    "Call 999 if an emergency sign appears: a rash that does not fade under a glass, fast or difficult "
    "breathing, blue, grey, pale or blotchy skin, a fit, or being floppy or very hard to wake. Call 111 or see "
    "a GP if your child gets worse, the fever lasts 5 days or more, or you become more worried. Trust your "
    "instincts: you know your child best."
)
LONG_TEXT = (
    "While you wait: keep your child comfortable and lying on their side if they are very sleepy. Do not give "
    "them anything to eat. Have their red book and any medicines ready to show the ambulance crew, and keep "
    "the phone with you so that the call handler can reach you."
)
HANDOVER_LINES = [
    "Age: 2 years",
    "Temperature: 39.4C (taken 10 minutes ago)",
    "Signs: very sleepy, hard to wake; fast breathing",
    "Medicines: paracetamol at 9:10",
]
HANDOVER_TEXT = "What to tell the call handler\n" + "\n".join(f"- {line}" for line in HANDOVER_LINES)
HANDOVER_CARD = {
    "type": "handover_card",
    "title": "What to tell the call handler",
    "lines": HANDOVER_LINES,
    "text": HANDOVER_TEXT,
    "guidance_keys": ["handover.card"],
    "level": "urgent",
}
AGE_BUTTONS = [
    {"title": "Under 3 months", "payload": "2 months"},
    {"title": "3 to 6 months", "payload": "4 months"},
    {"title": "6 months to 5 years", "payload": "2 years"},
    {"title": "Over 5 years", "payload": "6 years"},
]


def said(text: str, level: str, *keys: str, **extra: Any) -> Dict[str, Any]:
    """A bot message as an action sends it: text, its guidance keys and the level it expresses."""
    return {"text": text, "guidance_keys": list(keys), "level": level, **extra}


EMERGENCY_REPLY = [
    said(EMERGENCY_TEXT, "emergency", "emergency.call_999"),
    said("Signs you told me about: floppy; blue lips.", "info", "signs_you_told_me"),
    said(LONG_TEXT, "advice", "emergency.while_waiting"),
    said(LONG_TEXT, "advice", "emergency.while_waiting"),
]
SCRIPTS: Dict[str, List[Dict[str, Any]]] = {
    "show an emergency": EMERGENCY_REPLY,
    "show a late emergency": [{"pause_s": 2}, *EMERGENCY_REPLY],
    "show the safety net": [said(SAFETY_NET_TEXT, "none", "safety_net")],
    "show an untagged message": [{"text": EMERGENCY_TEXT}],
    "show urgent advice": [said("Call NHS 111 now, or see a GP today. " + LONG_TEXT, "urgent", "urgent.call_111")],
    "show some advice": [said(LONG_TEXT + " Call 111 if you are worried.", "advice", "advice.x")] * 3,
    "ask the age": [
        said(
            "I need to check a few things before I can say how serious this is. If your child seems seriously "
            "unwell, call 999 or go to A&E now; if you are worried, call NHS 111.",
            "info",
            "advice.screen_first",
        ),
        said(
            "How old is your child? (for example 6 weeks, 4 months, 2 years)",
            "none",
            "question.age",
            buttons=AGE_BUTTONS,
        ),  # fmt: skip
    ],
    # As the actions send it: the card as the custom payload, the message's own keys beside it.
    "show the handover card": [
        said(EMERGENCY_TEXT, "emergency", "emergency.call_999"),
        {"custom": HANDOVER_CARD, "guidance_keys": ["handover.card"], "level": "none"},
    ],
    # Rasa sends a message with text and a card as two bot_uttered: the card replaces the text.
    "show the handover card after its text": [
        {"text": HANDOVER_TEXT, "custom": HANDOVER_CARD, "guidance_keys": ["handover.card"], "level": "none"},
    ],
}
# Scripts run in the page before the widget (Playwright init scripts).
COPY_REFUSED = "navigator.clipboard.writeText = () => Promise.reject(new Error('refused'));"
NOTHING_COPIES = COPY_REFUSED + " document.execCommand = () => false;"
SHARE_RECORDED = "navigator.share = (data) => { window.sharedData = data; return Promise.resolve(); };"


@pytest.fixture(scope="module")
def scripted_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The parent page, its widget talking to the scripted bot."""
    var_dir = tmp_path_factory.mktemp("scripted")
    rasa_url, rasa = start_scripted_rasa(SCRIPTS, var_dir)
    web_url, web = start_web_app(rasa_url, var_dir)
    yield web_url
    cli.stop([web, rasa])


@pytest.fixture
def phone(new_chat: Callable[..., ChatPage], scripted_url: str) -> Callable[..., ChatPage]:
    def make(**options: Any) -> ChatPage:
        return new_chat(viewport=PHONE, url=scripted_url, **options)

    return make


def reply_to(chat: ChatPage, script: str) -> int:
    """Send a script's name; return the index (in chat.bot_messages) of the reply's first message."""
    before = chat.bot_messages.count()
    chat.send(script)
    return before


def test_an_emergency_level_message_is_the_emergency_card_and_is_announced(phone: Callable[..., ChatPage]) -> None:
    chat = phone().open()
    first = chat.bot_messages.nth(reply_to(chat, "show an emergency"))
    expect(first).to_have_class("sc-msg sc-bot sc-emergency")
    assert first.evaluate("node => getComputedStyle(node).backgroundColor") == EMERGENCY_RED
    expect(first.locator(".sc-emergency-label")).to_have_text("Emergency")
    expect(first.locator('a.sc-emergency-call[href="tel:999"]')).to_have_text("Call 999 now")
    expect(chat.page.locator('.sc-widget [aria-live="assertive"]')).to_have_text("Emergency. " + EMERGENCY_TEXT)
    expect(chat.page.locator(".sc-log .sc-emergency")).to_have_count(1)  # the rest of the reply is not red
    chat.page.reload()  # the level is kept with the stored transcript
    chat.wait_until_connected()
    expect(chat.page.locator(".sc-log .sc-emergency")).to_have_count(1)


@pytest.mark.hazard("H14")
@pytest.mark.parametrize("script", ["show the safety net", "show an untagged message"])
def test_call_999_wording_without_the_emergency_level_is_a_plain_message(
    phone: Callable[..., ChatPage], script: str
) -> None:
    chat = phone().open()
    message = chat.bot_messages.nth(reply_to(chat, script))
    expect(message.locator(".sc-text")).to_have_text(SAFETY_NET_TEXT if "safety" in script else EMERGENCY_TEXT)
    expect(message).to_have_class("sc-msg sc-bot")
    expect(message).to_have_attribute("data-level", "none")
    assert message.evaluate("node => getComputedStyle(node).backgroundColor") == "rgb(255, 255, 255)"
    expect(message.locator("a.sc-emergency-call")).to_have_count(0)
    expect(chat.page.locator('.sc-widget [aria-live="assertive"]')).to_be_empty()


def test_an_urgent_level_message_has_the_urgent_style(phone: Callable[..., ChatPage]) -> None:
    chat = phone().open()
    message = chat.bot_messages.nth(reply_to(chat, "show urgent advice"))
    expect(message).to_have_class("sc-msg sc-bot sc-urgent")
    expect(message.locator(".sc-urgent-label")).to_have_text("Urgent advice")
    assert message.evaluate("node => getComputedStyle(node).borderLeftColor") == EMERGENCY_RED
    assert chat.axe_violations() == []


def test_the_message_box_is_on_the_first_screen_when_the_page_opens(phone: Callable[..., ChatPage]) -> None:
    chat = phone().open()
    assert chat.page.evaluate("() => window.scrollY") == 0
    assert chat.on_screen(chat.input), "a parent should not have to scroll to find where to type"
    assert chat.on_screen(chat.page.get_by_role("button", name="Send"))
    assert chat.on_screen(chat.bot_messages.first), "the greeting says what to do"


@pytest.mark.hazard("H17")
def test_the_newest_replys_first_message_is_on_screen_after_a_long_conversation(
    phone: Callable[..., ChatPage],
) -> None:
    chat = phone().open()
    for _ in range(3):
        reply_to(chat, "show some advice")
    first = chat.bot_messages.nth(reply_to(chat, "show an emergency"))
    assert chat.on_screen(first), "the emergency card must not be scrolled out of sight by what follows it"
    assert chat.on_screen(chat.input), "with the message box below it"
    chat.page.evaluate("() => window.scrollTo(0, 0)")  # the parent scrolls back up to read the page
    first = chat.bot_messages.nth(reply_to(chat, "show urgent advice"))
    assert chat.top_on_screen(first, 60), "the first lines of the newest reply"


@pytest.mark.hazard("H17")
def test_a_reply_that_comes_while_the_parent_reads_the_page_brings_its_start_on_screen(
    phone: Callable[..., ChatPage],
) -> None:
    chat = phone().open()
    before = chat.bot_messages.count()
    chat.input.fill("show a late emergency")
    chat.input.press("Enter")
    chat.page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    first = chat.bot_messages.nth(before)
    chat.replies_after(before)
    assert chat.on_screen(first)
    expect(first).to_have_class("sc-msg sc-bot sc-emergency")


def test_a_question_and_its_quick_replies_are_on_screen_together(phone: Callable[..., ChatPage]) -> None:
    chat = phone().open()
    reply_to(chat, "show some advice")
    start = reply_to(chat, "ask the age")
    question = chat.bot_messages.last
    expect(question.locator(".sc-text")).to_have_text("How old is your child? (for example 6 weeks, 4 months, 2 years)")
    expect(chat.quick_replies).to_have_text([button["title"] for button in AGE_BUTTONS])
    assert chat.on_screen(chat.bot_messages.nth(start)), "the reply from its first message"
    assert chat.on_screen(question)
    for button in chat.quick_replies.all():
        assert chat.on_screen(button), button.inner_text()


def test_the_handover_card_shows_its_lines_and_copy_puts_them_on_the_clipboard(
    phone: Callable[..., ChatPage],
) -> None:
    chat = phone(permissions=["clipboard-read", "clipboard-write"]).open()
    reply_to(chat, "show the handover card")
    card = chat.page.locator(".sc-log .sc-handover")
    expect(card).to_have_count(1)
    expect(card).to_have_attribute("data-level", "urgent")  # the card's own level, not the message's "none"
    expect(card.locator(".sc-handover-title")).to_have_text(HANDOVER_CARD["title"])
    expect(card.locator(".sc-handover-lines li")).to_have_text(HANDOVER_LINES)
    expect(card.get_by_role("button", name="Share")).to_have_count(0)  # this browser cannot share
    copy = card.get_by_role("button", name=f"Copy: {HANDOVER_CARD['title']}")
    copy.click()
    expect(card.locator(".sc-copied")).to_have_text("Copied")
    expect(chat.page.locator('.sc-widget [role="status"]')).to_have_text("Copied")
    assert chat.page.evaluate("() => navigator.clipboard.readText()") == HANDOVER_TEXT
    assert chat.on_screen(copy)
    assert chat.axe_violations() == []
    chat.page.reload()
    chat.wait_until_connected()
    expect(chat.page.locator(".sc-log .sc-handover .sc-handover-lines li")).to_have_text(HANDOVER_LINES)


def test_copy_falls_back_when_the_clipboard_is_refused(phone: Callable[..., ChatPage]) -> None:
    chat = phone(permissions=["clipboard-read", "clipboard-write"])
    chat.page.add_init_script(COPY_REFUSED)
    chat.open()
    reply_to(chat, "show the handover card")
    card = chat.page.locator(".sc-log .sc-handover")
    card.get_by_role("button", name="Copy").click()
    expect(card.locator(".sc-copied")).to_have_text("Copied")
    assert chat.page.evaluate("() => navigator.clipboard.readText()") == HANDOVER_TEXT
    expect(card.get_by_role("button", name="Copy")).to_be_focused()


def test_when_nothing_can_copy_the_details_are_selected_for_the_parent(phone: Callable[..., ChatPage]) -> None:
    chat = phone()
    chat.page.add_init_script(NOTHING_COPIES)
    chat.open()
    reply_to(chat, "show the handover card")
    card = chat.page.locator(".sc-log .sc-handover")
    card.get_by_role("button", name="Copy").click()
    expect(card.locator(".sc-copied")).to_contain_text("Could not copy")
    selected = chat.page.evaluate("() => window.getSelection().toString()")
    assert [line.strip() for line in selected.strip().splitlines()] == HANDOVER_LINES


def test_share_sends_the_card_where_the_device_can_share(phone: Callable[..., ChatPage]) -> None:
    chat = phone()
    chat.page.add_init_script(SHARE_RECORDED)
    chat.open()
    reply_to(chat, "show the handover card after its text")
    card = chat.page.locator(".sc-log .sc-handover")
    expect(card).to_have_count(1)
    plain = chat.page.locator(".sc-log .sc-bot:not(.sc-handover) .sc-text").all_inner_texts()
    assert HANDOVER_TEXT not in plain, "the card replaces its plain-text copy"
    card.get_by_role("button", name="Share").click()
    chat.page.wait_for_function("() => window.sharedData !== undefined")
    assert chat.page.evaluate("() => window.sharedData") == {"title": HANDOVER_CARD["title"], "text": HANDOVER_TEXT}
