"""The portal over HTTP: login everywhere, CSRF, lock-out, escaping, headers,
cookies, roles, and SQL metacharacters in every filter."""

from __future__ import annotations

import csv
import io
import json

import pytest
import sqlalchemy as sa

from bot.staff import indexer
from bot.staff.schema import conversations, reviews
from tests.staff.builder import Conversation, emergency, insert
from tests.staff.conftest import ADMIN, PASSWORD, REVIEWER, Client

START = 1_795_000_000.0
XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>", '"><svg onload=alert(3)>']
FORMULAS = ['=HYPERLINK("http://evil")', "+1+cmd ok", "-2+3", "@SUM(A1:A2)"]
PAGES = [
    "/staff/",
    "/staff/queue",
    "/staff/dashboard",
    "/staff/account",
    "/staff/audit",
    "/staff/users",
    "/staff/retention",
    "/staff/no/such/page",
]
EXPORTS = ["/staff/export.csv", "/staff/export.json"]


def seed_hostile(portal) -> str:
    """A conversation whose messages attack the pages and the exports; returns its key."""
    convo = Conversation("hostile", "socketio", START)
    for text in XSS + FORMULAS:
        convo.user(text, "out_of_scope", 0.4).triaged("emergency" if text == XSS[0] else "none").bot(f"echo {text}")
    insert(portal.engine, convo, emergency(START - 100, sender_id="calm"))
    indexer.refresh(portal.engine)
    return key_of(portal, "hostile")


def key_of(portal, sender: str) -> str:
    with portal.engine.connect() as connection:
        return connection.execute(
            sa.select(conversations.c.conversation_key).where(conversations.c.sender_id == sender)
        ).scalar_one()


def assert_escaped(body: str) -> None:
    for attack in XSS:
        assert attack not in body, f"unescaped: {attack}"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=alert(2)&gt;" in body
    assert "&#34;&gt;&lt;svg onload=alert(3)&gt;" in body


# --- login required -------------------------------------------------------------
@pytest.mark.parametrize("path", PAGES + ["/staff/conversations/0123456789abcdef01234567", "/staff/?level=emergency"])
def test_pages_redirect_anonymous_visitors_to_the_login_page(client, path):
    reply = client.get(path)
    assert reply.status_code == 303
    assert reply.headers["Location"].startswith("/staff/login?next=%2Fstaff%2F")


@pytest.mark.parametrize("path", EXPORTS + ["/staff/export.csv?level=emergency"])
def test_exports_need_a_login(client, path):
    reply = client.get(path)
    assert reply.status_code == 401
    assert "conversation" not in reply.text


@pytest.mark.parametrize(
    "path",
    [
        "/staff/conversations/0123456789abcdef01234567/status",
        "/staff/conversations/0123456789abcdef01234567/tags",
        "/staff/conversations/0123456789abcdef01234567/notes",
        "/staff/users",
        "/staff/retention/purge",
        "/staff/logout",
        "/staff/account/password",
    ],
)
def test_anonymous_posts_get_401(client, path):
    assert client.post(path, {"status": "reviewed"}).status_code == 401


def test_a_forged_session_cookie_is_anonymous(portal, client):
    client.session.cookies.set("staff_session", "token.signature", path="/staff")
    assert client.get("/staff/").status_code == 303


def test_logout_ends_the_session(portal, admin):
    cookie = admin.session.cookies.get("staff_session")
    assert admin.post("/staff/logout", csrf_from="/staff/").status_code == 303
    stale = Client(portal.base)
    stale.session.cookies.set("staff_session", cookie, path="/staff")
    assert stale.get("/staff/").status_code == 303


@pytest.mark.parametrize(
    "target,location",
    [
        ("https://evil.example/", "/staff/"),
        ("//evil.example/", "/staff/"),
        ("/staff//evil.example", "/staff/"),
        ("/staff/../../etc", "/staff/"),
        ("/\\evil", "/staff/"),
        ("javascript:alert(1)", "/staff/"),
        ("/staff/queue?level=urgent", "/staff/queue?level=urgent"),
    ],
)
def test_login_only_returns_inside_the_portal(portal, target, location):
    fresh = Client(portal.base)
    reply = fresh.post("/staff/login", {"name": ADMIN, "password": PASSWORD, "next": target}, csrf_from="/staff/login")
    assert reply.status_code == 303 and reply.headers["Location"] == location


# --- CSRF ------------------------------------------------------------------------
def test_a_post_without_the_csrf_token_is_rejected(portal, admin):
    key = seed_hostile(portal)
    assert admin.post(f"/staff/conversations/{key}/status", {"status": "reviewed"}).status_code == 403
    assert (
        admin.post(f"/staff/conversations/{key}/status", {"status": "reviewed", "csrf_token": "0" * 64}).status_code
        == 403
    )
    with portal.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(reviews)).scalar_one() == 0
    reply = admin.post(
        f"/staff/conversations/{key}/status", {"status": "reviewed"}, csrf_from=f"/staff/conversations/{key}"
    )
    assert reply.status_code == 303


def test_another_users_csrf_token_does_not_work(portal, admin, reviewer):
    key = seed_hostile(portal)
    token = reviewer.csrf("/staff/")
    assert admin.post(f"/staff/conversations/{key}/tags", {"tag": "x", "csrf_token": token}).status_code == 403


def test_a_login_without_the_csrf_token_is_rejected(client):
    client.get("/staff/login")
    reply = client.post("/staff/login", {"name": ADMIN, "password": PASSWORD})
    assert reply.status_code == 403 and "staff_session" not in reply.cookies


# --- lock-out --------------------------------------------------------------------
def test_the_sixth_login_is_refused_even_with_the_right_password(client):
    for _ in range(5):
        assert client.login(REVIEWER, "not the password").status_code == 401
    reply = client.login(REVIEWER, PASSWORD)
    assert reply.status_code == 401 and "staff_session" not in reply.cookies
    assert client.get("/staff/").status_code == 303
    assert client.login(ADMIN, PASSWORD).status_code == 303  # other accounts are not affected


def test_the_lock_is_in_the_audit_log(portal, client, admin):
    for _ in range(5):
        client.login(REVIEWER, "not the password")
    page = admin.get("/staff/audit?action=account_locked").text
    assert "account_locked" in page and REVIEWER in page


# --- escaping --------------------------------------------------------------------
def test_hostile_messages_are_escaped_in_the_list(portal, admin):
    seed_hostile(portal)
    body = admin.get("/staff/").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and XSS[0] not in body


def test_hostile_messages_are_escaped_in_the_transcript(portal, admin):
    key = seed_hostile(portal)
    assert_escaped(admin.get(f"/staff/conversations/{key}").text)


def test_hostile_messages_are_escaped_in_the_queue_and_searches(portal, admin):
    seed_hostile(portal)
    body = admin.get("/staff/queue").text + admin.get("/staff/?q=%3Cscript%3E").text
    assert XSS[0] not in body and "&lt;script&gt;" in body
    reflected = admin.get("/staff/?q=%22%3E%3Csvg%20onload%3Dalert(3)%3E&tag=%3Cscript%3E").text
    assert '"><svg' not in reflected and "<script>" not in reflected.split("</head>")[1]


def test_hostile_tags_and_notes_are_escaped(portal, admin):
    key = seed_hostile(portal)
    page = f"/staff/conversations/{key}"
    admin.post(f"{page}/notes", {"text": XSS[1] + " " + XSS[2]}, csrf_from=page)
    admin.post(f"{page}/tags", {"tag": "<b>bold</b>"}, csrf_from=page)  # refused: not a tag
    body = admin.get(page).text
    assert XSS[1] not in body and XSS[2] not in body and "<b>bold" not in body
    assert "&lt;img src=x onerror=alert(2)&gt;" in body


def test_csv_export_escapes_nothing_but_neutralises_formulas(portal, admin):
    seed_hostile(portal)
    reply = admin.get("/staff/export.csv")
    assert reply.status_code == 200 and reply.headers["Content-Type"].startswith("text/csv")
    assert reply.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(reply.text)))
    parent = [row["text"] for row in rows if row["speaker"] == "parent"]
    assert XSS[0] in parent  # CSV is data, not HTML: the text itself is kept
    assert '\'=HYPERLINK("http://evil")' in parent and "'-2+3" in parent and "'@SUM(A1:A2)" in parent
    assert "'+1+cmd ok" in parent
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value


def test_json_export_cannot_be_read_as_html(portal, admin):
    seed_hostile(portal)
    reply = admin.get("/staff/export.json")
    assert reply.headers["Content-Type"].startswith("application/json")
    assert "<" not in reply.text and ">" not in reply.text
    texts = [t["parent"]["text"] for c in reply.json()["conversations"] for t in c["turns"] if "parent" in t]
    assert XSS[0] in texts and XSS[2] in texts  # the data survives, escaped for transport


# --- headers and cookies ---------------------------------------------------------------
def assert_strict_headers(reply) -> None:
    policy = reply.headers.get("Content-Security-Policy", "")
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "*" not in policy
    assert reply.headers["X-Frame-Options"] == "DENY"
    assert reply.headers["Cache-Control"] == "no-store"
    assert reply.headers["X-Content-Type-Options"] == "nosniff"


def test_every_portal_page_sends_a_strict_policy(portal, admin, client):
    key = seed_hostile(portal)
    for path in (
        PAGES + EXPORTS + [f"/staff/conversations/{key}", "/staff/conversations/nope", "/staff/static/staff.css"]
    ):
        reply = admin.get(path)
        assert reply.status_code in (200, 404), path
        assert_strict_headers(reply)
        if reply.headers["Content-Type"].startswith("text/html"):
            assert "<script" not in reply.text and ' style="' not in reply.text and "<svg onload" not in reply.text
    for path in PAGES + EXPORTS + ["/staff/login", "/staff"]:
        assert_strict_headers(client.get(path))
    assert_strict_headers(admin.post(f"/staff/conversations/{key}/status", {"status": "reviewed"}))
    for method, path in [("GET", "/staff/logout"), ("PUT", "/staff/"), ("POST", "/staff/queue")]:
        reply = admin.session.request(method, admin.url(path), allow_redirects=False, timeout=30)
        assert reply.status_code == 405
        assert_strict_headers(reply)  # errors Sanic raises before choosing a route


def test_the_session_cookie_is_httponly_samesite_strict_and_secure_over_https(portal):
    plain = Client(portal.base)
    header = plain.login().headers["Set-Cookie"]
    session = [part for part in header.split(", staff_") if "staff_session=" in part][0]
    assert "HttpOnly" in session and "SameSite=Strict" in session and "Path=/staff" in session
    assert "Secure" not in session
    proxied = Client(portal.base)
    proxied.session.headers["X-Forwarded-Proto"] = "https"
    proxied.get("/staff/login")
    token = Client.TOKEN.search(proxied.get("/staff/login").text).group(1)
    reply = proxied.session.post(
        proxied.url("/staff/login"),
        allow_redirects=False,
        data={"name": ADMIN, "password": PASSWORD, "csrf_token": token},
    )
    assert "Secure" in reply.headers["Set-Cookie"]


# --- roles --------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/staff/audit", "/staff/users", "/staff/retention"])
def test_reviewers_cannot_open_admin_pages(reviewer, path):
    assert reviewer.get(path).status_code == 403


def test_reviewers_cannot_change_users_purge_or_delete(portal, reviewer):
    key = seed_hostile(portal)
    page = f"/staff/conversations/{key}"
    assert (
        reviewer.post(
            "/staff/users", {"name": "eve", "password": "x" * 20, "role": "admin"}, csrf_from=page
        ).status_code
        == 403
    )
    assert reviewer.post("/staff/retention/purge", {"days": "1", "confirm": "purge"}, csrf_from=page).status_code == 403
    assert reviewer.post(f"{page}/delete", {"confirm": "delete"}, csrf_from=page).status_code == 403
    assert "Delete conversation" not in reviewer.get(page).text
    assert reviewer.get(page).status_code == 200


# --- SQL metacharacters over HTTP ----------------------------------------------------------
@pytest.mark.parametrize(
    "name", ["date_from", "date_to", "channel", "level", "red_flag", "fallback", "status", "tag", "sign", "q", "page"]
)
def test_sql_metacharacters_in_every_filter_are_harmless_over_http(portal, admin, name):
    seed_hostile(portal)
    for value in ["'; DROP TABLE events; --", "' OR '1'='1", "%", "\\", "%00", "1 UNION SELECT 1"]:
        for path in ("/staff/", "/staff/queue", "/staff/dashboard", "/staff/export.json"):
            reply = admin.session.get(admin.url(path), params={name: value}, timeout=30, allow_redirects=False)
            assert reply.status_code == 200, (path, name, value)
            if (
                path == "/staff/export.json"
                and name not in ("page", "date_from", "date_to", "level", "red_flag", "fallback", "status")
                and value != "%"
            ):
                assert json.loads(reply.text)["conversations"] == []
    assert admin.get("/staff/").text.count("/staff/conversations/") >= 2  # the events table is intact
