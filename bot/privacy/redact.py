"""redact(text): personal identifiers out, clinical facts in.

Replaced, in this order (each tag holds no digits, so a later pattern never
matches inside an earlier tag):

    email addresses                         [EMAIL]
    NHS numbers with a valid check digit    [NHS_NUMBER]
    UK phone numbers (+44, 0044 or 0...)    [PHONE]
    dates of birth                          [DOB]
    UK postcodes                            [POSTCODE]

What a clinician needs stays: temperatures (38.2, 100.4F), ages (6 weeks),
times (7am, 19:30), durations (2-3 days), doses (5ml). The patterns are built so
that none of those can match: phone numbers need a trunk 0 or +44 and 10 or
11 digits, postcode inward codes never use the letters C I K M O V (so "5pm",
"7am", "3km" and "5ml" are not postcodes), and a date needs a valid day and
month and, unless it is a full dd/mm/yyyy date, a word like "born" or "dob"
near it.

RedactingFilter applies the same to log records, so logs hold no raw identifiers.
"""

from __future__ import annotations

import logging
import re
from typing import Callable, Iterable, List, Optional, Tuple

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,24}\b")

# 10 digits, as one block or spaced/hyphenated 3-3-4 with the same separator.
NHS_NUMBER = re.compile(r"(?<![\w+])(\d{3})([ \-]?)(\d{3})\2(\d{4})(?![\w])")

# +44 / 0044 (optionally with "(0)") or a trunk 0 (optionally in brackets), then
# a national number of 9 or 10 digits starting 1, 2, 3, 5, 7, 8 or 9, with single
# spaces, hyphens, dots or a closing bracket between digit groups.
PHONE = re.compile(
    r"""
    (?<![\w+])
    (?: (?:\+|\b00)\s?44\s?(?:\(0\)\s?)?\(? | \(?0 )
    [1-35789]
    (?:[\s.)\-]{0,2}\d){8,9}
    (?!\d)
    """,
    re.VERBOSE,
)

POSTCODE = re.compile(
    r"\b(?:GIR\s?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ORDINAL = r"(?:st|nd|rd|th)?"
_DURATION_AFTER = (
    r"(?!\s*(?:-\s*)?(?:days?|d|weeks?|wks?|w|months?|mths?|m|years?|yrs?|y|hours?|hrs?|h|mins?|minutes?)\b)"
)

NUMERIC_DATE = re.compile(r"(?<![\w/.\-])(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?![\w/]|\.\d|-\d)")
ISO_DATE = re.compile(r"(?<![\w/.\-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w/]|\.\d|-\d)")
# Only near a birth keyword:
DAY_MONTH = re.compile(r"(?<![\w/.\-])(\d{1,2})([/\-])(\d{1,2})(?![\w/]|\.\d|-\d)" + _DURATION_AFTER)
WRITTEN_DATE = re.compile(
    rf"\b(?:(\d{{1,2}}){_ORDINAL}(?:\s+of)?\s+{_MONTH}\.?(?:,?\s+(?:\d{{4}}|'\d{{2}}))?"
    rf"|{_MONTH}\.?\s+(\d{{1,2}}){_ORDINAL}(?:,?\s+\d{{4}})?"
    rf"|{_MONTH}\s+\d{{4}})\b",
    re.IGNORECASE,
)
BIRTH_WORD = re.compile(
    r"\b(?:born|birth\s*day|birthday|b'?day|dob|d\.o\.b\.?|date\s+of\s+birth|birth\s*date)(?!\w)",
    re.IGNORECASE,
)
BIRTH_WORD_BEFORE_CHARS = 40  # "born on the morning of 12 March" fits
BIRTH_WORD_AFTER_CHARS = 25  # "12 March is her birthday"

Span = Tuple[int, int]


def nhs_number_valid(digits: str) -> bool:
    """The NHS number check digit (modulus 11, weights 10..2; 10 is never valid)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _valid_day_month(first: int, second: int) -> bool:
    """Either day/month (UK) or month/day (US) order."""
    return (1 <= first <= 31 and 1 <= second <= 12) or (1 <= first <= 12 and 1 <= second <= 31)


def _valid_phone(match: re.Match) -> bool:
    digits = re.sub(r"\D", "", match.group(0))
    if digits.startswith("0044"):
        digits = digits[4:]
    elif digits.startswith("44") and not match.group(0).lstrip("(").startswith("0"):
        digits = digits[2:]
    digits = digits[1:] if digits.startswith("0") else digits  # national trunk 0 or "(0)"
    return 9 <= len(digits) <= 10


def _near_birth_word(text: str, span: Span, birth_spans: List[Span]) -> bool:
    start, end = span
    for word_start, word_end in birth_spans:
        if word_end <= start and start - word_end <= BIRTH_WORD_BEFORE_CHARS:
            return True
        if word_start >= end and word_start - end <= BIRTH_WORD_AFTER_CHARS:
            return True
    return False


def _replace(text: str, spans: Iterable[Span], tag: str) -> str:
    pieces, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            continue
        pieces.append(text[last:start])
        pieces.append(tag)
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def _spans(pattern: re.Pattern, text: str, keep: Callable[[re.Match], bool]) -> List[Span]:
    return [m.span() for m in pattern.finditer(text) if keep(m)]


def _date_spans(text: str) -> List[Span]:
    birth_spans = [m.span() for m in BIRTH_WORD.finditer(text)]

    def near(match: re.Match) -> bool:
        return _near_birth_word(text, match.span(), birth_spans)

    def numeric(match: re.Match) -> bool:
        day_month = _valid_day_month(int(match.group(1)), int(match.group(3)))
        full_year = len(match.group(4)) == 4
        return day_month and (full_year or match.group(2) == "/" or near(match))

    def iso(match: re.Match) -> bool:
        return 1 <= int(match.group(2)) <= 12 and 1 <= int(match.group(3)) <= 31

    def day_month(match: re.Match) -> bool:
        return _valid_day_month(int(match.group(1)), int(match.group(3))) and near(match)

    def written(match: re.Match) -> bool:
        day = match.group(1) or match.group(2)
        return (day is None or 1 <= int(day) <= 31) and near(match)

    spans = _spans(NUMERIC_DATE, text, numeric) + _spans(ISO_DATE, text, iso)
    if birth_spans:
        spans += _spans(DAY_MONTH, text, day_month) + _spans(WRITTEN_DATE, text, written)
    return spans


def redact(text: str) -> str:
    """Replace phone numbers, emails, NHS numbers, postcodes and dates of birth with tags."""
    if not text:
        return text
    text = _replace(text, _spans(EMAIL, text, lambda m: True), "[EMAIL]")
    text = _replace(
        text, _spans(NHS_NUMBER, text, lambda m: nhs_number_valid(m.group(1) + m.group(3) + m.group(4))), "[NHS_NUMBER]"
    )
    text = _replace(text, _spans(PHONE, text, _valid_phone), "[PHONE]")
    text = _replace(text, _date_spans(text), "[DOB]")
    return _replace(text, _spans(POSTCODE, text, lambda m: True), "[POSTCODE]")


# LogRecord attributes that never hold free text from a user.
_RECORD_FIELDS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class RedactingFilter(logging.Filter):
    """Redacts the message, its arguments, the traceback and any extra string
    fields (Sanic's access log puts the request line in `request`).

    Attach it to handlers (a logger's own filters do not see records that
    propagate from child loggers): `install_redacting_filter()` does that for
    the root logger's handlers.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the formatter to report
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            trace = logging.Formatter().formatException(record.exc_info)
            clean_trace = redact(trace)
            if clean_trace != trace:
                # Formatters print exc_text when exc_info is gone; the raw exception is dropped.
                record.exc_info, record.exc_text = None, clean_trace
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for name, value in list(vars(record).items()):
            if name not in _RECORD_FIELDS and isinstance(value, str):
                setattr(record, name, redact(value))
        return True


def install_redacting_filter(logger: Optional[logging.Logger] = None) -> None:
    """Add a RedactingFilter to every handler of `logger` (the root logger by default)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
