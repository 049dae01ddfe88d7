"""Telegram end to end: real servers, webhooks with the secret header, a fake Bot API."""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from typing import Any, Dict, List

import pytest

from bot import replies
from bot.channels.render import TELEGRAM_LIMIT
from tests.channels.conftest import ROOT_DIR, ChannelServers
from tests.channels.fakes import settle

pytestmark = pytest.mark.slow

EMERGENCY = replies.emergency_first()["text"]
ASK_FOR_TEXT = replies.message("ask_for_text", "safety_line")["text"]
_chats = itertools.count(700_001)
_updates = itertools.count(500_001)


def message_update(chat_id: int, chat_type: str = "private", kind: str = "message", **fields: Any) -> Dict[str, Any]:
    return {
        "update_id": next(_updates),
        kind: {
            "message_id": next(_updates),
            "date": int(time.time()),
            "from": {"id": chat_id, "is_bot": False, "first_name": "Sam", "language_code": "en"},
            "chat": {"id": chat_id if chat_type == "private" else -chat_id, "type": chat_type, "first_name": "Sam"},
            **fields,
        },
    }


def say(channels: ChannelServers, chat_id: int, text: str) -> List[str]:
    before = len(channels.telegram.telegram_texts(chat_id))
    reply = channels.post_telegram(message_update(chat_id, text=text))
    assert reply.status_code == 200, reply.text
    return settle(lambda: channels.telegram.telegram_texts(chat_id)[before:], quiet=1.5)


def test_red_flag_gets_the_999_text_first_and_get_me_is_never_called(channel_servers: ChannelServers) -> None:
    chat = next(_chats)
    parts = say(channel_servers, chat, "my baby is floppy and wont wake up")
    assert parts[0].startswith(EMERGENCY)
    assert all(len(p) <= TELEGRAM_LIMIT for p in parts)
    token = channel_servers.env["TELEGRAM_TOKEN"]
    assert all(p == f"/bot{token}/sendMessage" for p in channel_servers.telegram.paths() if "sendMessage" in p)
    assert not any(p.endswith("/getMe") for p in channel_servers.telegram.paths())


@pytest.mark.hazard("H05")
def test_a_missing_or_wrong_secret_token_is_refused(channel_servers: ChannelServers) -> None:
    chat = next(_chats)
    update = message_update(chat, text="my baby is floppy and wont wake up")
    assert channel_servers.post_telegram(update, secret="").status_code == 403
    assert channel_servers.post_telegram(update, secret="wrong-secret").status_code == 403
    assert (
        channel_servers.post_telegram(update, secret=channel_servers.env["TELEGRAM_SECRET_TOKEN"] + "x").status_code
        == 403
    )
    time.sleep(2)
    assert channel_servers.telegram.telegram_texts(chat) == []
    assert "missing or wrong secret token" in channel_servers.rasa_log()


def test_photos_stickers_voice_locations_edits_and_groups_get_the_ask_for_text_reply(
    channel_servers: ChannelServers,
) -> None:
    cases = {
        "photo": dict(photo=[{"file_id": "AgAD", "width": 90, "height": 90}]),
        "sticker": dict(sticker={"file_id": "CAAD", "emoji": "🙂"}),
        "voice": dict(voice={"file_id": "AwAD", "duration": 4}),
        "location": dict(location={"latitude": 51.5072, "longitude": -0.1276}),
        "edited": dict(kind="edited_message", text="my child has a temperature", edit_date=int(time.time())),
        "group": dict(chat_type="group", text="my child has a temperature"),
    }
    chats = {}
    for name, fields in cases.items():
        chats[name] = next(_chats)
        assert channel_servers.post_telegram(message_update(chats[name], **fields)).status_code == 200
    for name, chat in chats.items():
        chat_id = -chat if name == "group" else chat
        assert settle(lambda c=chat_id: channel_servers.telegram.telegram_texts(c)) == [ASK_FOR_TEXT], name


def test_a_retried_update_gets_one_reply(channel_servers: ChannelServers) -> None:
    chat = next(_chats)
    update = message_update(chat, text="what is sepsis")
    for _ in range(2):
        assert channel_servers.post_telegram(update).status_code == 200
    parts = settle(lambda: channel_servers.telegram.telegram_texts(chat))
    assert channel_servers.post_telegram(update).status_code == 200
    time.sleep(2)
    assert channel_servers.telegram.telegram_texts(chat) == parts
    assert channel_servers.user_texts(str(chat)) == ["what is sepsis"]


def test_numbered_buttons_work_on_telegram(channel_servers: ChannelServers) -> None:
    chat = next(_chats)
    say(channel_servers, chat, "my 2 year old has a temperature")
    feeding = "\n\n".join(say(channel_servers, chat, "38.5"))
    assert feeding.endswith("1. Yes, about as normal\n2. Less than half the usual")
    say(channel_servers, chat, "1")
    assert channel_servers.user_texts(str(chat))[-1] == replies.question("feeding")["buttons"][0]["payload"]


def test_start_is_a_greeting_with_the_999_111_line(channel_servers: ChannelServers) -> None:
    chat = next(_chats)
    text = "\n\n".join(say(channel_servers, chat, "/start"))
    assert "999" in text and "111" in text
    assert channel_servers.user_texts(str(chat)) == ["hello"]


def test_long_input_does_not_break_anything(channel_servers: ChannelServers) -> None:
    chat = next(_chats)
    parts = say(channel_servers, chat, "My daughter has had a cold. " * 200)
    assert parts and all(len(p) <= TELEGRAM_LIMIT for p in parts)
    assert "999" in "\n".join(parts) or "111" in "\n".join(parts)


def test_set_webhook_command_against_the_fake_api(channel_servers: ChannelServers) -> None:
    env = {key: value for key, value in channel_servers.env.items() if key.startswith("TELEGRAM_")}
    url = "https://bot.example.org/webhooks/telegram/webhook"
    done = subprocess.run([sys.executable, "-m", "bot.channels.telegram", "set-webhook", "--url", url],
                          cwd=ROOT_DIR, env={"PATH": "/usr/bin:/bin", **env}, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    call = channel_servers.telegram.telegram_calls("setWebhook")[-1]
    assert call.json["url"] == url and call.json["secret_token"] == env["TELEGRAM_SECRET_TOKEN"]
    assert env["TELEGRAM_TOKEN"] not in done.stdout + done.stderr
