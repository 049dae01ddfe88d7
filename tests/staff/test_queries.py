"""The queries behind every filter, the counts, the queue, the dashboard, the
exports and purge: each test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from bot.staff import audit, clock, dashboard, export, indexer, listing, purge, review
from bot.staff.filters import Filters
from bot.staff.schema import audit as audit_table
from bot.staff.schema import conversations, events, notes, reviews, tags
from tests.staff.builder import Conversation, advice, emergency, finding, insert


def at(day: str, time: str = "10:00") -> float:
    """A London wall-clock time as a timestamp."""
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=clock.LONDON).timestamp()


def seed(engine):
    """Seven conversations with one thing each that a filter can find."""
    convos = {
        "A": emergency(at("2026-03-10"), channel="socketio", sender_id="A"),
        "B": advice(at("2026-03-12"), channel="rest", sender_id="B"),
        "D": Conversation("D", "telegram", at("2026-03-15", "09:00"))
        .user("asdf 100% sure", "nlu_fallback", 0.31)
        .action("action_fallback")
        .bot("Sorry, I did not understand.")
        .listen(),
        "E": Conversation("E", "rest", at("2026-03-15", "11:00"))
        .user(
            "no rash and she is not floppy",
            "describe_sick_child",
            0.9,
            level="advice",
            negated=["non_blanching_rash", "reduced_consciousness"],
        )
        .triaged("advice")
        .listen(),
        "F": emergency(at("2026-03-10", "16:00"), channel="rest", text="rash that does not fade", sender_id="F"),
        "G": advice(at("2026-06-01", "00:30"), channel="rest", text="temp 38 in the night", sender_id="G"),
        "H": Conversation("H", "rest", at("2026-03-11")),  # a session start only: no parent message
    }
    convos["C"] = (
        Conversation("C", "twilio", at("2026-03-12", "15:00"))
        .user(
            "she has a temperature and is off her feeds",
            "describe_sick_child",
            0.88,
            level="urgent",
            findings=[finding("poor_feeding", "urgent", "off her feeds")],
        )
        .triaged("urgent", ["poor_feeding"])
        .action("action_triage")
        .bot("Call NHS 111 now.")
        .listen()
        .user(
            "I am still worried, she is getting worse",
            "still_worried",
            0.72,
            level="urgent",
            findings=[finding("getting_worse", "urgent", "worse")],
        )
        .triaged("urgent", ["poor_feeding", "getting_worse"])
        .action("action_triage")
        .bot("Call NHS 111 now.")
        .listen()
    )
    insert(engine, *convos.values())
    indexer.refresh(engine)
    return convos


def senders(page) -> list:
    return [row.sender_id for row in page.rows]


def find(engine, **args) -> list:
    return senders(listing.list_conversations(engine, Filters.from_args(args), page_size=100))


def test_newest_activity_first_and_conversations_without_messages_left_out(engine):
    seed(engine)
    assert find(engine) == ["G", "E", "D", "C", "B", "F", "A"]


def test_date_range_is_in_london_days(engine):
    seed(engine)
    assert find(engine, date_from="2026-03-12", date_to="2026-03-12") == ["C", "B"]
    assert find(engine, date_from="2026-03-15") == ["G", "E", "D"]
    assert find(engine, date_to="2026-03-10") == ["F", "A"]
    # 00:30 on 1 June in London (BST) is 23:30 on 31 May in UTC: it belongs to 1 June
    assert find(engine, date_from="2026-06-01", date_to="2026-06-01") == ["G"]
    assert find(engine, date_from="2026-05-31", date_to="2026-05-31") == []


def test_bad_dates_are_reported_and_ignored(engine):
    seed(engine)
    filters = Filters.from_args({"date_from": "10/03/2026", "date_to": "2026-02-31"})
    assert filters.date_from is None and filters.date_to is None and len(filters.problems) == 2
    assert len(senders(listing.list_conversations(engine, filters))) == 7


def test_channel(engine):
    seed(engine)
    assert find(engine, channel="telegram") == ["D"]
    assert find(engine, channel="twilio") == ["C"]
    assert find(engine, channel="nowhere") == []


def test_highest_triage_level(engine):
    seed(engine)
    assert find(engine, level="emergency") == ["F", "A"]
    assert find(engine, level="urgent") == ["C"]
    assert find(engine, level="advice") == ["G", "E", "B"]
    assert find(engine, level="none") == ["D"]
    assert Filters.from_args({"level": "critical"}).problems


def test_red_flag_found(engine):
    seed(engine)
    assert find(engine, red_flag="yes") == ["C", "F", "A"]
    assert find(engine, red_flag="no") == ["G", "E", "D", "B"]


def test_fallback_happened(engine):
    seed(engine)
    assert find(engine, fallback="yes") == ["D"]
    assert find(engine, fallback="no") == ["G", "E", "C", "B", "F", "A"]


def test_review_status(engine):
    seed(engine)
    review.set_status(engine, "B", "kb", "reviewed", "alice")
    review.set_status(engine, "A", "ka", "flagged", "alice")
    assert find(engine, status="reviewed") == ["B"]
    assert find(engine, status="flagged") == ["A"]
    assert find(engine, status="unreviewed") == ["G", "E", "D", "C", "F"]


def test_tag(engine):
    seed(engine)
    review.add_tag(engine, "C", "kc", "Needs call-back", "alice")
    review.add_tag(engine, "A", "ka", "teaching case", "bob")
    assert find(engine, tag="needs call-back") == ["C"]
    assert find(engine, tag="teaching case") == ["A"]
    review.remove_tag(engine, "C", "kc", "needs call-back", "alice")
    assert find(engine, tag="needs call-back") == []


def test_red_flag_sign(engine):
    seed(engine)
    assert find(engine, sign="reduced_consciousness") == ["F", "A"]
    assert find(engine, sign="getting_worse") == ["C"]


def test_text_search_in_the_parents_messages(engine):
    seed(engine)
    assert find(engine, q="floppy") == ["E", "A"]
    assert find(engine, q="FLOPPY") == ["E", "A"]
    assert find(engine, q="still worried") == ["C"]
    assert find(engine, q="100%") == ["D"]
    assert find(engine, q="%") == ["D"]  # a LIKE wildcard is searched for as itself
    assert find(engine, q="_") == []
    assert find(engine, q="Call NHS 111") == []  # the bot's words are not searched


def test_filters_combine(engine):
    seed(engine)
    assert find(engine, level="emergency", channel="rest") == ["F"]
    assert find(engine, red_flag="yes", date_from="2026-03-11") == ["C"]


def test_counts_per_filter(engine):
    seed(engine)
    review.add_tag(engine, "A", "ka", "teaching", "alice")
    review.set_status(engine, "A", "ka", "reviewed", "alice")
    counts = listing.facet_counts(engine, Filters())
    assert dict(counts["level"]) == {"emergency": 2, "urgent": 1, "advice": 3, "info": 0, "none": 1}
    assert dict(counts["channel"]) == {"rest": 4, "socketio": 1, "telegram": 1, "twilio": 1}
    assert dict(counts["red_flag"]) == {"yes": 3, "no": 4}
    assert dict(counts["fallback"]) == {"yes": 1, "no": 6}
    assert dict(counts["status"]) == {"unreviewed": 6, "reviewed": 1, "flagged": 0}
    assert dict(counts["tag"]) == {"teaching": 1}
    # each count applies the other filters, not its own
    counts = listing.facet_counts(engine, Filters.from_args({"channel": "rest", "level": "emergency"}))
    assert dict(counts["level"])["advice"] == 3 and dict(counts["level"])["emergency"] == 1
    assert dict(counts["channel"]) == {"rest": 1, "socketio": 1}


def test_pages(engine):
    seed(engine)
    first = listing.list_conversations(engine, Filters(), page=1, page_size=3)
    third = listing.list_conversations(engine, Filters(), page=3, page_size=3)
    beyond = listing.list_conversations(engine, Filters(), page=99, page_size=3)
    assert (first.total, first.pages, senders(first)) == (7, 3, ["G", "E", "D"])
    assert senders(third) == ["A"] and senders(beyond) == ["A"]


def test_review_queue(engine):
    seed(engine)
    queue = listing.review_queue(engine, Filters())
    assert senders(queue) == ["C", "E", "D"]  # worse/worried, then concern below urgent, then fallback
    assert queue.rows[0].reasons == ["worse_or_worried"]
    assert set(queue.rows[2].reasons) == {"fallback", "low_confidence"}
    review.set_status(engine, "D", "kd", "flagged", "alice")
    review.set_status(engine, "C", "kc", "reviewed", "alice")
    assert senders(listing.review_queue(engine, Filters())) == ["D", "E"]  # flagged first; reviewed gone
    assert senders(listing.review_queue(engine, Filters.from_args({"channel": "rest"}))) == ["E"]


NASTY = [
    "'; DROP TABLE events; --",
    "' OR '1'='1",
    '" OR ""="',
    "%",
    "_",
    "\\",
    "%' --",
    "1; SELECT pg_sleep(5)",
    "') UNION SELECT sender_id FROM events --",
    "\x00",
    "é€😀",
    "a" * 500,
]


@pytest.mark.parametrize(
    "name", ["date_from", "date_to", "channel", "level", "red_flag", "fallback", "status", "tag", "sign", "q"]
)
def test_sql_metacharacters_in_every_filter_are_harmless(engine, name):
    seed(engine)
    with engine.connect() as connection:
        before = connection.execute(sa.select(sa.func.count()).select_from(events)).scalar_one()
    for value in NASTY:
        filters = Filters.from_args({name: value})
        page = listing.list_conversations(engine, filters)
        listing.facet_counts(engine, filters)
        listing.review_queue(engine, filters)
        listing.all_senders(engine, filters, 10)
        expected = {"%": ["D"]}.get(value, []) if name == "q" else None
        if value == "\x00":  # control characters are dropped: no filter at all
            assert page.total == 7
        elif expected is not None:
            assert senders(page) == expected, value
        elif name not in ("date_from", "date_to", "level", "red_flag", "fallback", "status"):
            assert page.total == 0, value  # no value matched anything it should not
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(events)).scalar_one() == before


def test_the_index_follows_new_events(engine):
    convos = seed(engine)
    more = convos["B"]
    more.rows = []
    more.user(
        "now she has a rash that does not fade",
        "report_emergency_sign",
        0.99,
        level="emergency",
        findings=[finding("non_blanching_rash", "emergency", "does not fade")],
    ).triaged("emergency")
    insert(engine, more, advice(at("2026-03-20"), sender_id="new"))
    assert indexer.refresh(engine) == 2
    assert find(engine, level="emergency") == ["B", "F", "A"]
    assert find(engine)[:2] == ["G", "new"]
    assert indexer.refresh(engine) == 0  # nothing changed
    assert indexer.refresh(engine, full=True) == 0


def test_conversation_keys_are_stable_and_reveal_nothing(engine):
    seed(engine)
    with engine.connect() as connection:
        keys = dict(connection.execute(sa.select(conversations.c.sender_id, conversations.c.conversation_key)).all())
    assert all(len(k) == 24 and k != s for s, k in keys.items())
    indexer.refresh(engine, full=True)
    assert indexer.sender_for_key(engine, keys["A"]) == "A"


def test_dashboard(engine):
    seed(engine)
    board = dashboard.build(engine, dt.date(2026, 3, 10), dt.date(2026, 3, 15))
    assert board.per_day == {
        "2026-03-10": {"emergency": 2},
        "2026-03-12": {"advice": 1, "urgent": 1},
        "2026-03-15": {"none": 1, "advice": 1},
    }
    assert (board.conversations, board.fallback_conversations) == (6, 1)
    assert board.fallback_rate == pytest.approx(1 / 6)
    assert (board.messages, board.fallback_messages) == (7, 1)
    assert board.intents[0] == ("describe_sick_child", 3)
    assert dict((sign, n) for sign, _, n in board.red_flags) == {
        "reduced_consciousness": 2,
        "poor_feeding": 1,
        "getting_worse": 1,
    }
    assert len(board.bars) == 6 and board.chart_max == 2
    assert [segment[0] for segment in board.bars[2].segments] == ["advice", "urgent"]


def test_exports(engine):
    seed(engine)
    picked = listing.all_senders(engine, Filters.from_args({"channel": "twilio"}), 10)
    rows = list(csv.DictReader(io.StringIO(export.to_csv(engine, picked))))
    assert [row["speaker"] for row in rows] == ["parent", "bot", "parent", "bot"]
    assert rows[0]["signs_found"] == "poor_feeding" and rows[2]["intent"] == "still_worried"
    assert all(row["conversation"] == picked[0][1] for row in rows) and "C" not in {r["conversation"] for r in rows}
    data = json.loads(export.to_json(engine, picked, {"exported_by": "alice"}))
    assert data["conversations"][0]["level"] == "urgent"
    assert data["conversations"][0]["turns"][1]["parent"]["findings"][0]["sign"] == "poor_feeding"


def test_csv_cells_that_look_like_formulas_are_neutralised():
    assert [export.neutralise(v) for v in ["=1+1", "+44", "-2", "@SUM(A1)", "\tx", "ok", "", None, "3-2"]] == [
        "'=1+1",
        "'+44",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "ok",
        "",
        "",
        "3-2",
    ]


def test_purge_deletes_old_conversations_and_their_portal_data(engine):
    seed(engine)
    for sender in ("A", "E"):
        review.set_status(engine, sender, "k", "flagged", "alice")
        review.add_tag(engine, sender, "k", "old", "alice")
        review.add_note(engine, sender, "k", "called back", "alice")
    now = at("2026-03-15", "12:00")
    dry = purge.purge(engine, 3, "cli:test", dry_run=True, now=now)
    result = purge.purge(engine, 3, "cli:test", now=now)
    assert (dry.conversations, dry.events) == (result.conversations, result.events)
    assert result.conversations == 4  # A, B, F and H (a session start only) ended before 12 March 12:00
    with engine.connect() as connection:
        left = set(connection.execute(sa.select(events.c.sender_id).distinct()).scalars())
        assert left == {"C", "D", "E", "G"}
        for table in (reviews, tags, notes):
            assert set(connection.execute(sa.select(table.c.sender_id)).scalars()) == {"E"}
    assert find(engine) == ["G", "E", "D", "C"]
    entries, total, _, _ = audit.entries(engine, action="purge")
    assert total == 1 and entries[0].actor == "cli:test" and '"conversations": 4' in entries[0].detail
    insert(engine, advice(at("2026-03-16"), sender_id="after"))  # ids may be reused by SQLite: still indexed
    indexer.refresh(engine)
    assert find(engine)[:2] == ["G", "after"]


def test_purge_keeps_a_conversation_with_recent_messages(engine):
    seed(engine)
    late = Conversation("A", "socketio", at("2026-03-15", "11:30")).user("she is better now", "inform", 0.9)
    insert(engine, late)
    purge.purge(engine, 3, "cli:test", now=at("2026-03-15", "12:00"))
    assert "A" in find(engine)


def test_the_audit_log_is_append_only_in_the_database(engine):
    with engine.begin() as connection:
        audit.record(connection, "alice", "view_transcript", "abc")
    for statement in (sa.update(audit_table).values(actor="mallory"), sa.delete(audit_table)):
        with pytest.raises(DBAPIError):
            with engine.begin() as connection:
                connection.execute(statement)
    assert audit.entries(engine)[1] == 1


def test_schema_creation_is_repeatable(engine):
    from bot.staff import schema

    schema.ensure_schema(engine)
    schema.ensure_schema(engine)


def test_a_large_backlog_is_indexed_a_slice_at_a_time(engine, monkeypatch):
    insert(engine, *(advice(at("2026-03-10") + i, sender_id=f"s{i}") for i in range(5)))
    monkeypatch.setattr(indexer, "MAX_REBUILDS", 2)
    assert [indexer.refresh(engine) for _ in range(4)] == [2, 2, 1, 0]
    assert len(find(engine)) == 5
