"""Read ages, temperatures, fever duration and hours without a wee from text.

All readers take the normalised text (bot.safety.text.normalise) and return
plain numbers: age in months, temperature in Celsius, durations in days/hours.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import List, Optional

WORD_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "a": 1, "an": 1, "couple": 2, "few": 3,
}  # fmt: skip
_NUM_WORD = "|".join(sorted((w for w in WORD_NUMBERS if w not in ("a", "an", "couple", "few")), key=len, reverse=True))
# digits may run into a unit ("6wks"); a word number must end at a word boundary ("am" is not "a m")
NUM = rf"(?:\d+(?:[.,]\d+)?|(?:{_NUM_WORD}|a|an)\b)"
HALF = r"(?:\s*(?:and\s+(?:a\s+)?half|and\s+1/2|½))?"
UNIT_DAY = r"(?:days?|dys?)"
UNIT_WEEK = r"(?:weeks?|wks?|wk|w)"
UNIT_MONTH = r"(?:months?|mnths?|mths?|mth|mos?|mo|m)"
UNIT_YEAR = r"(?:years?|yrs?|yr|y/o|yo|y)"
UNIT = rf"(?:{UNIT_DAY}|{UNIT_WEEK}|{UNIT_MONTH}|{UNIT_YEAR})"
# Words that make "N weeks" a duration, a limit or a gestation, not an age.
NOT_AGE_BEFORE = {
    "for", "since", "last", "past", "every", "within", "in", "under", "over", "below",
    "above", "than", "less", "more", "least", "from", "until", "til", "till", "after",
    "before", "at", "by", "around", "about", "nearly", "almost", "next", "first",
    "couple", "few", "another", "fever", "temperature", "temp", "of", "ago",
}  # fmt: skip
NOT_AGE_AFTER = {"ago", "now", "jabs", "jab", "vaccines", "vaccinations", "injections", "check",
                 "checks", "review", "pregnant", "gestation", "early", "premature", "prem",
                 "of", "later", "before", "since", "running", "straight", "already"}  # fmt: skip
SUBJECT_NOUNS = (
    r"baby|babies|son|daughter|boy|girl|child|kid|toddler|brother|sister|grandson|granddaughter|"
    r"nephew|niece|lo|ds|dd|he|she|hes|shes|bub|bubba|twins|one|daughters|sons|little one|newborn"
)
FIRST_PERSON = re.compile(r"\b(?:im|i\s+am|iam)\s*$")


@dataclass(frozen=True)
class AgeReading:
    months: float
    strong: bool
    text: str


def word_or_number(token: str) -> Optional[float]:
    token = token.strip().replace(",", ".")
    if token in WORD_NUMBERS:
        return float(WORD_NUMBERS[token])
    try:
        return float(token)
    except ValueError:
        return None


def to_months(value: float, unit: str) -> Optional[float]:
    unit = unit.strip().lower()
    if re.fullmatch(UNIT_DAY, unit):
        return value / 30.44
    if re.fullmatch(UNIT_WEEK, unit):
        return value * 7 / 30.44
    if re.fullmatch(UNIT_MONTH, unit):
        return value
    if re.fullmatch(UNIT_YEAR, unit):
        return value * 12
    return None


def _half(text: str) -> float:
    return 0.5 if text and re.search(r"half|1/2|½", text) else 0.0


def _word_before(text: str, start: int) -> str:
    match = re.search(r"([a-z&]+)\W*$", text[:start])
    return match.group(1) if match else ""


def _word_after(text: str, end: int) -> str:
    match = re.match(r"\W*([a-z&]+)", text[end:])
    return match.group(1) if match else ""


def _negated(text: str, start: int) -> bool:
    return bool(re.search(r"\b(?:not|no|isnt|wasnt|arent)\s+(?:a\s+)?$", text[:start]))


AGE_WITH_OLD = re.compile(rf"\b({NUM}){HALF}\s*-?\s*({UNIT})s?\s*-?\s*olds?\b")
AGE_YO = re.compile(rf"\b(\d+(?:[.,]\d+)?){HALF}\s*(yo|y/o|yrs?|yr|mos?|mo|mths?|mth|wks?|wk)\b")
AGE_SUBJECT_IS = re.compile(
    rf"\b(?:hes|shes|he\s+is|she\s+is|is|was|aged|age|turned|turns|just)\s+(?:only\s+|just\s+|nearly\s+|almost\s+)?"
    rf"({NUM}){HALF}(?:\s*({UNIT})s?)?(?:\s*old)?\b"
)
AGE_PAREN = re.compile(rf"\(\s*(?:age[d]?\s*)?(\d+(?:[.,]\d+)?){HALF}\s*(?:({UNIT})s?)?\s*(?:old)?\s*\)")
AGE_NOUN = re.compile(rf"\b(?:{SUBJECT_NOUNS})\s+(?:is\s+|of\s+|aged\s+)?({NUM}){HALF}\s*({UNIT})s?\b")
AGE_HAVE = re.compile(rf"\b(?:have|has)\s+(\d+){HALF}\s*(years?|months?|weeks?|yrs?)\b")
AGE_BORN = re.compile(rf"\bborn\s+({NUM}){HALF}\s*({UNIT_DAY}|{UNIT_WEEK}|{UNIT_MONTH})s?\s+ago\b")
AGE_BARE_UNIT = re.compile(rf"\b({NUM}){HALF}\s*({UNIT_WEEK}|{UNIT_MONTH}|{UNIT_DAY}|{UNIT_YEAR})s?\b")
NEWBORN = re.compile(r"\bnew\s*-?\s*born\b")
BARE_NUMBER = re.compile(
    r"^\W*(?:about|around|nearly|hes|shes|he\s+is|she\s+is)?\s*(\d{1,2}(?:[.,]5)?|" + _NUM_WORD + r")" + HALF + r"\W*$"
)


def read_ages(text: str, awaiting: Optional[str] = None) -> List[AgeReading]:
    """Every age the text gives, strongest readings first."""
    readings: List[AgeReading] = []

    def add(match: re.Match, value_group: int, unit: Optional[str], strong: bool, default_unit: str = "y") -> None:
        start = match.start()
        before = _word_before(text, start)
        if FIRST_PERSON.search(text[: start + (match.group(0).find(match.group(value_group)) if value_group else 0)]):
            return
        if before in NOT_AGE_BEFORE and not strong:
            return
        if before in {
            "under",
            "over",
            "below",
            "above",
            "than",
            "from",
            "at",
            "since",
            "for",
            "ago",
            "past",
            "last",
            "within",
        }:
            return
        if _negated(text, start):
            return
        after = _word_after(text, match.end())
        if after in NOT_AGE_AFTER:
            return
        value = word_or_number(match.group(value_group))
        if value is None:
            return
        value += _half(match.group(0))
        months = to_months(value, unit or default_unit)
        if months is None or months > 12 * 110:
            return
        readings.append(AgeReading(months=months, strong=strong, text=match.group(0)))

    for match in AGE_WITH_OLD.finditer(text):
        add(match, 1, match.group(2), True)
    for match in AGE_YO.finditer(text):
        if not AGE_WITH_OLD.search(text, match.start(), match.end() + 5):
            add(match, 1, match.group(2), True)
    for match in AGE_BORN.finditer(text):
        add(match, 1, match.group(2), True)
    for match in AGE_PAREN.finditer(text):
        value = word_or_number(match.group(1))
        if value is not None and (match.group(2) or value < 19):
            add(match, 1, match.group(2), True)
    for match in AGE_NOUN.finditer(text):
        add(match, 1, match.group(2), True)
    for match in AGE_HAVE.finditer(text):
        add(match, 1, match.group(2), True)
    for match in AGE_SUBJECT_IS.finditer(text):
        value = word_or_number(match.group(1))
        unit = match.group(2)
        if value is None:
            continue
        if "." in match.group(1) or "," in match.group(1):
            continue  # "is 38.2" is a temperature
        if not unit and (value >= 34 or match.group(1) in ("a", "an")):
            continue  # "hes 39" could be a temperature; "is a" is not an age
        if not unit and not re.search(r"\b(?:hes|shes|he\s+is|she\s+is|aged|age|turned|turns)\b", match.group(0)):
            # "is 2" needs a child as subject just before it
            if not re.search(rf"\b(?:{SUBJECT_NOUNS}|[a-z]+)\s+$", text[: match.start()]):
                continue
            if re.search(
                r"\b(?:temp|temperature|it|reading|thermometer|that|this|there|time|which|what)\s*$",
                text[: match.start()],
            ):
                continue
        add(match, 1, unit, True)
    for match in NEWBORN.finditer(text):
        readings.append(AgeReading(months=0.25, strong=False, text=match.group(0)))
    if not any(r.strong for r in readings):
        for match in AGE_BARE_UNIT.finditer(text):
            if re.search(rf"{UNIT_DAY}s?$", match.group(0)) and not awaiting == "age":
                continue  # "3 days" is nearly always a duration
            add(match, 1, match.group(2), False)
    if awaiting == "age" and not readings:
        bare = BARE_NUMBER.match(text)
        if bare:
            value = word_or_number(bare.group(1))
            if value is not None and value <= 18:
                value += _half(bare.group(0))
                readings.append(AgeReading(months=value * 12, strong=False, text=bare.group(0)))
    readings.sort(key=lambda r: (not r.strong, r.months))
    return readings


def read_age_months(text: str, awaiting: Optional[str] = None) -> Optional[float]:
    """The youngest age the text gives (the cautious choice), in months."""
    readings = read_ages(text, awaiting)
    if not readings:
        return None
    strong = [r for r in readings if r.strong]
    pool = strong or readings
    return min(r.months for r in pool)


# --- temperatures -------------------------------------------------------------
TEMP_NUMBER = re.compile(
    r"(?<![\d.,])(\d{2,3}(?:[.,]\d{1,2})?)(?![\d])\s*(celsius|centigrade|fahrenheit|degrees?|deg|c|f)?\b(?:\s*(c|f)\b)?"
)
TEMP_CONTEXT = re.compile(
    r"\b(?:temp|temps|temperature|temperatures|temprature|fever|thermometer|reading|read|reads|says|said|"
    r"showing|shows|degrees?|exactly|hot|burning|ear|forehead|underarm|armpit|hit|hits|peaked|up\s+to|at|"
    r"celsius|fahrenheit|spiked|spiking|measured|measures|was|is|its|of|around|about|over|dot)\b"
)
UNIT_AFTER = re.compile(
    r"^\s*(?:weeks?|wks?|wk|months?|mths?|mos?|mo|years?|yrs?|yo|days?|hours?|hrs?|mins?|minutes?|am|pm|kg|kgs|ml|mg|g|%|percent|times|oz|lbs?|pounds|minute|seconds?|secs?|:|year|th|st|nd|rd)\b"
)
WORD_TEMP = re.compile(
    r"\b(thirty|forty|one\s+hundred(?:\s+and)?|a\s+hundred(?:\s+and)?|hundred(?:\s+and)?)[\s-]*"
    r"(one|two|three|four|five|six|seven|eight|nine)?"
    r"(?:\s+point\s+(zero|oh|one|two|three|four|five|six|seven|eight|nine))?\b"
)
POINT_TEMP = re.compile(r"\b(3[4-9]|4[0-3])\s+point\s+(\d)\b")


@dataclass(frozen=True)
class TemperatureReading:
    celsius: float
    text: str


def _f_to_c(value: float) -> float:
    return round((value - 32) * 5 / 9, 1)


def read_temperatures(text: str, awaiting: Optional[str] = None) -> List[TemperatureReading]:
    readings: List[TemperatureReading] = []
    whole_is_number = (
        re.fullmatch(r"\W*(?:its|it is|it says|about|around)?\s*\d{2,3}(?:[.,]\d{1,2})?\s*(?:c|f|degrees?)?\W*", text)
        is not None
    )
    for match in TEMP_NUMBER.finditer(text):
        raw, unit1, unit2 = match.group(1), match.group(2), match.group(3)
        unit = (unit2 or unit1 or "").lower()
        if UNIT_AFTER.match(text[match.end(1) :]) and not unit:
            continue
        if re.search(r"\d[.:]\s*$", text[: match.start()]):
            continue  # part of a time or a list
        if re.search(
            r"\b(?:below|under|over|above|than|least|to|from|between|and)\s*$", text[: match.start()]
        ) and re.search(r"\b(?:below|under|over|above|than|least|between)\s*$", text[: match.start()]):
            continue  # a threshold being asked about, not a reading
        value = float(raw.replace(",", "."))
        has_decimal = "." in raw or "," in raw
        window = text[max(0, match.start() - 40) : match.end() + 25]
        context = bool(TEMP_CONTEXT.search(window)) or whole_is_number or awaiting == "temperature"
        if unit.startswith("f") or (not unit.startswith("c") and 95 <= value <= 108):
            if 95 <= value <= 108 and (unit.startswith("f") or unit.startswith("deg") or context):
                readings.append(TemperatureReading(_f_to_c(value), match.group(0)))
            continue
        if 34 <= value <= 43.5:
            if has_decimal or unit or context:
                readings.append(TemperatureReading(round(value, 1), match.group(0)))
    for match in POINT_TEMP.finditer(text):
        value = float(f"{match.group(1)}.{match.group(2)}")
        readings.append(TemperatureReading(value, match.group(0)))
    for match in WORD_TEMP.finditer(text):
        tens_word, unit_word, decimal_word = match.group(1), match.group(2), match.group(3)
        if tens_word.startswith("thirty") or tens_word.startswith("forty"):
            value = float(WORD_NUMBERS[tens_word.split()[0]] + (WORD_NUMBERS[unit_word] if unit_word else 0))
            if decimal_word:
                value += (0 if decimal_word in ("zero", "oh") else WORD_NUMBERS[decimal_word]) / 10
            if 34 <= value <= 43.5 and (unit_word or decimal_word):
                readings.append(TemperatureReading(round(value, 1), match.group(0)))
        else:
            value = 100.0 + (WORD_NUMBERS[unit_word] if unit_word else 0)
            if unit_word and decimal_word:
                value += (0 if decimal_word in ("zero", "oh") else WORD_NUMBERS[decimal_word]) / 10
            if unit_word:
                readings.append(TemperatureReading(_f_to_c(value), match.group(0)))
    return readings


def read_temperature_c(text: str, awaiting: Optional[str] = None) -> Optional[float]:
    """The highest temperature in the text, in Celsius (the cautious choice)."""
    readings = read_temperatures(text, awaiting)
    return max((r.celsius for r in readings), default=None)


# --- fever duration -------------------------------------------------------------
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAY = r"(?:mon|tues|tue|wednes|wed|thurs|thu|fri|satur|sat|sun)(?:day)?"
FEVER_WORDS = r"(?:fever|feverish|temp|temps|temperature|temperatures|hot|high\s+temp|burning\s+up|febrile)"
OTHER_ILLNESS = re.compile(
    r"\b(?:cold|cough|coughing|snotty|runny|nose|rash|spots|diarrhoea|diarrhea|sick|vomiting|ear|teething|chickenpox|tooth)\b"
)
DURATION = re.compile(
    rf"(?P<pre>\b(?:for|since|over|of|lasted|lasting|last|past|on\s+and\s+off\s+for|now|been)\b)?\s*"
    rf"(?:nearly|almost|about|around|over|more\s+than|at\s+least|a\s+good)?\s*({NUM}|a|couple\s+of|few)\s*(?:whole|full|solid|good|entire)?\s*({UNIT_DAY}|nights?|{UNIT_WEEK}|fortnight)s?\b"
)
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
            "eighth": 8, "ninth": 9, "tenth": 10}  # fmt: skip
DAY_N_OF = re.compile(rf"\bday\s+({NUM})(?:\s+(?:of|with)\b|\s*$|\s*[,.!?]|\s+now\b|\s+today\b)")
NTH_DAY = re.compile(r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))\s+day\b")


def _weekday_index(word: str) -> Optional[int]:
    for index, name in enumerate(WEEKDAYS):
        if name.startswith(word[:3]):
            return index
    return None


def _days_since_weekday(text: str, today: dt.date) -> Optional[int]:
    match = re.search(rf"\bsince\s+(?:last\s+|on\s+)?({WEEKDAY})\b", text)
    if not match:
        return None
    start = _weekday_index(match.group(1))
    now_match = re.search(
        rf"\b(?:today\s+is|todays|its|it\s+is|now\s+its|and\s+its|now\s+it\s+is)\s+({WEEKDAY})\b", text[match.end() :]
    )
    end = _weekday_index(now_match.group(1)) if now_match else today.weekday()
    if start is None or end is None:
        return None
    days = (end - start) % 7
    return days or 7


def _duration_days(value_text: str, unit: str) -> Optional[float]:
    if value_text.startswith("couple"):
        value = 2.0
    elif value_text.startswith("few"):
        value = 3.0
    else:
        value = word_or_number(value_text)
    if value is None:
        return None
    unit = unit.lower()
    if unit.startswith("fortnight"):
        return 14.0
    if re.fullmatch(rf"{UNIT_WEEK}s?", unit):
        return value * 7
    return value


def read_fever_days(text: str, today: Optional[dt.date] = None, fever_in_context: bool = False) -> Optional[float]:
    """How many days the fever has lasted, if the text says."""
    today = today or dt.date.today()
    best: Optional[float] = None
    if re.search(rf"\b{FEVER_WORDS}\b", text) or fever_in_context:
        day = DAY_N_OF.search(text)
        if day:
            best = word_or_number(day.group(1))
    for clause in re.split(r"[.!?;,\n]|\bbut\b|\bhowever\b", text):
        has_fever_word = re.search(rf"\b{FEVER_WORDS}\b", clause) is not None
        if not has_fever_word and (not fever_in_context or OTHER_ILLNESS.search(clause)):
            continue
        days: Optional[float] = None
        match = DAY_N_OF.search(clause)
        if match:
            days = word_or_number(match.group(1))
        nth = NTH_DAY.search(clause)
        if nth:
            word = nth.group(1)
            days = float(ORDINALS.get(word) or int(re.sub(r"\D", "", word)))
        for dmatch in DURATION.finditer(clause):
            if not has_fever_word and not dmatch.group("pre"):
                continue  # a bare "10 weeks" answers "how old?", it is not a duration
            after = _word_after(clause, dmatch.end())
            if after in ("ago", "old", "before"):
                continue
            before = clause[max(0, dmatch.start() - 12) : dmatch.start()]
            if re.search(r"\b(?:in|every|next|jabs)\s*$", before):
                continue
            value = _duration_days(dmatch.group(2), dmatch.group(3))
            if value is not None and re.search(r"\bnearly|almost\b", dmatch.group(0)) and value >= 7:
                value -= 1
            if value is not None and (days is None or value > days):
                days = value
        since = _days_since_weekday(text[text.find(clause) :], today) if re.search(r"\bsince\b", clause) else None
        if since is not None and (days is None or since > days):
            days = float(since)
        if days is None and re.search(r"\b(?:since|for)\s+(?:last\s+week|a\s+week|over\s+a\s+week)\b", clause):
            days = 7.0
        if days is not None and (best is None or days > best):
            best = days
    return best


# --- hours without a wee ----------------------------------------------------------
CLOCK = re.compile(
    r"\b(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|oclock|o\s*clock|this\s+morning|in\s+the\s+morning|at\s+night|tonight|this\s+evening|in\s+the\s+evening|this\s+afternoon)?\b"
)


def _to_24h(hour: int, marker: Optional[str]) -> int:
    marker = (marker or "").replace(" ", "")
    if marker in ("pm", "atnight", "tonight", "thisevening", "intheevening", "thisafternoon") and hour < 12:
        return hour + 12
    if marker in ("am", "thismorning", "inthemorning") and hour == 12:
        return 0
    return hour


def read_hours_without_wee(text: str) -> Optional[float]:
    """Hours since the last wee or wet nappy, when the text says."""
    match = re.search(r"\b(\d+(?:[.,]\d)?|" + _NUM_WORD + r")\s*(?:hours?|hrs?|h)\b", text)
    if match:
        value = word_or_number(match.group(1))
        if value is not None:
            return value
    if re.search(r"\ball\s+day\b|\bsince\s+(?:yesterday|last\s+night)\b|\ball\s+night\b", text):
        return 12.0
    since = re.search(r"\bsince\s+(?:about\s+|around\s+|her\s+\w+\s+\w+\s+\w+\s+\w+\s+at\s+|at\s+)?", text)
    if since:
        times = [m for m in CLOCK.finditer(text, since.end()) if m.group(3) or m.group(2)]
        if len(times) >= 2:
            start = _to_24h(int(times[0].group(1)), times[0].group(3))
            end = _to_24h(int(times[1].group(1)), times[1].group(3))
            return float((end - start) % 24)
    return None
