"""Drive the parent chat in a real browser the way a parent would (a small page object)."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any, Dict, List

from playwright.sync_api import Locator, Page

from bot.cli import ROOT

AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
TURN_TIMEOUT_MS = 60_000
# The part of an element a parent can see: inside the viewport, above the fixed call bar, and
# inside every scrolling box around it (the log scrolls by itself).
SEEN_PART = """(node) => {
  const box = node.getBoundingClientRect();
  const bar = document.querySelector('.sc-callbar').getBoundingClientRect();
  let top = Math.max(box.top, 0), bottom = Math.min(box.bottom, window.innerHeight, bar.top);
  for (let parent = node.parentElement; parent; parent = parent.parentElement) {
    if (!/(auto|scroll|hidden)/.test(getComputedStyle(parent).overflowY)) continue;
    const clip = parent.getBoundingClientRect();
    top = Math.max(top, clip.top);
    bottom = Math.min(bottom, clip.bottom);
  }
  return {top: box.top, bottom: box.bottom, seenTop: top, seenBottom: bottom};
}"""


class ChatPage:
    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.url = url

    # --- parts of the widget ------------------------------------------------
    @property
    def widget(self) -> Locator:
        return self.page.locator(".sc-widget")

    @property
    def input(self) -> Locator:
        return self.page.get_by_label("Type your message")

    @property
    def bot_messages(self) -> Locator:
        return self.page.locator(".sc-log .sc-bot")

    @property
    def user_messages(self) -> Locator:
        return self.page.locator(".sc-log .sc-user")

    @property
    def quick_replies(self) -> Locator:
        return self.page.locator(".sc-replies .sc-reply")

    @property
    def notice(self) -> Locator:
        return self.page.locator(".sc-notice")

    @property
    def call_bar(self) -> Locator:
        return self.page.locator(".sc-callbar")

    # --- what a parent does ---------------------------------------------------
    def open(self) -> ChatPage:
        self.page.goto(self.url)
        self.wait_until_connected()
        return self

    def wait_until_connected(self, timeout_ms: float = 30_000) -> None:
        self.page.locator('.sc-widget[data-connection="connected"]').wait_for(timeout=timeout_ms)

    def send(self, text: str) -> List[str]:
        """Type a message, press Enter, and return the bot's replies to it."""
        before = self.bot_messages.count()
        self.input.fill(text)
        self.input.press("Enter")
        return self.replies_after(before)

    def replies_after(self, before: int, quiet_s: float = 1.5) -> List[str]:
        """Wait for the first new bot message, then until no more arrive for `quiet_s`."""
        self.bot_messages.nth(before).wait_for(timeout=TURN_TIMEOUT_MS)
        count, since = self.bot_messages.count(), time.monotonic()
        while time.monotonic() - since < quiet_s:
            time.sleep(0.2)
            if self.bot_messages.count() != count:
                count, since = self.bot_messages.count(), time.monotonic()
        return [self.bot_messages.nth(i).inner_text() for i in range(before, count)]

    def session_id(self) -> str:
        saved = self.page.evaluate(
            "() => Object.keys(localStorage).filter(k => k.startsWith('sepsis-chat:')).map(k => localStorage.getItem(k))"
        )
        assert len(saved) == 1, saved
        return json.loads(saved[0])["sessionId"]

    def transcript(self) -> List[str]:
        return [text.strip() for text in self.page.locator(".sc-log .sc-msg").all_inner_texts()]

    def axe_violations(self) -> List[Dict[str, Any]]:
        """Run axe-core (from node_modules, never a CDN) with the page's CSP still in force."""
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE_PATH.read_text(encoding="utf8"))
        result = self.page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            WCAG_22_AA,
        )
        return [
            {"id": v["id"], "impact": v["impact"], "help": v["help"], "targets": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]
        ]

    def no_horizontal_scroll(self) -> bool:
        return bool(self.page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))

    def on_screen(self, locator: Locator) -> bool:
        """All of the element can be seen (not above the top, not behind the call bar, not
        scrolled out of the log)."""
        part = locator.evaluate(SEEN_PART)
        return part["seenTop"] <= part["top"] + 0.5 and part["seenBottom"] >= part["bottom"] - 0.5

    def top_on_screen(self, locator: Locator, height_px: float) -> bool:
        """The element's first `height_px` (its first lines) can be seen."""
        part = locator.evaluate(SEEN_PART)
        return part["seenTop"] <= part["top"] + 0.5 and part["seenBottom"] >= part["top"] + height_px

    def in_viewport(self, locator: Locator) -> bool:
        box = locator.bounding_box()
        size = self.page.viewport_size
        assert box is not None and size is not None
        return (
            box["y"] >= 0
            and box["y"] + box["height"] <= size["height"] + 0.5
            and box["x"] >= 0
            and (box["x"] + box["width"] <= size["width"] + 0.5)
        )


def user_texts_in_tracker(tracker_db: Path, sender_id: str) -> List[str]:
    """What Rasa received from this conversation, read from its SQLite tracker store."""
    with sqlite3.connect(tracker_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (sender_id,)
        ).fetchall()
    return [json.loads(row[0]).get("text", "") for row in rows]
