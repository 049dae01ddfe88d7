"""Fixtures for the messaging channels: fake service APIs and real servers wired to them."""

from __future__ import annotations

import itertools
import os
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
import requests
from twilio.request_validator import RequestValidator

from tests import conftest as root
from tests.channels.fakes import FakeApi

ROOT_DIR = root.ROOT
TWILIO_SID = "AC" + "0" * 30 + "42"
TWILIO_NUMBER = "+447700900000"
TELEGRAM_TOKEN = "123456:TEST-token_for-the-fake"
FLOOD_MAX_MESSAGES = 5
_numbers = itertools.count(1)


def new_phone() -> str:
    """A fresh UK drama number per test, so conversations and flood counts never mix."""
    return f"+4477009{next(_numbers):05d}"


@dataclass
class ChannelServers:
    servers: root.Servers
    env: Dict[str, str]
    twilio: FakeApi
    telegram: FakeApi

    @property
    def twilio_url(self) -> str:
        return f"{self.servers.rasa_url}/webhooks/twilio/webhook"

    @property
    def telegram_url(self) -> str:
        return f"{self.servers.rasa_url}/webhooks/telegram/webhook"

    def post_twilio(self, fields: Dict[str, str], signature: Optional[str] = None) -> requests.Response:
        """POST a form-encoded webhook the way Twilio does, signed unless `signature` is given."""
        if signature is None:
            signature = RequestValidator(self.env["TWILIO_AUTH_TOKEN"]).compute_signature(self.twilio_url, fields)
        headers = {"X-Twilio-Signature": signature} if signature else {}
        return requests.post(self.twilio_url, data=fields, headers=headers, timeout=30)

    def post_telegram(self, update: Dict[str, Any], secret: Optional[str] = None) -> requests.Response:
        secret = self.env["TELEGRAM_SECRET_TOKEN"] if secret is None else secret
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        return requests.post(self.telegram_url, json=update, headers=headers, timeout=30)

    def user_texts(self, sender: str) -> List[str]:
        """What Rasa stored as the parent's messages for this sender (tracker store). The
        store holds a keyed hash of the number or chat id, never the raw id."""
        import json

        from bot.channels.senders import conversation_id

        ids = [conversation_id(channel, sender) for channel in ("twilio", "telegram")]
        with sqlite3.connect(self.servers.var_dir / "tracker.db") as db:
            assert not db.execute("SELECT 1 FROM events WHERE sender_id = ?", (sender,)).fetchall(), (
                "a raw phone number or chat id was stored as a conversation id"
            )
            rows = db.execute(
                "SELECT data FROM events WHERE sender_id IN (?, ?) AND type_name = 'user' ORDER BY id", ids
            ).fetchall()
        return [json.loads(row[0]).get("text") for row in rows]

    def rasa_log(self) -> str:
        return (self.servers.var_dir / "logs" / "rasa.log").read_text(errors="replace")


def twilio_fields(sender: str, body: Optional[str], **extra: str) -> Dict[str, str]:
    fields = {
        "AccountSid": TWILIO_SID,
        "MessageSid": "SM" + secrets.token_hex(16),
        "From": sender,
        "To": f"whatsapp:{TWILIO_NUMBER}" if sender.startswith("whatsapp:") else TWILIO_NUMBER,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
    }
    if body is not None:
        fields["Body"] = body
    fields.update(extra)
    return fields


@pytest.fixture(scope="session")
def fake_twilio() -> Iterator[FakeApi]:
    fake = FakeApi("twilio").start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def fake_telegram() -> Iterator[FakeApi]:
    fake = FakeApi("telegram").start()
    yield fake
    fake.stop()


SENDER_ID_KEY = "channel-tests-" + secrets.token_hex(8)
os.environ["SENDER_ID_KEY"] = SENDER_ID_KEY  # the test process hashes senders as the servers do


def channel_env(rasa_port: int, twilio_api: str, telegram_api: str) -> Dict[str, str]:
    return {
        "TWILIO_ACCOUNT_SID": TWILIO_SID,
        "TWILIO_AUTH_TOKEN": secrets.token_hex(16),
        "TWILIO_NUMBER": TWILIO_NUMBER,
        "TWILIO_WEBHOOK_URL": f"http://127.0.0.1:{rasa_port}/webhooks/twilio/webhook",
        "TWILIO_API_BASE": twilio_api,
        "TELEGRAM_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_SECRET_TOKEN": secrets.token_urlsafe(24),
        "TELEGRAM_API_BASE": telegram_api,
        "FLOOD_MAX_MESSAGES": str(FLOOD_MAX_MESSAGES),
        "FLOOD_WINDOW_SECONDS": "60",
        "FLOOD_BLOCK_SECONDS": "300",
        "SENDER_ID_KEY": SENDER_ID_KEY,
    }


@pytest.fixture(scope="session")
def channel_servers(
    tmp_path_factory: pytest.TempPathFactory, fake_twilio: FakeApi, fake_telegram: FakeApi
) -> Iterator[ChannelServers]:
    """The real action and Rasa servers with Twilio and Telegram enabled against the fakes."""
    from bot import cli

    # TWILIO_WEBHOOK_URL must be the URL the tests call, so the Rasa port is chosen first.
    rasa_port, action_port = root.free_port(), root.free_port()
    env = channel_env(rasa_port, fake_twilio.url, fake_telegram.url)
    var_dir: Path = tmp_path_factory.mktemp("channels-var")
    servers = root.start_servers(var_dir, env=env, rasa_port=rasa_port, action_port=action_port)
    yield ChannelServers(servers, env, fake_twilio, fake_telegram)
    cli.stop(servers.processes)
