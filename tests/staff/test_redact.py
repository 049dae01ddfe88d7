"""bot.privacy: identifiers out (phones, emails, NHS numbers, postcodes, dates of
birth), clinical facts in; logs without raw identifiers; keyed sender ids."""

from __future__ import annotations

import io
import logging

import pytest

from bot.privacy import ids
from bot.privacy.redact import RedactingFilter, install_redacting_filter, nhs_number_valid, redact


@pytest.mark.parametrize("number", ["943 476 5919", "9434765919", "943-476-5919", "401 023 2137", "485 777 3457"])
def test_valid_nhs_numbers_are_redacted(number):
    assert redact(f"his NHS number is {number} ok") == "his NHS number is [NHS_NUMBER] ok"


@pytest.mark.parametrize("number", ["943 476 5918", "9434765910", "123 456 7890", "000 000 0001"])
def test_nhs_numbers_with_a_wrong_check_digit_are_not_tagged(number):
    assert "[NHS_NUMBER]" not in redact(f"reference {number}")


def test_nhs_check_digit():
    assert nhs_number_valid("9434765919")
    assert not nhs_number_valid("9434765918")
    assert not nhs_number_valid("943476591")  # too short
    # a check digit of 10 is never valid
    assert not any(nhs_number_valid(f"000000006{d}") for d in "0123456789")


@pytest.mark.parametrize(
    "phone",
    [
        "07700 900123",
        "07700900123",
        "07700 900 123",
        "077-0090-0123",  # mobile, national
        "+44 7700 900123",
        "+447700900123",
        "+44 (0)7700 900123",
        "0044 7700 900123",  # mobile, +44 / 0044
        "020 7946 0000",
        "(020) 7946 0000",
        "0207 946 0000",
        "0161 496 0000",
        "0161-496-0000",  # landlines
        "01632 960123",
        "0114 496 0000",
        "0800 123 4567",
        "+44 20 7946 0000",
        "+44 (0)20 7946 0000",
        "+441614960000",
        "0044 161 496 0000",
    ],
)
def test_uk_phone_numbers_are_redacted(phone):
    assert redact(f"call me on {phone} after 6") == "call me on [PHONE] after 6"


@pytest.mark.parametrize("email", ["parent@example.com", "a.b+c@nhs.net", "first_last@sub.domain.co.uk", "X@Y.ORG"])
def test_emails_are_redacted(email):
    assert redact(f"email {email}, thanks") == "email [EMAIL], thanks"


@pytest.mark.parametrize(
    "postcode", ["SW1A 1AA", "sw1a 1aa", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A1BB", "LS1 4AP"]
)
def test_uk_postcodes_are_redacted(postcode):
    assert redact(f"we live at {postcode} near the park") == "we live at [POSTCODE] near the park"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("dob 12/03/2024", "dob [DOB]"),
        ("DOB: 3/4/23", "DOB: [DOB]"),
        ("she was born on 12 March 2024", "she was born on [DOB]"),
        ("born on the 5th of June", "born on the [DOB]"),
        ("her birthday is 5th june", "her birthday is [DOB]"),
        ("date of birth 2024-03-12", "date of birth [DOB]"),
        ("born March 3rd, 2024", "born [DOB]"),
        ("born in March 2024", "born in [DOB]"),
        ("12 March is her birthday", "[DOB] is her birthday"),
        ("born 1.5.24", "born [DOB]"),
        ("seen at A&E on 12/11/2025", "seen at A&E on [DOB]"),  # any full dd/mm/yyyy date
        ("on 01-02-2025 he was fine", "on [DOB] he was fine"),
    ],
)
def test_dates_of_birth_are_redacted(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "temp 38.2",
        "it was 100.4F this morning",
        "39.5°C",
        "38.6C at 3am",
        "a temperature of 37.9 degrees",
        "my 6 weeks old",
        "she is 10 weeks",
        "he is 2 years 3 months",
        "6 month old",
        "born 3 weeks ago",
        "born 2-3 weeks early",
        "born at 36/40",
        "at 7am and 19:30",
        "since 7 am",
        "for 2-3 days",
        "48 hours",
        "fever for 5 days",
        "5ml calpol at 5pm",
        "gave 2.5ml every 4-6 hours",
        "took 120ml at 6pm",
        "3km away",
        "1.5.24",
        "on 12/11 she was worse",
        "dose 10/12",
        "0 5 10 15 20",
        "999",
        "call 111",
        "NHS 111",
        "weighs 7.5kg",
        "B3 5PM",
    ],
)
def test_clinical_facts_are_untouched(text):
    assert redact(text) == text


def test_several_identifiers_in_one_message():
    text = (
        "my baby (dob 01/02/2025, NHS 943 476 5919) is floppy, call 07700 900123 or mum@example.com, LS1 4AP, temp 39.1"
    )
    assert redact(text) == (
        "my baby (dob [DOB], NHS [NHS_NUMBER]) is floppy, call [PHONE] or [EMAIL], [POSTCODE], temp 39.1"
    )


def test_redact_is_idempotent_and_handles_empty_text():
    once = redact("call 07700 900123")
    assert redact(once) == once
    assert redact("") == ""


RAW = ["07700 900123", "+447700900123", "943 476 5919", "mum@example.com", "SW1A 1AA", "12/03/2024"]


def _logger(name: str) -> tuple:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s %(request)s"))
    logger = logging.getLogger(f"test.redact.{name}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    install_redacting_filter(logger)
    return logger, stream


def test_log_output_holds_no_raw_identifiers():
    logger, stream = _logger("plain")
    logger.info(
        "message from %s: %s",
        "whatsapp:+447700900123",
        "call 07700 900123, NHS 943 476 5919",
        extra={"request": "GET /staff/?q=mum@example.com"},
    )
    logger.warning("parent wrote %r", {"postcode": "SW1A 1AA", "dob": "12/03/2024"}, extra={"request": "-"})
    try:
        raise ValueError("could not reach mum@example.com on 07700 900123")
    except ValueError:
        logger.exception("sending failed", extra={"request": "-"})
    output = stream.getvalue()
    for raw in RAW:
        assert raw not in output, f"{raw!r} reached the log: {output}"
    assert "[PHONE]" in output and "[NHS_NUMBER]" in output and "[EMAIL]" in output and "[POSTCODE]" in output
    assert "ValueError" in output  # the traceback is kept, redacted
    assert "temp" not in output or "38.2" in output


def test_log_records_keep_clinical_numbers():
    logger, stream = _logger("clinical")
    logger.info("temperature %s at %s months", 38.2, 2.3, extra={"request": "-"})
    assert "temperature 38.2 at 2.3 months" in stream.getvalue()


def test_filter_can_sit_on_a_logger_too():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "sender %s", ("+44 7700 900123",), None)
    assert RedactingFilter().filter(record) is True
    assert record.getMessage() == "sender [PHONE]"


def test_keyed_sender_id(monkeypatch):
    monkeypatch.setenv("SENDER_ID_KEY", "a test key that is long enough for hmac")
    first = ids.keyed_sender_id("whatsapp", "+447700900123")
    assert first == ids.keyed_sender_id("whatsapp", "+447700900123")
    assert first.startswith("whatsapp-") and len(first) < 255
    assert "7700900123" not in first
    assert first != ids.keyed_sender_id("telegram", "+447700900123")
    assert first != ids.keyed_sender_id("whatsapp", "+447700900124")
    monkeypatch.setenv("SENDER_ID_KEY", "another key")
    assert first != ids.keyed_sender_id("whatsapp", "+447700900123")


def test_keyed_sender_id_without_a_key_warns_and_is_stable_per_process(monkeypatch, caplog):
    monkeypatch.delenv("SENDER_ID_KEY", raising=False)
    monkeypatch.setattr(ids, "_process_key", None)
    with caplog.at_level(logging.WARNING, logger="bot.privacy.ids"):
        first = ids.keyed_sender_id("telegram", "12345")
    assert "SENDER_ID_KEY is not set" in caplog.text
    assert ids.keyed_sender_id("telegram", "12345") == first
