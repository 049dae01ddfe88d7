"""The public REST webhook against the real running servers: bad input never gets a
500, an empty reply or silence; good input always carries the 999/111 line."""

from __future__ import annotations

import json
import sqlite3
import urllib.error
import urllib.request
import uuid
from typing import Any, List, Tuple

import pytest

pytestmark = pytest.mark.slow


def post(url: str, body: bytes, content_type: str = "application/json") -> Tuple[int, Any]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status, json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw)
        except ValueError:
            return error.code, raw.decode(errors="replace")


def say(servers: Any, text: Any, sender: str | None = None) -> Tuple[int, Any]:
    body = {"sender": sender or f"t-{uuid.uuid4().hex}", "message": text}
    return post(servers.rest_url, json.dumps(body).encode())


def stored_events(servers: Any, sender: str) -> List[dict]:
    """Events of one conversation, read from the SQLite tracker store."""
    with sqlite3.connect(servers.var_dir / "tracker.db") as db:
        rows = db.execute("SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,)).fetchall()
    return [json.loads(row[0]) for row in rows]


def all_text(replies: List[dict]) -> str:
    return " ".join(str(r.get("text") or (r.get("custom") or {}).get("text") or "") for r in replies)


@pytest.mark.hazard("H02")
@pytest.mark.parametrize(
    "text",
    ["", "   ", "🙂🙂🙂", "طفلي عنده حرارة", "<script>alert(1)</script><img src=x onerror=alert(1)>",
     "baby\u0000hot", "x" * 20000, "' OR 1=1; DROP TABLE events; --"],
    ids=["empty", "spaces", "emoji", "rtl", "html", "nul", "20000", "sql"],
)  # fmt: skip
def test_odd_text_gets_a_sensible_reply_with_999_or_111(servers: Any, text: str) -> None:
    status, replies = say(servers, text)
    assert status == 200, replies
    assert replies and ("999" in all_text(replies) or "111" in all_text(replies))


def test_a_lone_surrogate_is_handled(servers: Any) -> None:
    body = b'{"sender": "surrogate-1", "message": "my baby \\ud800 is hot"}'
    status, replies = post(servers.rest_url, body)
    assert status == 200 and "111" in all_text(replies) or "999" in all_text(replies)


def test_a_capped_message_says_so(servers: Any) -> None:
    status, replies = say(servers, "lovely day at the park. " * 1000)
    assert status == 200
    assert "only the parts" in all_text(replies)


@pytest.mark.hazard("H01")
def test_a_red_flag_at_the_end_of_a_very_long_message_is_still_found(servers: Any) -> None:
    status, replies = say(servers, "we had a nice day at the beach. " * 600 + "now he is floppy and wont wake up")
    assert status == 200
    assert replies[0]["text"].startswith("Call 999 now or go to A&E.")


@pytest.mark.parametrize(
    "body,status",
    [(b"", 400), (b"{not json", 400), (b"[1, 2]", 400), (b'"text"', 400), (b"\xff\xfe\x00", 400),
     (b'{"message": "hello"}', 400), (b'{"sender": "", "message": "hello"}', 400),
     (b'{"sender": "a", "message": 5}', 400), (b'{"sender": "a", "message": {"x": 1}}', 400),
     (b'{"sender": "a"}', 400), (json.dumps({"sender": "s" * 300, "message": "hi"}).encode(), 400),
     (json.dumps({"sender": "a", "message": "x" * 70000}).encode(), 413)],
    ids=["empty", "malformed", "array", "string", "binary", "no-sender", "empty-sender", "number", "object",
         "no-message", "long-sender", "huge"],
)  # fmt: skip
def test_malformed_requests_get_a_4xx_with_a_clear_message(servers: Any, body: bytes, status: int) -> None:
    got, reply = post(servers.rest_url, body)
    assert got == status
    assert isinstance(reply, dict) and reply.get("error")


@pytest.mark.hazard("H04")
def test_a_missing_sender_never_joins_strangers_into_one_conversation(servers: Any) -> None:
    post(servers.rest_url, b'{"message": "my 3 week old has a temp of 38.5"}')
    status, replies = post(servers.rest_url, b'{"message": "thanks"}')
    assert status == 400


@pytest.mark.hazard("H07")
@pytest.mark.parametrize("typed", ["/deny", "/restart", '/report_emergency_sign{"sign": "x"}', "/affirm"])
def test_typed_slash_commands_cannot_force_an_intent_or_skip_a_red_flag_question(servers: Any, typed: str) -> None:
    sender = f"slash-{uuid.uuid4().hex}"
    say(servers, "my 2 year old has a temp of 38.5 and is playing", sender)
    status, replies = say(servers, typed, sender)
    assert status == 200
    assert "999" in all_text(replies) or "111" in all_text(replies)
    # the red-flag question is still asked later: the conversation was not restarted or skipped
    events = stored_events(servers, sender)
    users = [e for e in events if e["event"] == "user"]
    assert len(users) == 2, "the conversation was restarted or a turn was lost"
    assert not any(e["event"] == "restart" for e in events)
    assert users[1]["parse_data"]["intent"]["name"] not in ("restart", "report_emergency_sign")
    assert not users[1]["text"].startswith("/")


@pytest.mark.hazard("H01")
def test_an_emergency_gets_the_fixed_999_text_first(servers: Any) -> None:
    status, replies = say(servers, "my 9 month old is floppy and her lips have gone blue")
    assert status == 200
    assert replies[0]["text"].startswith("Call 999 now or go to A&E.")
