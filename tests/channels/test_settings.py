"""Channel settings from the environment: enabled only when complete, secrets never written."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.channels.settings import (
    TELEGRAM_CLASS,
    TWILIO_CLASS,
    FloodSettings,
    flood_from_credentials,
    flood_settings,
    messaging_credentials,
)

ENV = {
    "TWILIO_ACCOUNT_SID": "AC123",
    "TWILIO_AUTH_TOKEN": "twilio-secret-value",
    "TWILIO_NUMBER": "whatsapp:+447700900000",
    "TWILIO_WEBHOOK_URL": "https://bot.example.org/webhooks/twilio/webhook",
    "TELEGRAM_TOKEN": "123:telegram-secret-value",
    "TELEGRAM_SECRET_TOKEN": "webhook-secret_value",
}


def test_both_channels_enabled_with_defaults() -> None:
    credentials, notes = messaging_credentials(ENV)
    assert set(credentials) == {TWILIO_CLASS, TELEGRAM_CLASS}
    twilio = credentials[TWILIO_CLASS]
    assert twilio["api_base"] == "https://api.twilio.com"
    assert twilio["twilio_number"] == "+447700900000"
    assert twilio["webhook_url"] == ENV["TWILIO_WEBHOOK_URL"]
    assert credentials[TELEGRAM_CLASS]["api_base"] == "https://api.telegram.org"
    assert any(n.startswith("Twilio (WhatsApp/SMS): enabled at /webhooks/twilio/webhook") for n in notes)
    assert any(n.startswith("Telegram: enabled at /webhooks/telegram/webhook") for n in notes)
    assert flood_from_credentials(twilio) == FloodSettings()


def test_secrets_are_references_not_values() -> None:
    credentials, _ = messaging_credentials(ENV)
    dumped = yaml.safe_dump(credentials)
    for name in ("TWILIO_AUTH_TOKEN", "TELEGRAM_TOKEN", "TELEGRAM_SECRET_TOKEN"):
        assert ENV[name] not in dumped
        assert "${" + name + "}" in dumped


def test_rasa_expands_the_references_from_its_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.shared.utils.io import read_config_file

    from bot import cli

    path, _ = cli.write_credentials(tmp_path / "credentials.yml", ENV)
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    loaded = read_config_file(str(path))
    assert loaded[TWILIO_CLASS]["auth_token"] == ENV["TWILIO_AUTH_TOKEN"]
    assert loaded[TELEGRAM_CLASS]["token"] == ENV["TELEGRAM_TOKEN"]
    assert loaded[TELEGRAM_CLASS]["secret_token"] == ENV["TELEGRAM_SECRET_TOKEN"]
    assert "bot.channels.rest.SafeRestInput" in loaded  # the file's own channels stay


@pytest.mark.parametrize("missing", ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER", "TWILIO_WEBHOOK_URL"])
def test_twilio_off_when_a_setting_is_missing(missing: str) -> None:
    env = {**ENV, missing: ""}
    credentials, notes = messaging_credentials(env)
    assert TWILIO_CLASS not in credentials
    assert TELEGRAM_CLASS in credentials
    assert f"Twilio (WhatsApp/SMS): not enabled (set {missing})" in notes


def test_nothing_set_means_no_channels_and_two_notes() -> None:
    credentials, notes = messaging_credentials({})
    assert credentials == {}
    assert notes == [
        "Twilio (WhatsApp/SMS): not enabled (set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_NUMBER, TWILIO_WEBHOOK_URL)",
        "Telegram: not enabled (set TELEGRAM_TOKEN and TELEGRAM_SECRET_TOKEN)",
    ]


@pytest.mark.parametrize(
    "name, value",
    [
        ("TELEGRAM_SECRET_TOKEN", "has spaces in it"),
        ("TELEGRAM_TOKEN", "not-a-token"),
        ("TWILIO_WEBHOOK_URL", "example.org/x"),
    ],
)
def test_malformed_settings_are_not_enabled(name: str, value: str) -> None:
    credentials, notes = messaging_credentials({**ENV, name: value})
    assert len(credentials) == 1
    assert any("not enabled" in n and name in n for n in notes)


def test_api_bases_and_flood_settings_come_from_the_environment() -> None:
    env = {**ENV, "TWILIO_API_BASE": "http://127.0.0.1:9/", "FLOOD_MAX_MESSAGES": "3", "FLOOD_BLOCK_SECONDS": "30"}
    credentials, _ = messaging_credentials(env)
    assert credentials[TWILIO_CLASS]["api_base"] == "http://127.0.0.1:9"
    flood = flood_from_credentials(credentials[TELEGRAM_CLASS])
    assert flood == FloodSettings(max_messages=3, window_seconds=60, block_seconds=30)


def test_bad_flood_values_fall_back_with_a_note() -> None:
    flood, notes = flood_settings({"FLOOD_MAX_MESSAGES": "lots", "FLOOD_WINDOW_SECONDS": "-1"})
    assert flood == FloodSettings()
    assert len(notes) == 2
