"""Telegram pieces without the servers: reading updates, the secret check, sending, the CLI."""

from __future__ import annotations

from typing import Any, Dict, Iterator

import pytest

from bot.channels import telegram_api
from bot.channels.settings import TelegramSettings
from bot.channels.telegram import main, read_update, secret_ok
from tests.channels.fakes import FakeApi

TOKEN = "123:abc"


@pytest.fixture
def fake() -> Iterator[FakeApi]:
    api = FakeApi("telegram").start()
    yield api
    api.stop()


def update(kind: str = "message", chat_type: str = "private", **fields: Any) -> Dict[str, Any]:
    message = {"message_id": 5, "date": 1700000000, "chat": {"id": 42, "type": chat_type},
               "from": {"id": 42, "is_bot": False, "first_name": "Sam"}, **fields}  # fmt: skip
    return {"update_id": 1000, kind: message}


def test_private_text_is_read() -> None:
    message = read_update(update(text="my baby has a fever"))
    assert message is not None
    assert (message.update_id, message.chat_id, message.text, message.unsupported_reason) == (
        1000, "42", "my baby has a fever", None
    )  # fmt: skip


def test_start_command_is_a_greeting() -> None:
    assert read_update(update(text="/start")).text == "hello"
    assert read_update(update(text="/start@sepsis_bot abc")).text == "hello"
    assert read_update(update(text="/startle")).text == "/startle"


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({"photo": [{"file_id": "p"}]}, "photo"),
        ({"sticker": {"file_id": "s"}}, "sticker"),
        ({"voice": {"file_id": "v", "duration": 3}}, "voice"),
        ({"location": {"latitude": 51.5, "longitude": -0.1}}, "location"),
        ({"contact": {"phone_number": "+44"}}, "contact"),
        ({}, "no text"),
    ],
)
def test_non_text_messages_are_unsupported(fields: Dict[str, Any], reason: str) -> None:
    message = read_update(update(**fields))
    assert message.unsupported_reason == reason
    assert message.text is None


def test_a_photo_caption_is_read_as_text() -> None:
    message = read_update(update(photo=[{"file_id": "p"}], caption="this rash does not fade"))
    assert message.unsupported_reason is None
    assert message.text == "this rash does not fade"


@pytest.mark.parametrize("chat_type", ["group", "supergroup", "channel"])
def test_group_messages_are_unsupported_but_keep_their_text(chat_type: str) -> None:
    message = read_update(update(chat_type=chat_type, text="my baby is floppy"))
    assert message.unsupported_reason == f"{chat_type} chat"
    assert message.text == "my baby is floppy"


def test_edited_messages_and_callbacks_are_unsupported() -> None:
    assert read_update(update(kind="edited_message", text="fixed typo")).unsupported_reason == "edited_message"
    callback = {"update_id": 7, "callback_query": {"id": "1", "message": update(text="x")["message"]}}
    assert read_update(callback).unsupported_reason == "callback_query"


@pytest.mark.parametrize(
    "body",
    [None, [], {}, {"update_id": "1"}, {"update_id": 1}, {"update_id": 1, "my_chat_member": {"chat": {"id": 1}}},
     {"update_id": 1, "message": {"chat": {"id": "x"}}}],
)  # fmt: skip
def test_updates_without_a_chat_are_ignored(body: Any) -> None:
    assert read_update(body) is None


@pytest.mark.hazard("H05")
def test_secret_check() -> None:
    assert secret_ok("s3cret", "s3cret")
    assert not secret_ok("s3cre", "s3cret")
    assert not secret_ok(None, "s3cret")
    assert not secret_ok("", "s3cret")


async def test_sender_calls_send_message_per_part(fake: FakeApi) -> None:
    sender = telegram_api.TelegramSender(TelegramSettings(TOKEN, "secret", fake.url))
    assert await sender.send("42", ["one", "two"])
    assert fake.telegram_texts(42) == ["one", "two"]
    assert fake.paths() == [f"/bot{TOKEN}/sendMessage"] * 2


def test_set_webhook_command_registers_the_url_with_the_secret(fake: FakeApi, capsys: pytest.CaptureFixture) -> None:
    env = {"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_SECRET_TOKEN": "the-secret", "TELEGRAM_API_BASE": fake.url}
    url = "https://bot.example.org/webhooks/telegram/webhook"
    assert main(["set-webhook", "--url", url], env) == 0
    (call,) = fake.telegram_calls("setWebhook")
    assert call.path == f"/bot{TOKEN}/setWebhook"
    assert call.json["url"] == url
    assert call.json["secret_token"] == "the-secret"
    assert call.json["allowed_updates"] == ["message", "edited_message"]
    out = capsys.readouterr().out
    assert "Telegram webhook set" in out and TOKEN not in out and "the-secret" not in out
    assert main(["webhook-info"], env) == 0
    assert main(["delete-webhook"], env) == 0
    assert not any(p.endswith("/getMe") for p in fake.paths())


def test_set_webhook_command_refuses_bad_input(fake: FakeApi) -> None:
    env = {"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_SECRET_TOKEN": "the-secret", "TELEGRAM_API_BASE": fake.url}
    assert main(["set-webhook", "--url", "http://bot.example.org/webhooks/telegram/webhook"], env) == 2
    assert main(["set-webhook", "--url", "https://x/webhooks/telegram/webhook"], {}) == 2
    unreachable = {**env, "TELEGRAM_API_BASE": "http://127.0.0.1:9"}
    assert main(["set-webhook", "--url", "https://x/webhooks/telegram/webhook"], unreachable) == 1
    assert fake.telegram_calls("setWebhook") == []
