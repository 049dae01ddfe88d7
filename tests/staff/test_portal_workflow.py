"""What staff do in the portal: read, review, tag, note, export, administer."""

from __future__ import annotations

import re
import time

import pytest
import sqlalchemy as sa

from bot.staff import audit, indexer
from bot.staff.schema import conversations, events
from tests.staff.builder import Conversation, advice, emergency, finding, insert
from tests.staff.conftest import ADMIN, PASSWORD, REVIEWER, Client, PortalServer, add_user

NOW = time.time()


def seed(engine) -> dict:
    worried = (
        Conversation("worried", "twilio", NOW - 3600)
        .user(
            "she is not right and I am still worried",
            "still_worried",
            0.45,
            level="urgent",
            findings=[finding("parent_concern", "urgent", "not right")],
        )
        .triaged("urgent", ["parent_concern"])
        .action("action_triage")
        .bot("Call NHS 111 now or see a GP today.")
        .listen()
    )
    insert(engine, emergency(NOW - 7200, sender_id="floppy"), advice(NOW - 600, sender_id="fine"), worried)
    indexer.refresh(engine)
    with engine.connect() as connection:
        return dict(connection.execute(sa.select(conversations.c.sender_id, conversations.c.conversation_key)).all())


def test_the_list_shows_newest_first_with_levels_and_counts(portal, admin):
    keys = seed(portal.engine)
    body = admin.get("/staff/").text
    order = [m for m in re.findall(r"/staff/conversations/([0-9a-f]{24})", body)]
    assert order[::2] == [keys["fine"], keys["worried"], keys["floppy"]]
    assert '<tr class="emergency">' in body and "<strong>3</strong> conversations" in body
    assert re.search(r'<option value="emergency"[^>]*>emergency \(1\)</option>', body)
    assert re.search(r'<option value="twilio"[^>]*>twilio \(1\)</option>', body)
    filtered = admin.get("/staff/?level=emergency").text
    assert "<strong>1</strong> conversation," in filtered and keys["floppy"] in filtered


def test_the_transcript_shows_each_turn(portal, admin):
    keys = seed(portal.engine)
    body = admin.get(f"/staff/conversations/{keys['floppy']}").text
    assert "my baby is floppy and wont wake up" in body
    assert "report_emergency_sign" in body and "(0.98)" in body
    assert "reduced_consciousness" in body and "EMERGENCY" in body and 'class="turn emergency"' in body
    assert "utter_emergency" in body and "action_escalate" in body and "Call 999 now" in body
    assert "socketio" in body
    body = admin.get(f"/staff/conversations/{keys['worried']}").text
    assert "0.45, low" in body and "parent_concern" in body


def test_review_flag_tag_and_note(portal, reviewer):
    keys = seed(portal.engine)
    page = f"/staff/conversations/{keys['worried']}"
    assert (
        reviewer.post(f"{page}/status", {"status": "flagged"}, csrf_from=page).headers["Location"]
        == f"{page}?done=status"
    )
    reviewer.post(f"{page}/tags", {"tag": "Call back"}, csrf_from=page)
    reviewer.post(f"{page}/notes", {"text": "Rang mum on 07700 900123: seen by GP."}, csrf_from=page)
    body = reviewer.get(page).text
    assert "status-flagged" in body and "call back" in body
    assert "Rang mum on [PHONE]: seen by GP." in body and "07700" not in body
    assert keys["worried"] in reviewer.get("/staff/?tag=call+back&status=flagged").text
    reviewer.post(f"{page}/tags/remove", {"tag": "call back"}, csrf_from=page)
    assert keys["worried"] not in reviewer.get("/staff/?tag=call+back").text
    bad = reviewer.post(f"{page}/tags", {"tag": "<b>"}, csrf_from=page)
    assert bad.headers["Location"] == f"{page}?error=tag"
    assert "A tag is 1 to 40" in reviewer.get(bad.headers["Location"]).text


def test_the_queue_and_taking_a_conversation_off_it(portal, admin):
    keys = seed(portal.engine)
    queue = admin.get("/staff/queue").text
    assert keys["worried"] in queue and keys["fine"] not in queue and keys["floppy"] not in queue
    assert "parent says the child is worse or is still worried" in queue and "low NLU confidence" in queue
    page = f"/staff/conversations/{keys['worried']}"
    admin.post(f"{page}/status", {"status": "reviewed"}, csrf_from=page)
    assert keys["worried"] not in admin.get("/staff/queue").text


def test_every_view_export_and_edit_is_audited(portal, admin, reviewer):
    keys = seed(portal.engine)
    page = f"/staff/conversations/{keys['fine']}"
    reviewer.get(page)
    reviewer.post(f"{page}/status", {"status": "reviewed"}, csrf_from=page)
    reviewer.post(f"{page}/notes", {"text": "fine"}, csrf_from=page)
    reviewer.post(f"{page}/tags", {"tag": "ok"}, csrf_from=page)
    reviewer.post(f"{page}/tags/remove", {"tag": "ok"}, csrf_from=page)
    reviewer.get("/staff/export.csv?level=advice")
    reviewer.get("/staff/export.json")
    entries = audit.entries(portal.engine, actor=REVIEWER)[0]
    done = [(e.action, e.target) for e in entries]
    for action in ("view_transcript", "set_status", "add_note", "add_tag", "remove_tag"):
        assert (action, keys["fine"]) in done
    exports = {e.action: e.detail for e in entries if e.action.startswith("export")}
    assert '"level": "advice"' in exports["export_csv"] and "export_json" in exports
    assert ("login", "") in done
    log = admin.get(f"/staff/audit?actor={REVIEWER}").text
    assert "view_transcript" in log and "export_csv" in log
    assert admin.post("/staff/audit", {}, csrf_from="/staff/audit").status_code in (403, 404, 405)


def test_admin_adds_and_manages_users(portal, admin):
    reply = admin.post(
        "/staff/users",
        {"name": "carol", "password": "carol's long password", "role": "reviewer"},
        csrf_from="/staff/users",
    )
    assert reply.headers["Location"] == "/staff/users?done=added"
    carol = Client(portal.base)
    assert carol.login("carol", "carol's long password").status_code == 303
    users = admin.get("/staff/users").text
    user_id = re.search(
        r'action="/staff/users/(\d+)"[^<]*<input[^>]*>\s*<input type="hidden" name="change" value="role">\s*'
        r'<label class="visually-hidden" for="role-\d+">Role of carol',
        users,
    ).group(1)
    admin.post(f"/staff/users/{user_id}", {"change": "role", "role": "admin"}, csrf_from="/staff/users")
    assert carol.get("/staff/audit").status_code == 200
    admin.post(f"/staff/users/{user_id}", {"change": "disable"}, csrf_from="/staff/users")
    assert carol.get("/staff/").status_code == 303  # disabling ends the session
    short = admin.post(
        "/staff/users", {"name": "dave", "password": "short", "role": "reviewer"}, csrf_from="/staff/users"
    )
    assert short.status_code == 400 and "at least 12 characters" in short.text


def test_the_last_admin_cannot_be_demoted(portal, admin):
    users = admin.get("/staff/users").text
    alice_id = re.search(r'for="role-(\d+)">Role of alice', users).group(1)
    reply = admin.post(f"/staff/users/{alice_id}", {"change": "role", "role": "reviewer"}, csrf_from="/staff/users")
    assert reply.status_code == 400 and "last active administrator" in reply.text


def test_changing_ones_password(portal, reviewer):
    wrong = reviewer.post(
        "/staff/account/password", {"current": "nope", "new": "x" * 14, "repeat": "x" * 14}, csrf_from="/staff/account"
    )
    assert wrong.status_code == 400
    done = reviewer.post(
        "/staff/account/password",
        {"current": PASSWORD, "new": "x" * 14, "repeat": "x" * 14},
        csrf_from="/staff/account",
    )
    assert done.headers["Location"] == "/staff/login"
    assert Client(portal.base).login(REVIEWER, "x" * 14).status_code == 303


def test_admin_deletes_one_conversation(portal, admin):
    keys = seed(portal.engine)
    page = f"/staff/conversations/{keys['floppy']}"
    assert (
        admin.post(f"{page}/delete", {"confirm": "no"}, csrf_from=page).headers["Location"] == f"{page}?error=confirm"
    )
    assert (
        admin.post(f"{page}/delete", {"confirm": "delete"}, csrf_from=page).headers["Location"]
        == "/staff/?done=deleted"
    )
    with portal.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).where(events.c.sender_id == "floppy")).scalar_one() == 0
    assert admin.get(page).status_code == 404
    assert "delete_conversation" in admin.get("/staff/audit").text


def test_retention_page_purges_old_conversations(portal, admin):
    seed(portal.engine)
    insert(portal.engine, advice(NOW - 200 * 86400, sender_id="ancient"))
    page = admin.get("/staff/retention").text
    assert "90 days" in page and "1 conversation (" in page
    refused = admin.post("/staff/retention/purge", {"days": "90", "confirm": ""}, csrf_from="/staff/retention")
    assert refused.status_code == 400
    done = admin.post("/staff/retention/purge", {"days": "90d", "confirm": "purge"}, csrf_from="/staff/retention")
    assert "Deleted 1 conversations" in done.text
    assert "purge" in admin.get("/staff/audit?action=purge").text


def test_the_dashboard(portal, admin):
    seed(portal.engine)
    body = admin.get("/staff/dashboard").text
    assert "<svg" in body and 'class="bar level-emergency"' in body
    assert "floppy, very sleepy" in body and "report_emergency_sign" in body
    assert "Conversations per day by highest triage level" in body
    assert admin.get("/staff/dashboard?date_from=2020-01-01&date_to=2020-01-31").status_code == 200


def test_the_standalone_app_mounts_the_portal_at_staff(tmp_path, monkeypatch):
    from sanic import Sanic

    from bot.staff.__main__ import create_app

    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "tracker.db"))
    Sanic.test_mode = True
    app = create_app(name="staff_standalone_test")
    assert any(route.path.startswith("staff/") for route in app.router.routes)


@pytest.mark.slow
def test_the_portal_on_postgresql(pg_engine):
    """The web layer on PostgreSQL (the queries are tested on both in test_queries)."""
    add_user(pg_engine, ADMIN, "admin")
    keys = seed(pg_engine)
    server = PortalServer(pg_engine)
    try:
        admin = Client(server.base)
        assert admin.login().status_code == 303
        assert keys["worried"] in admin.get("/staff/?channel=twilio&red_flag=yes").text
        page = f"/staff/conversations/{keys['worried']}"
        assert admin.post(f"{page}/status", {"status": "flagged"}, csrf_from=page).status_code == 303
        assert keys["worried"] in admin.get("/staff/queue").text
        assert admin.get("/staff/export.csv?status=flagged").text.count(keys["worried"]) == 2
        assert admin.get("/staff/dashboard").status_code == 200
    finally:
        server.stop()
