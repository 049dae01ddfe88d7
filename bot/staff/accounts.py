"""Staff accounts: argon2 password hashes, roles, and lock-out after failed logins."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import List, Optional

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Connection, Engine

from bot.staff.schema import sessions, users

ROLES = ("reviewer", "admin")
MAX_FAILED_LOGINS = 5
LOCK_SECONDS = 15 * 60
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 1024
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")

hasher = PasswordHasher()
# Verified against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = hasher.hash("not a real password, only for timing")


class AccountError(ValueError):
    """A request the account rules refuse (bad name, short password, unknown user)."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    active: bool
    failed_logins: int
    locked_until: float
    last_login_at: Optional[float]

    @property
    def admin(self) -> bool:
        return self.role == "admin"

    def locked(self, now: Optional[float] = None) -> bool:
        return self.locked_until > (time.time() if now is None else now)


@dataclass(frozen=True)
class LoginResult:
    user: Optional[User]
    outcome: str  # ok | wrong | locked | inactive | unknown
    locked_now: bool = False


def _user(row: sa.engine.Row) -> User:
    return User(
        row.id,
        row.name,
        row.role,
        bool(row.active),
        int(row.failed_logins or 0),
        float(row.locked_until or 0.0),
        row.last_login_at,
    )


def check_name(name: str) -> str:
    if not NAME_PATTERN.match(name or ""):
        raise AccountError("a user name is 2 to 64 letters, digits, dots, dashes or underscores")
    return name


def check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD_CHARS:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise AccountError(f"a password has at most {MAX_PASSWORD_CHARS} characters")
    return password


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"a role is one of {', '.join(ROLES)}")
    return role


def get_user(connection: Connection, user_id: Optional[int] = None, name: Optional[str] = None) -> Optional[User]:
    column, value = (users.c.id, user_id) if user_id is not None else (users.c.name, name)
    row = connection.execute(sa.select(users).where(column == value)).first()
    return _user(row) if row else None


def list_users(engine: Engine) -> List[User]:
    with engine.connect() as connection:
        return [_user(row) for row in connection.execute(sa.select(users).order_by(users.c.name))]


def create_user(connection: Connection, name: str, password: str, role: str = "reviewer") -> User:
    check_name(name)
    check_password(password)
    check_role(role)
    if get_user(connection, name=name):
        raise AccountError(f"there is already a user called {name}")
    connection.execute(
        sa.insert(users).values(
            name=name,
            password_hash=hasher.hash(password),
            role=role,
            active=True,
            failed_logins=0,
            locked_until=0.0,
            created_at=time.time(),
        )
    )
    return get_user(connection, name=name)  # type: ignore[return-value]


def _verify(password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(engine: Engine, name: str, password: str, now: Optional[float] = None) -> LoginResult:
    """Check a login. The 5th wrong password in a row locks the account for 15
    minutes; while locked even the right password is refused."""
    now = time.time() if now is None else now
    password = (password or "")[:MAX_PASSWORD_CHARS]
    with engine.begin() as connection:
        user = get_user(connection, name=name) if NAME_PATTERN.match(name or "") else None
        if user is None:
            _verify(_DUMMY_HASH, password)
            return LoginResult(None, "unknown")
        if user.locked(now):
            return LoginResult(user, "locked")
        password_hash = connection.execute(sa.select(users.c.password_hash).where(users.c.id == user.id)).scalar()
        if not _verify(password_hash, password):
            return _count_failure(connection, user, now)
        if not user.active:
            return LoginResult(user, "inactive")
        values = {"failed_logins": 0, "locked_until": 0.0, "last_login_at": now}
        if hasher.check_needs_rehash(password_hash):
            values["password_hash"] = hasher.hash(password)
        connection.execute(sa.update(users).where(users.c.id == user.id).values(**values))
        return LoginResult(get_user(connection, user_id=user.id), "ok")


def _count_failure(connection: Connection, user: User, now: float) -> LoginResult:
    # One atomic UPDATE, so parallel guesses cannot slip past the limit.
    connection.execute(sa.update(users).where(users.c.id == user.id).values(failed_logins=users.c.failed_logins + 1))
    failed = connection.execute(sa.select(users.c.failed_logins).where(users.c.id == user.id)).scalar() or 0
    if failed >= MAX_FAILED_LOGINS:
        connection.execute(
            sa.update(users).where(users.c.id == user.id).values(failed_logins=0, locked_until=now + LOCK_SECONDS)
        )
        return LoginResult(user, "wrong", locked_now=True)
    return LoginResult(user, "wrong")


def set_password(connection: Connection, user_id: int, password: str) -> None:
    check_password(password)
    connection.execute(sa.update(users).where(users.c.id == user_id).values(password_hash=hasher.hash(password)))
    end_sessions(connection, user_id)


def verify_password(engine: Engine, user_id: int, password: str) -> bool:
    with engine.connect() as connection:
        password_hash = connection.execute(sa.select(users.c.password_hash).where(users.c.id == user_id)).scalar()
    return bool(password_hash) and _verify(password_hash, (password or "")[:MAX_PASSWORD_CHARS])


def set_role(connection: Connection, user_id: int, role: str) -> None:
    connection.execute(sa.update(users).where(users.c.id == user_id).values(role=check_role(role)))


def set_active(connection: Connection, user_id: int, active: bool) -> None:
    connection.execute(sa.update(users).where(users.c.id == user_id).values(active=active))
    if not active:
        end_sessions(connection, user_id)


def unlock(connection: Connection, user_id: int) -> None:
    connection.execute(sa.update(users).where(users.c.id == user_id).values(failed_logins=0, locked_until=0.0))


def end_sessions(connection: Connection, user_id: int) -> None:
    connection.execute(sa.delete(sessions).where(sessions.c.user_id == user_id))


def count_active_admins(connection: Connection) -> int:
    return connection.execute(
        sa.select(sa.func.count()).select_from(users).where(users.c.role == "admin", users.c.active == True)  # noqa: E712
    ).scalar_one()
