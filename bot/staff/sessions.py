"""Login sessions and CSRF tokens.

The session cookie holds a random token signed with STAFF_SECRET_KEY; the
database holds only the token's SHA-256, so a copy of the database logs nobody
in. Logging out, a password change or disabling a user deletes the row. Every
form carries a CSRF token derived from the session token (or, on the login
page, from a short-lived pre-login cookie).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import time
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.staff.accounts import User, get_user
from bot.staff.schema import sessions

logger = logging.getLogger(__name__)

SECRET_ENV = "STAFF_SECRET_KEY"
SESSION_COOKIE = "staff_session"
LOGIN_COOKIE = "staff_login"
COOKIE_PATH = "/staff"
IDLE_SECONDS = 60 * 60
MAX_AGE_SECONDS = 12 * 60 * 60
TOUCH_EVERY_SECONDS = 60


def load_secret() -> bytes:
    """STAFF_SECRET_KEY, or a random key for this process only (sessions end at restart)."""
    configured = os.environ.get(SECRET_ENV, "")
    if configured:
        if len(configured) < 32:
            logger.warning("%s is shorter than 32 characters: use a long random value", SECRET_ENV)
        return configured.encode("utf8")
    logger.warning(
        "%s is not set: using a random key for this process, so staff are logged out at every restart "
        "and several processes cannot share sessions. Set %s in production.",
        SECRET_ENV,
        SECRET_ENV,
    )
    return secrets.token_bytes(32)


def _sign(secret: bytes, purpose: str, value: str) -> str:
    return hmac.new(secret, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _unpack(secret: bytes, cookie: Optional[str]) -> Optional[str]:
    """The token inside a signed cookie value, or None if it is missing or forged."""
    token, _, signature = (cookie or "").partition(".")
    if not token or not signature or len(cookie or "") > 200:
        return None
    return token if hmac.compare_digest(signature, _sign(secret, "cookie", token)) else None


class SessionStore:
    def __init__(self, engine: Engine, secret: bytes) -> None:
        self.engine = engine
        self.secret = secret

    def create(self, user_id: int, now: Optional[float] = None) -> str:
        """A new session for a user who just logged in; returns the cookie value."""
        now = time.time() if now is None else now
        token = secrets.token_urlsafe(32)
        with self.engine.begin() as connection:
            connection.execute(sa.delete(sessions).where(sessions.c.last_seen_at < now - MAX_AGE_SECONDS))
            connection.execute(
                sa.insert(sessions).values(
                    token_hash=_token_hash(token), user_id=user_id, created_at=now, last_seen_at=now
                )
            )
        return f"{token}.{_sign(self.secret, 'cookie', token)}"

    def user(self, cookie: Optional[str], now: Optional[float] = None) -> Optional[User]:
        """The active user a cookie belongs to, or None (expired, logged out, forged, disabled)."""
        token = _unpack(self.secret, cookie)
        if token is None:
            return None
        now = time.time() if now is None else now
        key = _token_hash(token)
        with self.engine.begin() as connection:
            row = connection.execute(sa.select(sessions).where(sessions.c.token_hash == key)).first()
            if row is None:
                return None
            if now - row.last_seen_at > IDLE_SECONDS or now - row.created_at > MAX_AGE_SECONDS:
                connection.execute(sa.delete(sessions).where(sessions.c.token_hash == key))
                return None
            user = get_user(connection, user_id=row.user_id)
            if user is None or not user.active:
                return None
            if now - row.last_seen_at > TOUCH_EVERY_SECONDS:
                connection.execute(sa.update(sessions).where(sessions.c.token_hash == key).values(last_seen_at=now))
            return user

    def end(self, cookie: Optional[str]) -> None:
        token = _unpack(self.secret, cookie)
        if token is not None:
            with self.engine.begin() as connection:
                connection.execute(sa.delete(sessions).where(sessions.c.token_hash == _token_hash(token)))

    # --- CSRF -------------------------------------------------------------
    def csrf_token(self, cookie: Optional[str]) -> str:
        token = _unpack(self.secret, cookie)
        return _sign(self.secret, "csrf", token) if token else ""

    def csrf_valid(self, cookie: Optional[str], submitted: Optional[str]) -> bool:
        expected = self.csrf_token(cookie)
        return bool(expected) and hmac.compare_digest(expected, str(submitted or ""))

    def new_login_cookie(self) -> str:
        token = secrets.token_urlsafe(24)
        return f"{token}.{_sign(self.secret, 'cookie', token)}"
