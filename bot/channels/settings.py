"""Messaging-channel settings, read from the environment.

`messaging_credentials(env)` is what `python -m bot run` merges into the
credentials file it gives to `rasa run`: one entry per channel whose settings
are all present, plus a note per channel saying where it listens or why it is
off. Secrets are written as `${VAR}` references, which Rasa expands from its
own environment when it reads the file, so no token is ever written to disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Tuple

TWILIO_CLASS = "bot.channels.twilio.TwilioInput"
TELEGRAM_CLASS = "bot.channels.telegram.TelegramInput"
TWILIO_PATH = "/webhooks/twilio/webhook"
TELEGRAM_PATH = "/webhooks/telegram/webhook"
DEFAULT_TWILIO_API = "https://api.twilio.com"
DEFAULT_TELEGRAM_API = "https://api.telegram.org"

TWILIO_REQUIRED = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER", "TWILIO_WEBHOOK_URL")
TELEGRAM_REQUIRED = ("TELEGRAM_TOKEN", "TELEGRAM_SECRET_TOKEN")
# Telegram accepts 1-256 characters from this set as a webhook secret token.
TELEGRAM_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
TELEGRAM_TOKEN_PATTERN = re.compile(r"^[0-9]+:[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class FloodSettings:
    """Per sender: more than `max_messages` in `window_seconds` blocks for `block_seconds`."""

    max_messages: int = 10
    window_seconds: float = 60.0
    block_seconds: float = 300.0


@dataclass(frozen=True)
class TwilioSettings:
    account_sid: str
    auth_token: str
    number: str
    webhook_url: str
    api_base: str = DEFAULT_TWILIO_API


@dataclass(frozen=True)
class TelegramSettings:
    token: str
    secret_token: str
    api_base: str = DEFAULT_TELEGRAM_API


def _value(env: Mapping[str, str], name: str) -> str:
    return (env.get(name) or "").strip()


def _missing(env: Mapping[str, str], names: Tuple[str, ...]) -> List[str]:
    return [name for name in names if not _value(env, name)]


def _positive(env: Mapping[str, str], name: str, default: float, notes: List[str]) -> float:
    raw = _value(env, name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if value <= 0:
        notes.append(f"{name}={raw!r} is not a positive number; using {default:g}")
        return default
    return value


def flood_settings(env: Mapping[str, str]) -> Tuple[FloodSettings, List[str]]:
    notes: List[str] = []
    defaults = FloodSettings()
    settings = FloodSettings(
        max_messages=int(_positive(env, "FLOOD_MAX_MESSAGES", defaults.max_messages, notes)),
        window_seconds=_positive(env, "FLOOD_WINDOW_SECONDS", defaults.window_seconds, notes),
        block_seconds=_positive(env, "FLOOD_BLOCK_SECONDS", defaults.block_seconds, notes),
    )
    return settings, notes


def flood_from_credentials(credentials: Mapping[str, Any]) -> FloodSettings:
    defaults = FloodSettings()
    return FloodSettings(
        max_messages=int(credentials.get("flood_max_messages") or defaults.max_messages),
        window_seconds=float(credentials.get("flood_window_seconds") or defaults.window_seconds),
        block_seconds=float(credentials.get("flood_block_seconds") or defaults.block_seconds),
    )


def api_base(env: Mapping[str, str], name: str, default: str) -> str:
    return (_value(env, name) or default).rstrip("/")


def bare_number(number: str) -> str:
    """The number without a "whatsapp:" prefix: both name the same Twilio number."""
    return number.strip().removeprefix("whatsapp:")


def telegram_settings(env: Mapping[str, str]) -> TelegramSettings:
    """Telegram settings for the command line (raises KeyError naming what is missing)."""
    missing = _missing(env, TELEGRAM_REQUIRED)
    if missing:
        raise KeyError(", ".join(missing))
    return TelegramSettings(
        token=_value(env, "TELEGRAM_TOKEN"),
        secret_token=_value(env, "TELEGRAM_SECRET_TOKEN"),
        api_base=api_base(env, "TELEGRAM_API_BASE", DEFAULT_TELEGRAM_API),
    )


def _twilio(env: Mapping[str, str], flood: Dict[str, Any]) -> Tuple[Dict[str, Any], str]:
    label = "Twilio (WhatsApp/SMS)"
    missing = _missing(env, TWILIO_REQUIRED)
    if missing:
        return {}, f"{label}: not enabled (set {', '.join(missing)})"
    url = _value(env, "TWILIO_WEBHOOK_URL")
    if not url.startswith(("https://", "http://")):
        return {}, f"{label}: not enabled (TWILIO_WEBHOOK_URL must be the full public URL Twilio calls)"
    entry = {
        "account_sid": _value(env, "TWILIO_ACCOUNT_SID"),
        "auth_token": "${TWILIO_AUTH_TOKEN}",
        "twilio_number": bare_number(_value(env, "TWILIO_NUMBER")),
        "webhook_url": url,
        "api_base": api_base(env, "TWILIO_API_BASE", DEFAULT_TWILIO_API),
        **flood,
    }
    note = f"{label}: enabled at {TWILIO_PATH} (signatures checked against {url})"
    if not url.endswith(TWILIO_PATH):
        note += f"; warning: TWILIO_WEBHOOK_URL does not end with {TWILIO_PATH}"
    return entry, note


def _telegram(env: Mapping[str, str], flood: Dict[str, Any]) -> Tuple[Dict[str, Any], str]:
    label = "Telegram"
    missing = _missing(env, TELEGRAM_REQUIRED)
    if missing:
        return {}, f"{label}: not enabled (set {' and '.join(missing)})"
    if not TELEGRAM_TOKEN_PATTERN.match(_value(env, "TELEGRAM_TOKEN")):
        return {}, f"{label}: not enabled (TELEGRAM_TOKEN does not look like a bot token from @BotFather)"
    if not TELEGRAM_SECRET_PATTERN.match(_value(env, "TELEGRAM_SECRET_TOKEN")):
        return {}, f"{label}: not enabled (TELEGRAM_SECRET_TOKEN must be 1-256 of A-Z a-z 0-9 _ -)"
    entry = {
        "token": "${TELEGRAM_TOKEN}",
        "secret_token": "${TELEGRAM_SECRET_TOKEN}",
        "api_base": api_base(env, "TELEGRAM_API_BASE", DEFAULT_TELEGRAM_API),
        **flood,
    }
    note = f"{label}: enabled at {TELEGRAM_PATH} (register it with: make telegram-webhook URL=https://.../webhooks/telegram/webhook)"
    return entry, note


def messaging_credentials(env: Mapping[str, str]) -> Tuple[Dict[str, Dict[str, Any]], List[str]]:
    """Credentials entries for the channels whose settings are present, and notes for `make run`."""
    flood, notes = flood_settings(env)
    flood_entry = {
        "flood_max_messages": flood.max_messages,
        "flood_window_seconds": flood.window_seconds,
        "flood_block_seconds": flood.block_seconds,
    }
    credentials: Dict[str, Dict[str, Any]] = {}
    for class_path, build in ((TWILIO_CLASS, _twilio), (TELEGRAM_CLASS, _telegram)):
        entry, note = build(env, flood_entry)
        if entry:
            credentials[class_path] = entry
        notes.append(note)
    return credentials, notes
