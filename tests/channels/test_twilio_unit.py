"""Twilio pieces without the servers: form parsing, signatures, reply addressing, sending."""

from __future__ import annotations

from typing import Iterator
from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

from bot.channels.settings import TwilioSettings
from bot.channels.twilio import FormParams, TwilioSender, reply_from, service_of, signature_url
from tests.channels.fakes import FakeApi

URL = "https://bot.example.org/webhooks/twilio/webhook"


@pytest.fixture
def fake() -> Iterator[FakeApi]:
    api = FakeApi("twilio").start()
    yield api
    api.stop()


@pytest.mark.hazard("H05")
def test_blank_fields_are_kept_so_the_signature_matches() -> None:
    fields = {"From": "whatsapp:+447700900001", "Body": "", "NumMedia": "1", "MediaUrl0": "https://x/y"}
    raw = urlencode(fields).encode()
    params = FormParams.parse(raw)
    assert params.first("Body") == ""
    validator = RequestValidator("token")
    signature = validator.compute_signature(URL, fields)
    assert validator.validate(URL, params, signature)
    assert not validator.validate(URL, FormParams.parse(raw + b"&Extra=1"), signature)


@pytest.mark.hazard("H05")
def test_signature_url_adds_the_query_string_twilio_called_with() -> None:
    assert signature_url(URL, "") == URL
    assert signature_url(URL, "a=1") == f"{URL}?a=1"
    assert signature_url(f"{URL}?a=1", "a=1") == f"{URL}?a=1"


def test_whatsapp_and_sms_are_told_apart_and_answered_from_the_right_number() -> None:
    assert service_of("whatsapp:+447700900001") == "whatsapp"
    assert service_of("+447700900001") == "sms"
    assert reply_from("whatsapp:+447700900001", "whatsapp:+14155238886", "+447700900000") == "whatsapp:+14155238886"
    assert reply_from("whatsapp:+447700900001", None, "+447700900000") == "whatsapp:+447700900000"
    assert reply_from("+447700900001", None, "whatsapp:+447700900000") == "+447700900000"


async def test_sender_posts_each_part_in_order_with_basic_auth(fake: FakeApi) -> None:
    sender = TwilioSender(TwilioSettings("AC1", "secret", "+447700900000", URL, fake.url))
    assert await sender.send("+447700900001", "+447700900000", ["first part", "second part"])
    calls = fake.twilio_calls("+447700900001")
    assert [c.form["Body"] for c in calls] == ["first part", "second part"]
    assert calls[0].path == "/2010-04-01/Accounts/AC1/Messages.json"
    assert calls[0].basic_auth == "AC1:secret"
    assert calls[0].form["From"] == "+447700900000"


async def test_a_part_refused_as_too_long_is_resent_in_sms_sized_parts(fake: FakeApi) -> None:
    fake.twilio_max_body = 1600
    sender = TwilioSender(TwilioSettings("AC1", "secret", "+447700900000", URL, fake.url))
    long_part = " ".join(["A calm sentence about fever."] * 120)  # about 3,500 characters
    assert await sender.send("whatsapp:+447700900002", "whatsapp:+447700900000", [long_part])
    bodies = fake.twilio_bodies("whatsapp:+447700900002")
    accepted = bodies[1:]
    assert len(bodies[0]) > 1600 and all(len(b) <= 1600 for b in accepted)
    assert " ".join(accepted).split() == long_part.split()


async def test_an_unreachable_api_reports_failure_without_raising() -> None:
    sender = TwilioSender(TwilioSettings("AC1", "secret", "+447700900000", URL, "http://127.0.0.1:9"))
    assert not await sender.send("+447700900001", "+447700900000", ["hello"])
