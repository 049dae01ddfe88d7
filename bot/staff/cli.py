"""`python -m bot staff ...` (accounts, index) and `python -m bot purge ...` (retention).

    python -m bot staff add NAME [--admin]   password from standard input, or asked twice
    python -m bot staff passwd NAME          set a new password (ends the user's sessions)
    python -m bot staff unlock NAME          lift a lock after 5 failed logins
    python -m bot staff disable NAME | enable NAME
    python -m bot staff list
    python -m bot staff reindex              rebuild the portal's conversation index
    python -m bot purge [--older-than 90d] [--dry-run]

Every change is written to the portal's audit log as "cli:<login name>".
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Callable, List, Optional, TextIO

from sqlalchemy.engine import Engine

from bot.config import load_settings
from bot.staff import accounts, audit, clock, indexer, purge, schema
from bot.staff.accounts import AccountError


def _engine() -> Engine:
    engine = schema.create_engine(load_settings().tracker_db_url)
    schema.ensure_schema(engine)
    return engine


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:
        return "cli"


def read_password(stdin: Optional[TextIO] = None, prompt: Callable[[str], str] = getpass.getpass) -> str:
    """One line from standard input when it is not a terminal (scripts), else asked twice."""
    stdin = sys.stdin if stdin is None else stdin
    if not stdin.isatty():
        return stdin.readline().rstrip("\r\n")
    first = prompt("Password: ")
    if prompt("Repeat the password: ") != first:
        raise AccountError("the two passwords are not the same")
    return first


def _with_user(engine: Engine, name: str, change: Callable, action: str, detail: dict) -> None:
    with engine.begin() as connection:
        user = accounts.get_user(connection, name=name)
        if user is None:
            raise AccountError(f"there is no user called {name}")
        change(connection, user)
        audit.record(connection, _actor(), action, name, detail)


def staff_main(argv: Optional[List[str]] = None, engine: Optional[Engine] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot staff", description="Manage staff portal accounts.")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="add a user (password from standard input or a prompt)")
    add.add_argument("name")
    add.add_argument("--admin", action="store_true", help="may manage users, retention and read the audit log")
    for command, text in (
        ("passwd", "set a new password"),
        ("unlock", "lift a lock-out"),
        ("disable", "stop a user logging in"),
        ("enable", "let a disabled user log in again"),
    ):
        sub.add_parser(command, help=text).add_argument("name")
    sub.add_parser("list", help="list users")
    sub.add_parser("reindex", help="rebuild the conversation index from the events table")
    args = parser.parse_args(argv)
    engine = engine or _engine()
    try:
        if args.command == "add":
            role = "admin" if args.admin else "reviewer"
            password = read_password()
            with engine.begin() as connection:
                accounts.create_user(connection, args.name, password, role)
                audit.record(connection, _actor(), "user_add", args.name, {"role": role})
            print(f"added {args.name} ({role})")
        elif args.command == "passwd":
            password = read_password()
            _with_user(
                engine,
                args.name,
                lambda c, u: accounts.set_password(c, u.id, password),
                "user_update",
                {"change": "password"},
            )
            print(f"password changed for {args.name}")
        elif args.command in ("unlock", "disable", "enable"):
            changes = {
                "unlock": lambda c, u: accounts.unlock(c, u.id),
                "disable": lambda c, u: accounts.set_active(c, u.id, False),
                "enable": lambda c, u: accounts.set_active(c, u.id, True),
            }
            _with_user(engine, args.name, changes[args.command], "user_update", {"change": args.command})
            print(f"{args.command}d {args.name}" if args.command != "unlock" else f"unlocked {args.name}")
        elif args.command == "list":
            for user in accounts.list_users(engine):
                state = "disabled" if not user.active else ("locked" if user.locked() else "active")
                print(f"{user.name:24} {user.role:9} {state:9} last login {clock.show(user.last_login_at) or 'never'}")
        elif args.command == "reindex":
            rebuilt = indexer.refresh(engine, full=True)
            with engine.begin() as connection:
                audit.record(connection, _actor(), "reindex", detail={"rebuilt": rebuilt})
            print(f"rebuilt {rebuilt} conversations")
    except AccountError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    return 0


def purge_main(argv: Optional[List[str]] = None, engine: Optional[Engine] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot purge",
        description="Delete conversations whose last message is older than the retention period, with "
        "everything the staff portal keeps about them. The audit log records each purge.",
    )
    default = os.environ.get(purge.RETENTION_ENV) or f"{purge.DEFAULT_RETENTION_DAYS}d"
    parser.add_argument(
        "--older-than",
        default=default,
        metavar="DAYS",
        help=f"for example 90d (default from {purge.RETENTION_ENV}, else 90d)",
    )
    parser.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    args = parser.parse_args(argv)
    try:
        days = purge.parse_days(args.older_than)
    except ValueError as problem:
        parser.error(str(problem))
    engine = engine or _engine()
    result = purge.purge(engine, days, _actor(), dry_run=args.dry_run)
    verb = "would delete" if result.dry_run else "deleted"
    print(
        f"{verb} {result.conversations} conversations ({result.events} events) with no message since "
        f"{clock.show(result.cutoff)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(staff_main())
