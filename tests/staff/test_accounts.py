"""Accounts (argon2, lock-out), sessions, and the `staff` / `purge` commands."""

from __future__ import annotations

import io
import time

import pytest
import sqlalchemy as sa

from bot.staff import accounts, audit, cli, indexer
from bot.staff.accounts import AccountError
from bot.staff.schema import events, users
from bot.staff.sessions import IDLE_SECONDS, SessionStore
from tests.staff.builder import advice, insert
from tests.staff.conftest import PASSWORD, add_user


def test_passwords_are_stored_as_argon2id_hashes(engine):
    add_user(engine, "carol", "reviewer")
    with engine.connect() as connection:
        stored = connection.execute(sa.select(users.c.password_hash).where(users.c.name == "carol")).scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_login_and_lock_out_after_five_wrong_passwords(engine):
    add_user(engine, "carol", "reviewer")
    now = time.time()
    assert accounts.authenticate(engine, "carol", PASSWORD, now).outcome == "ok"
    results = [accounts.authenticate(engine, "carol", "wrong password", now) for _ in range(5)]
    assert [r.outcome for r in results] == ["wrong"] * 5 and results[-1].locked_now
    # the sixth try is refused even with the right password
    assert accounts.authenticate(engine, "carol", PASSWORD, now + 1).outcome == "locked"
    assert accounts.authenticate(engine, "carol", PASSWORD, now + 14 * 60).outcome == "locked"
    assert accounts.authenticate(engine, "carol", PASSWORD, now + 15 * 60 + 1).outcome == "ok"


def test_a_good_login_resets_the_count(engine):
    add_user(engine, "carol", "reviewer")
    for _ in range(4):
        accounts.authenticate(engine, "carol", "nope")
    assert accounts.authenticate(engine, "carol", PASSWORD).outcome == "ok"
    for _ in range(4):
        assert accounts.authenticate(engine, "carol", "nope").outcome == "wrong"
    assert accounts.authenticate(engine, "carol", PASSWORD).outcome == "ok"


def test_unknown_and_disabled_users(engine):
    add_user(engine, "carol", "reviewer")
    assert accounts.authenticate(engine, "nobody", PASSWORD).outcome == "unknown"
    assert accounts.authenticate(engine, "' OR 1=1 --", PASSWORD).outcome == "unknown"
    with engine.begin() as connection:
        accounts.set_active(connection, accounts.get_user(connection, name="carol").id, False)
    assert accounts.authenticate(engine, "carol", PASSWORD).outcome == "inactive"


@pytest.mark.parametrize(
    "name,password,role",
    [
        ("x", PASSWORD, "reviewer"),
        ("ok-name", "short", "reviewer"),
        ("ok-name", PASSWORD, "root"),
        ("bad name!", PASSWORD, "admin"),
    ],
)
def test_account_rules(sqlite_db, name, password, role):
    with pytest.raises(AccountError):
        with sqlite_db.begin() as connection:
            accounts.create_user(connection, name, password, role)


def test_sessions_end_on_logout_idle_and_password_change(sqlite_db):
    add_user(sqlite_db, "carol", "reviewer")
    store = SessionStore(sqlite_db, b"k" * 32)
    with sqlite_db.connect() as connection:
        carol = accounts.get_user(connection, name="carol")
    cookie = store.create(carol.id)
    assert store.user(cookie).name == "carol"
    assert store.user(cookie.split(".")[0] + ".forged") is None
    assert SessionStore(sqlite_db, b"other key" * 4).user(cookie) is None
    assert store.user(cookie, now=time.time() + IDLE_SECONDS + 5) is None  # idle too long (and now gone)
    cookie = store.create(carol.id)
    store.end(cookie)
    assert store.user(cookie) is None
    cookie = store.create(carol.id)
    with sqlite_db.begin() as connection:
        accounts.set_password(connection, carol.id, "a brand new password")
    assert store.user(cookie) is None


def test_csrf_tokens_belong_to_one_session(sqlite_db):
    store = SessionStore(sqlite_db, b"k" * 32)
    one, two = store.new_login_cookie(), store.new_login_cookie()
    assert store.csrf_valid(one, store.csrf_token(one))
    assert not store.csrf_valid(one, store.csrf_token(two))
    assert not store.csrf_valid(one, "") and not store.csrf_valid("", "")


class FakeStdin(io.StringIO):
    def __init__(self, text: str, tty: bool = False) -> None:
        super().__init__(text)
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_staff_add_reads_the_password_from_standard_input(engine, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", FakeStdin("a very long password\n"))
    assert cli.staff_main(["add", "dr.jones", "--admin"], engine=engine) == 0
    monkeypatch.setattr("sys.stdin", FakeStdin("another long password\n"))
    assert cli.staff_main(["add", "nurse_smith"], engine=engine) == 0
    assert "added dr.jones (admin)" in capsys.readouterr().out
    assert accounts.authenticate(engine, "dr.jones", "a very long password").user.role == "admin"
    assert accounts.authenticate(engine, "nurse_smith", "another long password").user.role == "reviewer"
    entries, total, _, _ = audit.entries(engine, action="user_add")
    assert total == 2 and entries[0].actor.startswith("cli")


def test_staff_add_prompts_twice_on_a_terminal():
    answers = iter(["typed password 123", "typed password 123"])
    assert cli.read_password(FakeStdin("", tty=True), prompt=lambda _: next(answers)) == "typed password 123"
    answers = iter(["typed password 123", "a different one"])
    with pytest.raises(AccountError):
        cli.read_password(FakeStdin("", tty=True), prompt=lambda _: next(answers))


def test_staff_commands_refuse_bad_input(engine, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", FakeStdin("short\n"))
    assert cli.staff_main(["add", "dr.jones"], engine=engine) == 1
    assert "at least 12 characters" in capsys.readouterr().err
    assert cli.staff_main(["unlock", "nobody"], engine=engine) == 1


def test_staff_unlock_disable_list_and_reindex(engine, capsys):
    add_user(engine, "carol", "reviewer")
    for _ in range(5):
        accounts.authenticate(engine, "carol", "wrong")
    assert accounts.authenticate(engine, "carol", PASSWORD).outcome == "locked"
    assert cli.staff_main(["unlock", "carol"], engine=engine) == 0
    assert accounts.authenticate(engine, "carol", PASSWORD).outcome == "ok"
    assert cli.staff_main(["disable", "carol"], engine=engine) == 0
    cli.staff_main(["list"], engine=engine)
    assert "disabled" in capsys.readouterr().out
    insert(engine, advice(1_795_000_000.0))
    assert cli.staff_main(["reindex"], engine=engine) == 0
    assert "rebuilt 1 conversations" in capsys.readouterr().out


def test_purge_command(engine, monkeypatch, capsys):
    old, recent = advice(time.time() - 100 * 86400), advice(time.time() - 10 * 86400)
    insert(engine, old, recent)
    indexer.refresh(engine)
    assert cli.purge_main(["--older-than", "90d", "--dry-run"], engine=engine) == 0
    assert "would delete 1 conversations" in capsys.readouterr().out
    monkeypatch.setenv("RETENTION_DAYS", "5")
    assert cli.purge_main([], engine=engine) == 0  # default from RETENTION_DAYS
    assert "deleted 2 conversations" in capsys.readouterr().out
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(events)).scalar_one() == 0
    assert audit.entries(engine, action="purge")[1] == 1
    with pytest.raises(SystemExit):
        cli.purge_main(["--older-than", "0d"], engine=engine)
