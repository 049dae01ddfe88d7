"""A clinician in Chromium: log in, filter to emergencies, open a transcript,
flag it, export CSV. Fails on any Content-Security-Policy violation or script error."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path
from typing import Iterator, List

import pytest

from bot.staff import indexer
from tests.staff.builder import Conversation, advice, emergency, finding, insert
from tests.staff.conftest import ADMIN, PASSWORD, PortalServer, add_user

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]

pytestmark = pytest.mark.slow


@pytest.fixture
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="python playwright is not installed")
    if not CHROMIUM.is_file():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def seeded_portal(sqlite_db) -> Iterator[PortalServer]:
    now = time.time()
    urgent = (
        Conversation("urgent-1", "twilio", now - 5000)
        .user(
            "he has not had a wet nappy all day",
            "describe_sick_child",
            0.9,
            level="urgent",
            findings=[finding("no_wee", "urgent", "not had a wet nappy")],
        )
        .triaged("urgent", ["no_wee"])
        .bot("Call NHS 111 now or see a GP today.")
        .listen()
    )
    insert(
        sqlite_db,
        emergency(now - 9000, sender_id="emergency-1", text="her lips look blue"),
        emergency(now - 3000, sender_id="emergency-2", text="a rash that does not fade under a glass"),
        advice(now - 1000, sender_id="advice-1"),
        urgent,
    )
    indexer.refresh(sqlite_db)
    add_user(sqlite_db, ADMIN, "admin")
    server = PortalServer(sqlite_db)
    yield server
    server.stop()


def test_log_in_filter_open_flag_and_export(browser, seeded_portal, tmp_path):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: List[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)

    page.goto(f"{seeded_portal.base}/staff/")
    assert "/staff/login" in page.url
    page.fill("#name", ADMIN)
    page.fill("#password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{seeded_portal.base}/staff/")
    assert page.locator("table.conversations tbody tr").count() == 4

    page.select_option("#level", "emergency")
    page.click("text=Apply filters")
    page.wait_for_url("**/staff/?*level=emergency*")
    rows = page.locator("table.conversations tbody tr")
    assert rows.count() == 2
    assert page.locator("table.conversations tr.emergency").count() == 2
    assert "a rash that does not fade" in rows.nth(0).inner_text()  # newest first

    rows.nth(0).locator("td.text a").click()
    page.wait_for_url("**/staff/conversations/*")
    assert page.locator("li.turn.emergency").count() == 1
    assert "EMERGENCY" in page.locator("li.turn.emergency").inner_text()
    page.click("button:has-text('Flag for follow-up')")
    page.wait_for_url("**done=status")
    assert page.locator("[role=status]").inner_text() == "Review status saved."
    assert page.locator(".summary-grid .status").inner_text() == "flagged"
    page.screenshot(path=str(tmp_path / "transcript.png"), full_page=True)

    page.goto(f"{seeded_portal.base}/staff/?level=emergency&status=flagged")
    assert page.locator("table.conversations tbody tr").count() == 1
    with page.expect_download() as download_info:
        page.click("a:has-text('CSV')")
    download = download_info.value
    assert download.suggested_filename.startswith("conversations-") and download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf8"))))
    assert rows and {row["conversation_level"] for row in rows} == {"emergency"}
    assert {row["review_status"] for row in rows} == {"flagged"}
    assert any(row["text"] == "a rash that does not fade under a glass" for row in rows)
    context.close()
    assert not problems, problems
